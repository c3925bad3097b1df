"""The monthly report the SK Lurah orders (diktum KEEMPAT): one per unit per month, drafted
by the system on the 1st, reviewed and sent by the coordinator by the 5th.

It holds no case and no person: the figures are computed again from the database when
it is shown (suppressed, see ``suppression``), and frozen as ``figures`` when it is sent,
so that what the Lurah, DP3A and Dinsos received does not change afterwards.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation


class MonthlyReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class MonthlyReport(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        verbose_name=_("unit"),
    )
    # The first day of the month reported on.
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=MonthlyReportStatus.choices,
        default=MonthlyReportStatus.DRAFT,
    )
    # Written by the coordinator for the Lurah, DP3A and Dinsos: what the numbers mean.
    # Plain text shown to officials outside the unit, so the page warns: no names.
    narrative = models.TextField(_("narrative"), blank=True, default="")
    due_on = models.DateField(_("due"))
    generated_at = models.DateTimeField(_("generated at"))
    # The suppressed figures as sent (JSON of ``indicators.as_data``); empty while a draft.
    figures = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="one_monthly_report_per_unit_month"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")

    def __str__(self) -> str:
        return f"monthly report #{self.pk} {self.month:%Y-%m}"
