"""Every read of public reports that depends on who is asking: the caseworkers and
coordinators of the unit the report was routed to. Everyone else: nothing (404). A read
of what a reporter wrote is recorded here, in the function that returns it (field names,
never values)."""

from django.db.models import Case as CaseWhen
from django.db.models import Q, QuerySet, When
from django.http import Http404

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.accounts.permissions import HANDLE_PUBLIC_REPORTS
from sipakatau.audit import services as audit
from sipakatau.cases.models import Case
from sipakatau.cases.models.case import Status as CaseStatus
from sipakatau.cases.queries import cases_visible_to
from sipakatau.referrals.codes import OPEN_STATUSES, ReferralStatus
from sipakatau.referrals.models import Referral

from .models import PublicMessage, PublicReport, ReportStatus

# What the unit's page of one report shows of what the reporter wrote.
_REPORT_CONTENT = ["what_happened", "when_text", "contact_phone", "contact_times", "messages"]


def public_reports_visible_to(membership: Membership) -> QuerySet[PublicReport]:
    if not membership.is_active or membership.role not in HANDLE_PUBLIC_REPORTS:
        return PublicReport.objects.none()
    return PublicReport.objects.filter(organisation_id=membership.organisation_id).select_related(
        "kelurahan", "case", "organisation"
    )


def may_handle_report(membership: Membership, report: PublicReport) -> bool:
    """The same rule as ``public_reports_visible_to``, for a write."""
    return (
        membership.is_active
        and membership.role in HANDLE_PUBLIC_REPORTS
        and report.organisation_id == membership.organisation_id
    )


def _waiting_urgent() -> Q:
    """Someone is in danger now and the unit has not yet taken the report up."""
    return Q(danger_now=True, status=ReportStatus.RECEIVED)


def public_inbox(membership: Membership, *, flood: bool = False) -> QuerySet[PublicReport]:
    """The inbox: urgent reports still waiting first, then every report by arrival (the
    newest first). One query, however many rows. Reports marked as flood are left out;
    with ``flood`` they are the only ones shown (they are never deleted)."""
    reports = public_reports_visible_to(membership)
    if flood:
        reports = reports.filter(status=ReportStatus.FLOOD)
    else:
        reports = reports.exclude(status=ReportStatus.FLOOD)
    return reports.annotate(
        urgent_rank=CaseWhen(When(_waiting_urgent(), then=0), default=1)
    ).order_by("urgent_rank", "-created_at", "-pk")


def flood_marked_count(membership: Membership) -> int:
    """How many of the unit's reports are marked as flood (the inbox's filter link)."""
    return public_reports_visible_to(membership).filter(status=ReportStatus.FLOOD).count()


def reports_to_mark(membership: Membership, pks: list[int]) -> QuerySet[PublicReport]:
    """The unit's reports among ``pks``, locked for a bulk change (inside the service's
    transaction); reports of other units are simply not there."""
    return (
        public_reports_visible_to(membership)
        .select_related(None)
        .select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
    )


def urgent_reports_waiting(membership: Membership) -> QuerySet[PublicReport]:
    """The unit's urgent reports still waiting, the oldest first (the staff home page)."""
    return public_reports_visible_to(membership).filter(_waiting_urgent()).order_by("created_at")


def public_report_for(
    membership: Membership, pk: int, *, record_read: bool = False
) -> PublicReport:
    """One report of the unit (404 otherwise). With ``record_read``, the read of what the
    reporter wrote and the messages is recorded ("public_report.viewed")."""
    report = public_reports_visible_to(membership).filter(pk=pk).first()
    if report is None:
        raise Http404
    if record_read:
        audit.log(membership, "public_report.viewed", report, fields=_REPORT_CONTENT)
    return report


def public_report_photo_for(membership: Membership, pk: int) -> PublicReport:
    """A report of the unit that has a photo (404 otherwise), its viewing recorded
    ("public_report.photo_viewed")."""
    report = public_report_for(membership, pk)
    if not report.photo:
        raise Http404
    audit.log(membership, "public_report.photo_viewed", report, fields=["photo"])
    return report


def messages_of(report: PublicReport) -> QuerySet[PublicMessage]:
    return report.messages.order_by("created_at", "pk")


def linkable_cases(membership: Membership) -> QuerySet[Case]:
    """The unit's cases a report may be linked to (the newest first)."""
    completed = cases_visible_to(membership).filter(intake_completed_at__isnull=False)
    return completed.order_by("-reported_at")[:200]


def linkable_case_for(membership: Membership, pk: int) -> Case | None:
    """A case of the unit a report may be linked to; None lets the page say "choose a
    case of your unit" (the report itself was fetched in scope already)."""
    completed = cases_visible_to(membership).filter(intake_completed_at__isnull=False)
    return completed.filter(pk=pk).first()


def report_by_code(code: str) -> PublicReport | None:
    """The report with this tracking code, for the service that then checks its PIN
    (``services.public_report_track``); nobody may read a report by its code alone."""
    return PublicReport.objects.filter(tracking_code=code).first() if code else None


def report_tracked(pk: int | None) -> PublicReport | None:
    """The report whose code and PIN this browser gave (its id kept in the session)."""
    return PublicReport.objects.filter(pk=pk).first() if pk else None


# A referral that was declined or called back is not where the help is coming from.
_LIVE_REFERRAL = [*OPEN_STATUSES, ReferralStatus.COMPLETED]


def tracking_status(report: PublicReport) -> ReportStatus:
    """What the reporter reads: received, being handled, referred or closed. Read from
    the case the report became, so the page follows the work without anyone updating
    the report by hand; nothing of the case itself is shown."""
    status = ReportStatus(report.status)
    if status in (
        ReportStatus.CLOSED,
        ReportStatus.NOT_OURS,
        ReportStatus.SPAM,
        ReportStatus.FLOOD,
    ):
        return status
    case = report.case
    if case is None:
        return status
    if case.status == CaseStatus.CLOSED:
        return ReportStatus.CLOSED
    if Referral.objects.filter(case=case, status__in=_LIVE_REFERRAL).exists():
        return ReportStatus.REFERRED
    return ReportStatus.HANDLING


def public_units() -> QuerySet[Organisation]:
    """The community units and kelurahan offices that show the public where their posko
    is and when it is open (only what an administrator wrote for that purpose)."""
    return (
        Organisation.objects.filter(
            is_active=True, type__in=[OrganisationType.LBK_KK, OrganisationType.KELURAHAN]
        )
        .exclude(posko_address="", service_hours="")
        .select_related("area")
        .order_by("name")
    )
