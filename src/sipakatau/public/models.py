"""Reports sent by the public through the portal, and the messages about them.

A report names nobody on purpose: the reporter is known only by a tracking code and a
PIN (stored as a salted hash, like a password). Everything the reporter types is
encrypted (DESIGN.md §5); it becomes a case only when a caseworker promotes it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation, User
from sipakatau.areas.models import Area
from sipakatau.lib.fields import EncryptedTextField


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDLING = "handling", _("Being handled")
    REFERRED = "referred", _("Referred to another service")
    CLOSED = "closed", _("Closed")
    NOT_OURS = "not_ours", _("Not for this unit")
    SPAM = "spam", _("Spam")
    # One of many fake reports sent by a script (issue 18): kept, never deleted, but out of
    # the inbox's default list and out of the statistics. Marked in bulk by the unit.
    FLOOD = "flood", _("Flood")


class ContactPreference(models.TextChoices):
    NONE = "none", _("Do not contact me")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class PublicReport(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    pin_hash = models.CharField(max_length=128)
    # The form's hidden key or the API's Idempotency-Key header: a report sent twice
    # (a retry on a slow network) is stored once.
    idempotency_key = models.CharField(max_length=64, unique=True)
    kelurahan = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelurahan")
    )
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    about_self = models.BooleanField(_("it happened to the reporter"))
    what_happened = EncryptedTextField(_("what happened"))
    when_text = EncryptedTextField(_("when"), blank=True, default="")
    danger_now = models.BooleanField(_("someone is in danger now"), default=False)
    # When the unit must have made first contact: the first-contact deadline of the
    # mechanism governing the kelurahan (its shortest one when someone is in danger now),
    # counted from the report's arrival. Empty when no rule gives one.
    first_contact_due = models.DateTimeField(_("contact by"), null=True, blank=True)
    contact = models.CharField(
        _("contact"), max_length=16, choices=ContactPreference.choices, default="none"
    )
    contact_phone = EncryptedTextField(_("phone"), blank=True, default="")
    contact_times = EncryptedTextField(_("safe times"), blank=True, default="")
    # The reporter ticked "this channel is safe for me". Without it nothing is ever sent
    # (DESIGN.md §5: a survivor is contacted only on a channel marked safe).
    contact_safe = models.BooleanField(_("the channel is safe"), default=False)
    # Made when a worker first replies and a safe channel was given, so the outbox can
    # check the channel again at send time (notifications.services.notify_person).
    contact_person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    photo_content_type = models.CharField(max_length=32, blank=True)
    # The cleaned photo, base64 and encrypted like a case attachment.
    photo = EncryptedTextField(blank=True, default="")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="public_reports",
        verbose_name=_("unit"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_reports",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        # The statistics: a unit's reports from the public in a month.
        indexes = [models.Index(fields=["organisation", "created_at"])]
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")

    def __str__(self) -> str:
        return f"public report #{self.pk}"

    @property
    def first_contact_late(self) -> bool:
        """Still waiting for the unit (not yet a case, not closed) after its deadline."""
        return (
            self.status == ReportStatus.RECEIVED
            and self.first_contact_due is not None
            and self.first_contact_due < timezone.now()
        )


class PublicMessage(models.Model):
    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="messages")
    from_staff = models.BooleanField(default=False)
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"public message #{self.pk}"


class TrackingFailure(models.Model):
    """One wrong code or PIN, counted per code, per address and per code and address
    together (an HMAC of the address, never the address itself), so that ``tracking``
    can make the next try wait; kept in the database so that every app process counts
    the same failures."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"tracking failure #{self.pk}"


class SubmissionMark(models.Model):
    """One report sent, counted per address (keyed hash) and per kelurahan to slow down a
    flood of fake reports; kept in the database so every app process counts the same."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        # flood.rate_of counts one key's marks since a moment, on every report sent.
        indexes = [models.Index(fields=["key", "at"], name="public_submark_key_at")]

    def __str__(self) -> str:
        return f"submission mark #{self.pk}"


class ChallengeUse(models.Model):
    """A challenge token that was tried once (right or wrong): it cannot be tried again."""

    nonce = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"challenge use #{self.pk}"
