"""A referral of a case to a service provider, and the deadlines for answering one."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.cases.models import Case, CaseParty, Consent
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.lib.fields import EncryptedJSONField, EncryptedTextField

from .codes import ENDED_BY_SENDER, OPEN_STATUSES, ReferralStatus, Urgency

User = settings.AUTH_USER_MODEL


class Referral(models.Model):
    """What the recipient may ever read is ``projection``: the values of
    ``shared_fields``, copied when the referral was made. Nothing on the recipient's side
    follows ``case`` (UU 27/2022 PDP Pasal 16 ayat (2): purpose limitation)."""

    register_number = models.CharField(_("referral number"), max_length=60, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    # The sending unit, kept apart from the case so that the recipient's pages never
    # have to load the case to say who sent it.
    sender = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    subject = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="+", verbose_name=_("for whom")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("to")
    )
    # The provider's organisation when it uses Sipakatau (its inbox); NULL for an outside
    # service, which gets the printed letter and whose answer the sender records.
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
    )
    recipient_type = models.CharField(max_length=16, choices=OrganisationType.choices)
    service_type = models.CharField(_("service"), max_length=32, choices=ServiceType.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    # The unit's own reason: kept in the case, never shown to the recipient.
    reason = EncryptedTextField(_("reason"))
    shared_fields = models.JSONField(_("what is shared"), default=list)
    projection = EncryptedJSONField(default=dict, blank=True)
    # Which needs of the assessment were shared (need domain codes), kept after the
    # projection is emptied so the record still says what went. Encrypted: that a need
    # exists is itself about the survivor. Empty on referrals made before needs were
    # chosen one by one: those shared every need of the assessment.
    shared_needs = EncryptedJSONField(_("needs shared"), default=list, blank=True)
    # The consent the referral rests on (the subject's; every victim had one when it was
    # made), or NULL with a recorded override.
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    override_reason = EncryptedTextField(_("why without consent"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    decline_reason = EncryptedTextField(_("why declined"), blank=True, default="")
    service_given = EncryptedTextField(_("service given"), blank=True, default="")
    feedback = EncryptedTextField(_("feedback"), blank=True, default="")
    due_at = models.DateTimeField(_("answer due"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["status", "due_at"]),
            # The statistics: a unit's referrals sent in a month.
            models.Index(fields=["sender", "created_at"]),
            # The inbox's tabs in their keyset order (queries.inbox_listed): every
            # referral and those done, the new and overdue, the accepted and in service.
            models.Index(fields=["recipient", "created_at", "id"], name="referral_inbox_idx"),
            models.Index(
                fields=["recipient", "status", "due_at", "id"], name="referral_inbox_due_idx"
            ),
            models.Index(
                fields=["recipient", "status", "created_at", "id"],
                name="referral_inbox_status_idx",
            ),
        ]
        constraints = [
            # UU 27/2022 PDP Pasal 20: a referral rests on consent, or on another lawful
            # basis that is written down. The services check it; the database keeps it.
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(override_legal_basis=""),
                name="referral_consent_or_basis",
            ),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.register_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_override(self) -> bool:
        return self.consent_id is None

    @property
    def ended_by_sender(self) -> bool:
        return self.status in ENDED_BY_SENDER

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Still waiting for an answer after its deadline. ``overdue_q`` is the same rule
        for a query: change both together."""
        return self.status == ReferralStatus.SENT and self.due_at < (now or timezone.now())

    @staticmethod
    def overdue_q(now: datetime | None = None) -> Q:
        return Q(status=ReferralStatus.SENT, due_at__lt=now or timezone.now())


class ReferralDeadlineRule(models.Model):
    """How long a recipient has to accept or decline, per urgency. Data, so that an
    issued mechanism (SK Lurah) can set its own later."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        WORKING_DAYS = "working_days", _("working days")

    urgency = models.CharField(max_length=16, choices=Urgency.choices, unique=True)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=16, choices=Unit.choices)
    basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["urgency"]

    def __str__(self) -> str:
        return f"{self.urgency}: {self.amount} {self.unit}"
