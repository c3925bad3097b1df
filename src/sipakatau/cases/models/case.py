"""A case: one report of violence handled by one unit, from intake to closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation

from ..codes import Channel, RiskLevel


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSESSED = "assessed", _("Assessed")
    ACTIVE = "active", _("Active")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Case(models.Model):
    """Holds no identity itself: people are linked as parties, narratives are encrypted."""

    # Given when intake is completed (``case_intake_complete``), never at the first
    # screen: an abandoned intake must not use up a number of the unit's register.
    register_number = models.CharField(
        _("register number"), max_length=40, unique=True, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    risk_level = models.CharField(
        _("risk"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.UNASSESSED
    )
    channel = models.CharField(_("how it was reported"), max_length=16, choices=Channel.choices)
    reported_at = models.DateTimeField(_("reported at"))
    danger_now = models.BooleanField(_("someone is in danger now"), default=False)
    immediate_needs = models.JSONField(_("needed now"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned worker"),
    )
    # The hidden token of the intake form: sending the same form twice opens one case.
    intake_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # The deadline rules that govern this case; kept from the day it opened (an issued
    # mechanism later replaces the defaults only for cases opened after it).
    rule_set = models.CharField(max_length=64, default="default")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Empty while the intake is a draft: a draft is seen only by its author and the
    # unit's coordinator, counted nowhere, and removed after SIPAKATAU_INTAKE_DRAFT_DAYS.
    intake_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["assigned_to", "status"]),
            # A unit's list (newest first) and every statistic of a period filter by unit
            # and report time (reports.indicators; docs/benchmarks.md).
            models.Index(fields=["organisation", "reported_at"]),
            # The unit's list in its order (keyset pages, queries.lists.LIST_ORDER) and the
            # same filtered by status; docs/benchmarks.md.
            models.Index(
                fields=["organisation", "reported_at", "id"], name="case_unit_reported_id_idx"
            ),
            models.Index(
                fields=["organisation", "status", "reported_at", "id"],
                name="case_unit_status_reported_idx",
            ),
            # The unit's drafts (few at any time), which a caseworker's search by name
            # leaves out (queries.lists._people_seen_by) and the job removes when stale.
            models.Index(
                fields=["organisation"],
                condition=models.Q(intake_completed_at__isnull=True),
                name="case_unit_draft_idx",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number_label

    @property
    def is_draft(self) -> bool:
        return self.intake_completed_at is None

    @property
    def number_label(self) -> str:
        """The register number, or what a draft is called where a number would be."""
        return self.register_number or str(_("Draft — not complete"))


class CaseCounter(models.Model):
    """The last register number used by a unit in a year (numbers never repeat)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_counter_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"
