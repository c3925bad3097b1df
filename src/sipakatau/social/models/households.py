"""Households (one KK), their members over time, and what is known of their DTSEN rank."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.lib.blind_index import INDEX_HEX_CHARS
from sipakatau.lib.fields import EncryptedTextField
from sipakatau.people.models import Person

from ..codes import DtsenStatus, KnowledgeSource, Relationship

User = settings.AUTH_USER_MODEL


class Household(models.Model):
    """One family card (KK). The KK number and street address are encrypted; the KK is
    found again only through its blind index (UU 27/2022 art. 35-39)."""

    kk_number = EncryptedTextField(_("family card (KK) number"))
    kk_index = models.CharField(max_length=INDEX_HEX_CHARS)
    kelurahan = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    rw = models.CharField(_("RW"), max_length=3)
    rt = models.CharField(_("RT"), max_length=3)
    address = EncryptedTextField(_("address"), blank=True, default="")
    # The office or unit that registered it; scope follows the kelurahan, not this.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kelurahan", "rw", "rt", "pk"]
        constraints = [
            # The service refuses a duplicate KK with a message; this is the last line.
            models.UniqueConstraint(fields=["kk_index"], name="one_household_per_kk"),
        ]
        indexes = [models.Index(fields=["kelurahan", "rw", "rt"])]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"Household #{self.pk}"


class HouseholdMember(models.Model):
    """A person in a household from ``start_date`` until ``end_date`` (a move or a death
    ends the row; a new row starts elsewhere, so the history stays)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_rows")
    relationship = models.CharField(
        _("relationship to the head"), max_length=16, choices=Relationship.choices
    )
    start_date = models.DateField(_("member since"))
    end_date = models.DateField(_("member until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "start_date", "pk"]
        constraints = [
            # A person belongs to at most one current household (issue 13).
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end_date__isnull=True),
                name="one_current_household_per_person",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="household_member_ends_after_start",
            ),
        ]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return f"member #{self.pk} of household #{self.household_id}"


class DtsenRecord(models.Model):
    """What someone learned of the household's DTSEN status and desil, from where, when.
    Rows are never changed: the newest ``known_on`` is what the rules use."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="dtsen")
    status = models.CharField(_("DTSEN"), max_length=16, choices=DtsenStatus.choices)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=KnowledgeSource.choices)
    known_on = models.DateField(_("known on"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-known_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(desil__isnull=True) | Q(desil__gte=1, desil__lte=10),
                name="dtsen_desil_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(desil__isnull=True) | Q(status=DtsenStatus.LISTED),
                name="dtsen_desil_only_when_listed",
            ),
        ]
        verbose_name = _("DTSEN record")

    def __str__(self) -> str:
        return f"DTSEN {self.status} of household #{self.household_id}"
