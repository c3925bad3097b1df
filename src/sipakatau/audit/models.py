"""The audit trail: append-only, hash-chained events.

The audit app sits on the ground floor beside ``lib``: it stores actors and organisations
by id (never foreign keys, so no later change can rewrite or cascade into the log), and
so every other app can record events without an import loop.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened. Names of fields only, never their values."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class RowSeal(models.Model):
    """A keyed tag over the columns of one row that decide what happens to a survivor's
    data (a case's unit and status, a consent, a referral's projection): an edit made in
    the database, past the application, no longer matches it (``seals.verify_seals``).
    Like the audit events, it names its row by label and id, never by a foreign key."""

    label = models.CharField(_("model"), max_length=64)
    object_id = models.BigIntegerField(_("row"))
    tag = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["label", "object_id"], name="one_seal_per_row")
        ]
        verbose_name = _("row seal")
        verbose_name_plural = _("row seals")

    def __str__(self) -> str:
        return f"{self.label} #{self.object_id}"
