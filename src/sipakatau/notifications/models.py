"""Messages to staff. Their text is rendered from a safe template at display time; the
row keeps only the template code and allowlisted variables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    template = models.CharField(max_length=48)
    # Only the variables in templates.ALLOWED_VARIABLES: a register number, a link, a unit
    # name, a due time. Never a name, NIK, address, violence form or child status.
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
