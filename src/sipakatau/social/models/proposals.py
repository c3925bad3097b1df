"""Monthly proposals (usulan) of a kelurahan to Dinsos, household by household."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.lib.fields import EncryptedTextField
from sipakatau.people.models import Person

from ..codes import BatchState, ItemOutcome, VerificationResult, batch_state_label
from .households import Household
from .programmes import Programme, WorklistEntry

User = settings.AUTH_USER_MODEL


class ProposalBatch(models.Model):
    kelurahan = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    # The first day of the month the batch is for.
    month = models.DateField(_("month"))
    state = models.CharField(
        _("state"), max_length=16, choices=BatchState.choices, default=BatchState.DRAFT
    )
    # Past this date a batch not yet entered in SIKS-NG is late (SIPAKATAU_PROPOSAL_CUTOFF_DAY).
    cutoff_on = models.DateField(_("cut-off"))
    dinsos = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed by the Lurah"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "kelurahan"]
        constraints = [
            models.UniqueConstraint(fields=["kelurahan", "month"], name="one_batch_per_month"),
            models.CheckConstraint(
                condition=Q(state__in=["DRAFT", "MUSYAWARAH", "VERVAL", "INPUT_SIKS"])
                | Q(signed_at__isnull=False),
                name="batch_signed_before_dinsos",
            ),
        ]
        verbose_name = _("proposal batch")
        verbose_name_plural = _("proposal batches")

    def __str__(self) -> str:
        return f"usulan {self.kelurahan_id} {self.month:%Y-%m}"

    @property
    def state_label(self) -> str:
        """The step in the village's own words (a desa's musyawarah is a musyawarah desa)."""
        return batch_state_label(self.state, desa=self.kelurahan.is_desa)


class ProposalItem(models.Model):
    """One household proposed for one programme (and, for a programme given to a person,
    which member)."""

    batch = models.ForeignKey(ProposalBatch, on_delete=models.CASCADE, related_name="items")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="proposals")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worklist_entry = models.ForeignKey(
        WorklistEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verification = models.CharField(
        _("field verification"), max_length=16, choices=VerificationResult.choices, blank=True
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(
        _("decision"), max_length=16, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    # Dinsos's reason may say something about the family: encrypted.
    outcome_reason = EncryptedTextField(_("reason"), blank=True, default="")
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "household", "programme"], name="one_item_per_household_programme"
            )
        ]
        verbose_name = _("proposed household")

    def __str__(self) -> str:
        return f"item #{self.pk} of batch #{self.batch_id}"


class Musyawarah(models.Model):
    """The kelurahan meeting that agreed the list (or the SPTJM statement instead)."""

    batch = models.OneToOneField(ProposalBatch, on_delete=models.CASCADE, related_name="musyawarah")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    # One attendee per line: "name — position".
    attendance = models.TextField(_("attendance"))
    decisions = models.TextField(_("decisions"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("musyawarah")

    def __str__(self) -> str:
        return f"musyawarah of batch #{self.batch_id}"

    @property
    def attendees(self) -> list[str]:
        return [line.strip() for line in self.attendance.splitlines() if line.strip()]
