"""Programmes as data, who receives them, the screening rules, and the worklist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sipakatau.areas.models import Area
from sipakatau.cases.models import Case
from sipakatau.people.models import Person

from ..codes import (
    Authority,
    EnrolmentStatus,
    KnowledgeSource,
    TargetLevel,
    WorklistSource,
    WorklistStatus,
)
from .households import Household

User = settings.AUTH_USER_MODEL


class Programme(models.Model):
    """A social-protection programme (PKH, BPNT, PBI-JK, an ATENSI cluster, a city
    programme). Amounts change every year and are never stored or hard-coded."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    target_level = models.CharField(_("given to"), max_length=16, choices=TargetLevel.choices)
    target_groups = models.JSONField(_("for whom"), default=list, blank=True)
    authority = models.CharField(_("decided by"), max_length=16, choices=Authority.choices)
    is_local = models.BooleanField(_("city programme"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["is_local", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.code


class Enrolment(models.Model):
    """Whether a person or a household receives a programme, as far as known: one row per
    programme and subject, changed in place (the audit trail keeps the history)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    source = models.CharField(_("source"), max_length=16, choices=KnowledgeSource.choices)
    known_on = models.DateField(_("known on"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(household__isnull=True),
                name="enrolment_person_or_household",
            ),
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(person__isnull=False),
                name="one_enrolment_per_person_programme",
            ),
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=Q(household__isnull=False),
                name="one_enrolment_per_household_programme",
            ),
        ]
        verbose_name = _("enrolment")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.status}"


class ScreeningRule(models.Model):
    """A readable rule (``desil <= 4 and not in_pkh``) that flags households for a
    programme, within ``area`` (the Dinsos office's jurisdiction)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rules")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    expression = models.TextField(_("rule"))
    description = models.CharField(_("what it finds"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    edited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("screening rule")

    def __str__(self) -> str:
        return f"rule #{self.pk} for {self.programme_id}"


class WorklistEntry(models.Model):
    """A household to look at for a proposal: flagged by a rule, or by a case whose needs
    assessment raised a social-protection need."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="worklist")
    source = models.CharField(max_length=16, choices=WorklistSource.choices)
    rule = models.ForeignKey(
        ScreeningRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Why, in words that name nothing personal: the rule's description; for a case, the
    # need domain codes (cases.codes.NeedDomain), shown by their labels (``why``).
    reason = models.CharField(_("why"), max_length=300, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WorklistStatus.choices, default=WorklistStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Screening again never flags a household twice for the same rule.
            models.UniqueConstraint(
                fields=["household", "rule"],
                condition=Q(rule__isnull=False),
                name="one_worklist_entry_per_rule",
            ),
            models.UniqueConstraint(
                fields=["household", "case"],
                condition=Q(case__isnull=False),
                name="one_worklist_entry_per_case",
            ),
        ]
        verbose_name = _("worklist entry")
        verbose_name_plural = _("worklist")

    def __str__(self) -> str:
        return f"worklist #{self.pk} ({self.source})"

    @property
    def why(self) -> str:
        if not self.needs:
            return self.reason
        from sipakatau.cases.codes import NeedDomain

        labels = ", ".join(str(NeedDomain(code).label) for code in self.needs)
        return _("Needs: %(needs)s") % {"needs": labels}
