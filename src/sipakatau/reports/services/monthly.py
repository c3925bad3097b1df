"""The monthly report: drafted on the 1st for the past month, written and sent by the
coordinator by the 5th (SK Lurah, diktum KEEMPAT: "LBK-KK menyampaikan laporan bulanan
tanpa identitas korban kepada Lurah, DP3A/UPTD PPA dan Dinas Sosial paling lambat
tanggal 5 setiap bulan"), escalated to the coordinators when late."""

import logging
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.audit import services as audit
from sipakatau.notifications.services import notify

from ..models import MonthlyReport, MonthlyReportStatus
from ..periods import Period, previous_month
from ..queries import (
    ReportScope,
    is_report_sender,
    may_send_monthly_report,
    may_write_monthly_report,
    monthly_report_figures,
    monthly_report_recipients,
)

logger = logging.getLogger(__name__)

DUE_DAY = 5
NARRATIVE_MAX = 4000


def due_on(month: date) -> date:
    """The 5th of the month after ``month``."""
    return Period("month", month.replace(day=1)).end.replace(day=DUE_DAY)


def monthly_report_generate(
    *, month: date | None = None, now: datetime | None = None
) -> list[MonthlyReport]:
    """One draft per active LBK-KK unit for ``month`` (default: the month before today in
    the unit's area time zone). Idempotent: a unit's report of a month is made once, so
    the scheduler may run this every day; returns the reports it made."""
    now = now or timezone.now()
    made = []
    for unit in Organisation.objects.filter(
        type=OrganisationType.LBK_KK, is_active=True
    ).select_related("area"):
        scope = ReportScope("unit", unit.area, unit, exact=False)
        first = (month or previous_month(timezone.localdate(now, scope.zone)).start).replace(day=1)
        if MonthlyReport.objects.filter(organisation=unit, month=first).exists():
            continue
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    organisation=unit, month=first, due_on=due_on(first), generated_at=now
                )
                audit.log(audit.SYSTEM, "monthly_report.generated", report, fields=["month"])
        except IntegrityError:
            continue  # another run made it meanwhile
        made.append(report)
    return made


def _clean_narrative(text: str) -> str:
    text = (text or "").strip()
    if len(text) > NARRATIVE_MAX:
        raise ValidationError(
            {
                "narrative": _("The narrative is too long (at most %(count)d characters).")
                % {"count": NARRATIVE_MAX}
            }
        )
    return text


def monthly_report_write(*, actor: Membership, report_id: int, narrative: str) -> MonthlyReport:
    """The coordinator's narrative, while the report is a draft."""
    text = _clean_narrative(narrative)
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report_id)
        if not may_write_monthly_report(actor, report):
            raise PermissionDenied
        report.narrative = text
        report.save(update_fields=["narrative"])
        audit.log(actor, "monthly_report.written", report, fields=["narrative"])
    return report


def monthly_report_send(
    *, actor: Membership, report_id: int, narrative: str | None = None, now: datetime | None = None
) -> MonthlyReport:
    """Freeze the (suppressed) figures, mark the report sent, and tell the Lurah's office,
    DP3A, UPTD PPA and Dinsos: in Sipakatau and by email through the outbox, with the unit's
    name and a link only (no figure, no person)."""
    now = now or timezone.now()
    text = None if narrative is None else _clean_narrative(narrative)
    with transaction.atomic():
        report = (
            MonthlyReport.objects.select_for_update()
            .select_related("organisation__area")
            .get(pk=report_id)
        )
        if not is_report_sender(actor, report):
            raise PermissionDenied
        if not may_send_monthly_report(actor, report):
            raise ValidationError(_("This report was already sent."))
        if text is not None:
            report.narrative = text
        report.figures = monthly_report_figures(report)
        report.status = MonthlyReportStatus.SENT
        report.sent_at = now
        report.sent_by_id = actor.user_id
        report.save(update_fields=["narrative", "figures", "status", "sent_at", "sent_by"])
        audit.log(actor, "monthly_report.sent", report, fields=["narrative", "figures", "status"])
        users = list({m.user_id: m.user for m in monthly_report_recipients(report)}.values())
        if users:
            notify(
                users=users,
                template="monthly_report_sent",
                context={
                    "unit_name": report.organisation.short_name or report.organisation.name,
                    "link": reverse("reports:monthly_detail", args=[report.pk]),
                },
            )
    return report


def monthly_reports_escalate(*, now: datetime | None = None) -> int:
    """Tell the unit's coordinators, once, that its report is past its due date (the 5th,
    in the unit's time zone). A unit without an active coordinator is tried again on the
    next run."""
    now = now or timezone.now()
    count = 0
    late = MonthlyReport.objects.filter(
        status=MonthlyReportStatus.DRAFT, escalated_at__isnull=True, due_on__lt=now.date()
    ).select_related("organisation__area")
    for report in list(late):
        scope = ReportScope("unit", report.organisation.area, report.organisation, exact=False)
        if report.due_on >= timezone.localdate(now, scope.zone):
            continue
        coordinators = [
            m.user
            for m in Membership.objects.filter(
                organisation=report.organisation_id,
                role=Role.COORDINATOR,
                is_active=True,
                user__is_active=True,
            ).select_related("user")
        ]
        if not coordinators:
            logger.warning("Monthly report %s is late: its unit has no coordinator", report.pk)
            continue
        with transaction.atomic():
            claimed = MonthlyReport.objects.filter(
                pk=report.pk, escalated_at__isnull=True, status=MonthlyReportStatus.DRAFT
            ).update(escalated_at=now)
            if not claimed:
                continue
            notify(
                users=coordinators,
                template="monthly_report_late",
                context={
                    "unit_name": report.organisation.short_name or report.organisation.name,
                    "link": reverse("reports:monthly_detail", args=[report.pk]),
                    "due_at": datetime.combine(
                        report.due_on, datetime.min.time(), tzinfo=scope.zone
                    ),
                },
            )
            audit.log(audit.SYSTEM, "monthly_report.escalated", report, fields=["escalated_at"])
            count += 1
    return count
