"""Messages to staff (in-app) and to anyone by email, SMS or WhatsApp (the outbox). Their
text is rendered from a safe template when shown or sent; the rows keep only the template
code and allowlisted variables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.lib.fields import EncryptedTextField


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    template = models.CharField(max_length=48)
    # Only the variables in templates.ALLOWED_VARIABLES: a register number, a link, a unit
    # name, a due time, and for the probing alert a staff username and a count. Never a
    # survivor's name, NIK, address, violence form or child status.
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class RecipientKind(models.TextChoices):
    USER = "user", _("Staff user")
    PERSON = "person", _("Person")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Never queued for delivery: the person has no channel marked safe (DESIGN.md §5).
    REFUSED = "refused", _("Refused")


class OutboxMessage(models.Model):
    """A message leaving the system by email, SMS or WhatsApp.

    Written in the transaction of the change that causes it, so a rolled-back change
    sends nothing; delivered afterwards by ``worker.deliver_due``. Like a Notification it
    keeps a template code and allowlisted variables, never a rendered text: the text is
    made at send time and exists nowhere in the database.
    """

    # Empty on a refused message: there was no channel it could safely take.
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    recipient_kind = models.CharField(max_length=8, choices=RecipientKind.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # CASCADE: when a person's record is erased, their undelivered messages go with it.
    recipient_person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A survivor's telephone number or a staff email address is personal data (UU 27/2022);
    # NULL on a refused message, which has nowhere safe to go.
    recipient_address = EncryptedTextField(null=True, blank=True)
    template = models.CharField(max_length=48)
    context = models.JSONField(default=dict)
    # The sender name a phone shows; empty for email (DEFAULT_FROM_EMAIL).
    sender = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a pending message is next due; while sending, when the claim lapses (a worker
    # that died mid-send gives the message back after this).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A reason code, an exception class or an HTTP status: never the text or the address
    # (an SMTP error repeats the recipient, a gateway's answer may repeat the message).
    last_error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Unique, so one event queues one message however often it is reported; sent to the
    # gateway as the Idempotency-Key, so a retry after a timeout is not delivered twice.
    dedup_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        recipient_kind="user",
                        recipient_user__isnull=False,
                        recipient_person__isnull=True,
                    )
                    | models.Q(
                        recipient_kind="person",
                        recipient_user__isnull=True,
                        recipient_person__isnull=False,
                    )
                ),
                name="outbox_one_recipient",
            ),
        ]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        # Never the address: __str__ ends up in logs and error reports.
        return f"{self.channel} message #{self.pk} ({self.status})"


class PhoneChannel(models.TextChoices):
    NONE = "", _("No SMS or WhatsApp")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class DeliveryPreference(models.Model):
    """What a staff member chose to receive outside the app. Without a row, nothing: a
    copy by email, SMS or WhatsApp goes only to those who asked for it (opt-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    # To the account's email address (set by the administrator).
    email = models.BooleanField(default=False)
    phone_channel = models.CharField(
        max_length=16, choices=PhoneChannel.choices, blank=True, default=PhoneChannel.NONE
    )
    # E.164; a staff member's own number is personal data too (UU 27/2022).
    phone = EncryptedTextField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        # Never the number: __str__ ends up in logs.
        return f"notification preference of {self.user_id}"
