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
from sipakatau.jobs.models import PreparedFile
from sipakatau.lib.fields import EncryptedTextField


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


class ExportKind(models.TextChoices):
    """The exports that can point at a person, so that leave only through a request that
    someone else approved (see ``services.export_requests``)."""

    CASE_LIST = "case_list", _("Case list of the unit")
    SIMFONI = "simfoni", _("SIMFONI-PPA workbook")


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    # Opened: a job builds the archive (its progress on ``prepared_file``).
    PREPARING = "preparing", _("Being prepared")
    READY = "ready", _("Archive made")
    CLOSED = "closed", _("Closed")


class ExportRequest(models.Model):
    """A request to take an identifiable export out of Sipakatau: asked by one person with
    a reason, approved by another with the right role in the same organisation, then made
    for the requester (after she typed her password again) as an AES-encrypted zip whose
    one-time password is shown once. A job builds the zip (``prepared_file``: its progress,
    then the file, downloaded once); until it has, the password waits encrypted in
    ``archive_password``, cleared (NULL) in the transaction that stores the zip. Archives made
    before the job (``archive``) are kept until the request expires: without that password
    they cannot be read."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("export"), max_length=16, choices=ExportKind.choices)
    # What to export: the period code ("2026-11", "2026-Q4", "2026") and a case status.
    period = models.CharField(_("period"), max_length=8)
    case_status = models.CharField(_("case status"), max_length=16, blank=True, default="")
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    # Wrong passwords typed when opening it; at ``services.export_requests.MAX_FAILURES``
    # the request is closed.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(null=True, blank=True, editable=False)
    archive_name = models.CharField(max_length=80, blank=True, default="")
    # The zip's one-time password, field-encrypted, only between the request that showed it
    # and the job that builds the zip with it (never in the queue: the job gets the pk);
    # NULL otherwise (an encrypted empty text would still be a value).
    archive_password = EncryptedTextField(null=True, blank=True, editable=False)
    # The job's file: progress while it is built, then the zip (downloaded once).
    prepared_file = models.OneToOneField(
        PreparedFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["organisation", "state"])]
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")

    def __str__(self) -> str:
        return f"export request #{self.pk} {self.kind}"


class StatisticsRollup(models.Model):
    """The case figures of one unit for one month, summed by ``rollup`` into any scope and
    period (a city's year is a few hundred of these, not a million cases).

    Derived data, rebuilt whenever it may be out of date: ``changed_at`` is set when
    something it counts changes (``staleness``), ``valid_until`` is when an open deadline
    it counts as "not yet due" falls due."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    # The first day of the month, in the unit's own time zone.
    month = models.DateField(_("month"))
    # What ``rollup.unit_month_data`` counted; null until first computed.
    figures = models.JSONField(null=True, blank=True)
    # When the counting started (its reads see every change committed before it) and the
    # moment its deadlines were judged at ("overdue" or "not yet due").
    computed_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="one_statistics_rollup_per_unit_month"
            )
        ]
        verbose_name = _("statistics rollup")
        verbose_name_plural = _("statistics rollups")

    def __str__(self) -> str:
        return f"statistics rollup {self.organisation_id} {self.month:%Y-%m}"
