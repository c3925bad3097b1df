"""What the workers record on a case after intake."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import OrganisationType
from sipakatau.lib.fields import EncryptedJSONField, EncryptedTextField

from ..codes import ClosureReason, ConsentMethod, ConsentPurpose, RiskLevel, ServiceType
from .case import Case
from .parties import CaseParty

User = settings.AUTH_USER_MODEL


class Assessment(models.Model):
    """A risk assessment with its criteria, and the needs in each domain (encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    risk_level = models.CharField(_("risk"), max_length=16, choices=RiskLevel.choices)
    risk_criteria = models.JSONField(_("what was seen"), default=list, blank=True)
    # {need domain code: what is needed}; free text about a survivor, so encrypted.
    needs = EncryptedJSONField(_("needs"), default=dict, blank=True)
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at"]
        get_latest_by = "assessed_at"

    def __str__(self) -> str:
        return f"assessment #{self.pk}"


class Consent(models.Model):
    """Consent of one person for one purpose (and, for a referral, one kind of recipient).

    UU 27/2022 PDP Pasal 20-22: consent must be specific, provable and withdrawable; for a
    child it is given by a parent or guardian — never by one suspected of the violence.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    subject = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("for what"), max_length=16, choices=ConsentPurpose.choices)
    recipient_type = models.CharField(
        _("to whom"), max_length=16, choices=OrganisationType.choices, blank=True
    )
    given_by_guardian = models.ForeignKey(
        CaseParty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by (parent or guardian)"),
    )
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    witness_name = EncryptedTextField(_("witness"), blank=True, default="")
    proof = models.ForeignKey(
        "cases.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["purpose", "-given_at"]

    def __str__(self) -> str:
        return f"consent #{self.pk} {self.purpose}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ServicePlanItem(models.Model):
    class ItemStatus(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_items")
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    description = EncryptedTextField(_("what exactly"), blank=True, default="")
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"plan item #{self.pk}"


class FollowUp(models.Model):
    """A contact with the survivor (or on her behalf): planned, then done with a summary."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    assigned_to = models.ForeignKey(User, on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("planned for"))
    done_at = models.DateTimeField(null=True, blank=True)
    summary = EncryptedTextField(_("what happened"), blank=True, default="")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        # A person's follow-ups to do and done, each in its list's order (keyset pages,
        # ``queries.follow_ups_listed``): a page is read from the index, however many
        # follow-ups she has done.
        indexes = [
            models.Index(
                fields=["assigned_to", "due_on", "id"],
                condition=models.Q(done_at__isnull=True),
                name="follow_up_to_do_idx",
            ),
            models.Index(
                fields=["assigned_to", "due_on", "id"],
                condition=models.Q(done_at__isnull=False),
                name="follow_up_done_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class Attachment(models.Model):
    """A checked file (PDF, JPEG, PNG), metadata stripped, stored encrypted in the
    database so that backups carry it and no file path can leak it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = EncryptedTextField(_("title"), blank=True, default="")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The cleaned bytes, base64, encrypted like every other field (and so rotated and
    # backed up with them).
    content = EncryptedTextField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


class Closure(models.Model):
    """A request to close, and the coordinator's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("reason"), max_length=24, choices=ClosureReason.choices)
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at"]
        # The statistics: the closures decided in a month.
        indexes = [models.Index(fields=["decided_at"])]

    def __str__(self) -> str:
        return f"closure #{self.pk} {self.decision}"
