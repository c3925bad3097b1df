"""Who sees which figures, and which monthly reports: the one place that decides it.

- coordinator: her unit (exact figures: she sees its cases anyway);
- village_officer (kelurahan staff, the Lurah): the units of the kelurahan;
- agency_officer / agency_manager of DP3A, UPTD PPA or Dinsos: the units of the city.

Drill-down goes to the unit, never further: no indicator names a case or a person.
Everyone but the coordinator on her own unit gets the figures suppressed (small cells
hidden), as do all documents that leave the unit. Out of scope answers 404.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.accounts.permissions import (
    EXPORT_CASE_LIST,
    EXPORT_STATISTICS,
    READ_STATISTICS,
    RECEIVE_MONTHLY_REPORT,
    SEND_MONTHLY_REPORT,
    STATISTICS_AGENCIES,
)
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_time_zone
from sipakatau.cases.models import Case
from sipakatau.lib.replica import reading_reports

from . import rollup
from .indicators import Indicators
from .models import ExportKind, ExportRequest, ExportState, MonthlyReport, MonthlyReportStatus
from .periods import Period
from .suppression import suppress

# The leading sectors (DESIGN §1): city-wide aggregates; other agencies see referrals only.
CITY_AGENCIES = STATISTICS_AGENCIES


@dataclass(frozen=True)
class ReportScope:
    """What one reader may see: one unit, or the units under an area code."""

    level: str  # "unit" | "area"
    area: Area
    unit: Organisation | None  # the coordinator's unit
    exact: bool  # figures shown without suppression

    @property
    def label(self) -> str:
        return str(self.unit) if self.unit is not None else self.area.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(area_time_zone(self.area))


def _under(code: str, field: str = "area__code") -> Q:
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


def reporting_scope(membership: Membership | None) -> ReportScope | None:
    if membership is None or not membership.is_active or membership.role not in READ_STATISTICS:
        return None
    organisation = membership.organisation
    if membership.role == Role.COORDINATOR:
        return ReportScope("unit", organisation.area, organisation, exact=True)
    if membership.role == Role.VILLAGE_OFFICER:
        return ReportScope("area", organisation.area, None, exact=False)
    if organisation.type in CITY_AGENCIES:
        return ReportScope("area", organisation.area, None, exact=False)
    return None


def may_read_statistics(membership: Membership | None) -> bool:
    return reporting_scope(membership) is not None


def units_of(scope: ReportScope) -> QuerySet[Organisation]:
    """The service units whose cases the scope counts (a subquery, never a list)."""
    if scope.unit is not None:
        return Organisation.objects.filter(pk=scope.unit.pk)
    return Organisation.objects.filter(_under(scope.area.code), type=OrganisationType.LBK_KK)


def narrowed(scope: ReportScope, *, area_code: str = "", unit_id: int | None = None) -> ReportScope:
    """A filter inside the reader's scope: a kecamatan or kelurahan, or one unit. Outside
    it (or unknown): 404."""
    if unit_id is not None:
        unit = units_of(scope).select_related("area").filter(pk=unit_id).first()
        if unit is None:
            raise Http404
        return ReportScope("unit", unit.area, unit, exact=scope.exact)
    if area_code and area_code != scope.area.code:
        if scope.unit is not None or not area_code.startswith(f"{scope.area.code}."):
            raise Http404
        area = Area.objects.filter(code=area_code).first()
        if area is None:
            raise Http404
        return ReportScope("area", area, None, exact=scope.exact)
    return scope


def unit_choices(scope: ReportScope) -> list[Organisation]:
    """The units under the scope, with their areas, for the filter (none for a unit)."""
    if scope.unit is not None:
        return []
    return list(units_of(scope).select_related("area").order_by("name"))


def area_choices(scope: ReportScope, units: list[Organisation]) -> list[Area]:
    """The kecamatan and kelurahan under the scope that have one of ``units`` (the
    scope's ``unit_choices``), for the filter."""
    codes: set[str] = set()
    for unit in units:
        parts = unit.area.code.split(".")
        codes.update(".".join(parts[:n]) for n in (3, 4) if len(parts) >= n)
    codes.discard(scope.area.code)
    if not codes:
        return []
    return list(Area.objects.filter(code__in=codes).order_by("code"))


def statistics_for(
    membership: Membership,
    period: Period,
    *,
    area_code: str = "",
    unit_id: int | None = None,
    now: datetime | None = None,
) -> Indicators:
    """The indicators a reader may see: at her scope (or a part of it), suppressed unless
    she is the unit's coordinator. 404 for anyone without a reporting scope."""
    scope = reporting_scope(membership)
    if scope is None:
        raise Http404
    scope = narrowed(scope, area_code=area_code, unit_id=unit_id)
    # Aggregates over many units and months: from the read replica when there is one.
    with reading_reports():
        figures = rollup.figures(
            units=units_of(scope), period=period, zone=scope.zone, scope_label=scope.label, now=now
        )
    return figures if scope.exact else suppress(figures)


# --- Monthly reports -------------------------------------------------------------------------


def monthly_reports_visible_to(membership: Membership | None) -> QuerySet[MonthlyReport]:
    """The coordinator: her unit's reports, drafts included. The Lurah's office, DP3A,
    UPTD PPA and Dinsos: the sent reports of the units in their area."""
    none = MonthlyReport.objects.none()
    if membership is None or not membership.is_active:
        return none
    reports = MonthlyReport.objects.select_related("organisation", "sent_by")
    if membership.role in SEND_MONTHLY_REPORT:
        return reports.filter(organisation_id=membership.organisation_id)
    if membership.role in RECEIVE_MONTHLY_REPORT:
        scope = reporting_scope(membership)
        if scope is None:
            return none
        return reports.filter(organisation__in=units_of(scope), status=MonthlyReportStatus.SENT)
    return none


def monthly_report_for(membership: Membership | None, pk: int) -> MonthlyReport:
    report = monthly_reports_visible_to(membership).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def is_report_sender(membership: Membership | None, report: MonthlyReport) -> bool:
    """The unit's coordinator, whatever the report's status."""
    return (
        membership is not None
        and membership.is_active
        and membership.role in SEND_MONTHLY_REPORT
        and membership.organisation_id == report.organisation_id
    )


def may_write_monthly_report(membership: Membership | None, report: MonthlyReport) -> bool:
    return is_report_sender(membership, report) and report.status == MonthlyReportStatus.DRAFT


def may_send_monthly_report(membership: Membership | None, report: MonthlyReport) -> bool:
    return may_write_monthly_report(membership, report)


def may_export_case_list(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in EXPORT_CASE_LIST


def may_export_statistics(membership: Membership | None) -> bool:
    return (
        membership is not None
        and membership.role in EXPORT_STATISTICS
        and reporting_scope(membership) is not None
    )


def monthly_report_recipients(report: MonthlyReport) -> QuerySet[Membership]:
    """Who is told that the report was sent (SK Lurah: the Lurah, DP3A and Dinsos): the
    kelurahan officers of the unit's kelurahan, and DP3A, UPTD PPA and Dinsos officers and
    managers whose area holds the unit."""
    code = report.organisation.area.code
    parts = code.split(".")
    enclosing = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return Membership.objects.filter(
        Q(role=Role.VILLAGE_OFFICER, organisation__area__code__in=enclosing)
        | Q(
            role__in=[Role.AGENCY_OFFICER, Role.AGENCY_MANAGER],
            organisation__type__in=CITY_AGENCIES,
            organisation__area__code__in=enclosing,
        ),
        is_active=True,
        user__is_active=True,
    ).select_related("user")


def monthly_report_figures(report: MonthlyReport) -> dict:
    """What the report says: frozen when sent, computed (suppressed) while a draft."""
    if report.status == MonthlyReportStatus.SENT and report.figures:
        return report.figures
    unit = report.organisation
    scope = ReportScope("unit", unit.area, unit, exact=False)
    period = Period("month", report.month)
    return suppress(
        rollup.figures(
            units=units_of(scope), period=period, zone=scope.zone, scope_label=scope.label
        )
    ).as_data()


# --- Exports ---------------------------------------------------------------------------------


def cases_for_export(
    membership: Membership, kind: str, period: Period, *, status: str = ""
) -> tuple[QuerySet[Case], ZoneInfo]:
    """The cases a workbook may hold, and the zone its dates are written in: the
    coordinator's own unit for the case list; the reader's scope for SIMFONI and GBVIMS
    (whose rows are limited to counted victims in ``exports``). Refused: PermissionDenied."""
    if kind == "case_list":
        if not may_export_case_list(membership):
            raise PermissionDenied
        organisation = membership.organisation
        scope = ReportScope("unit", organisation.area, organisation, exact=True)
    else:
        scope = reporting_scope(membership)  # type: ignore[assignment]
        if scope is None or not may_export_statistics(membership):
            raise PermissionDenied
    start, end = period.bounds(scope.zone)
    cases = Case.objects.filter(
        organisation__in=units_of(scope),
        reported_at__gte=start,
        reported_at__lt=end,
        intake_completed_at__isnull=False,
    )
    if status:
        cases = cases.filter(status=status)
    return cases, scope.zone


# --- Identifiable exports: requested, approved by someone else, opened with a password ----

# Who may ask for (and approve) each identifiable export, in her own organisation.
EXPORT_BUNDLES = {ExportKind.CASE_LIST: EXPORT_CASE_LIST, ExportKind.SIMFONI: EXPORT_STATISTICS}


def may_request_export(membership: Membership | None, kind: str) -> bool:
    if membership is None or not membership.is_active:
        return False
    if kind == ExportKind.CASE_LIST:
        return may_export_case_list(membership)
    if kind == ExportKind.SIMFONI:
        return may_export_statistics(membership)
    return False


def export_requests_visible_to(membership: Membership | None) -> QuerySet[ExportRequest]:
    """The requests of the membership's organisation for the exports her role may ask
    for: her own, and those she may be asked to approve."""
    if membership is None or not membership.is_active:
        return ExportRequest.objects.none()
    kinds = [kind for kind, roles in EXPORT_BUNDLES.items() if membership.role in roles]
    return ExportRequest.objects.filter(
        organisation_id=membership.organisation_id, kind__in=kinds
    ).select_related("requested_by", "decided_by")


def export_request_for(membership: Membership | None, pk: int) -> ExportRequest:
    found = (
        export_requests_visible_to(membership)
        .defer("archive", "archive_password")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def is_expired(export: ExportRequest, now: datetime | None = None) -> bool:
    return export.expires_at <= (now or timezone.now())


def may_decide_export(
    membership: Membership | None, export: ExportRequest, now: datetime | None = None
) -> bool:
    """Four eyes: someone else of the same organisation in a role that may ask for the
    same export, while the request waits and has not expired. Never the requester."""
    return (
        membership is not None
        and membership.is_active
        and membership.organisation_id == export.organisation_id
        and membership.role in EXPORT_BUNDLES[ExportKind(export.kind)]
        and membership.user_id != export.requested_by_id
        and export.state == ExportState.PENDING
        and not is_expired(export, now)
    )


def is_export_requester(membership: Membership | None, export: ExportRequest) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.user_id == export.requested_by_id
        and membership.organisation_id == export.organisation_id
        and may_request_export(membership, export.kind)
    )


def may_open_export(
    membership: Membership | None, export: ExportRequest, now: datetime | None = None
) -> bool:
    """The requester, once approved, before it expires: types her password, gets the
    archive's one-time password."""
    return (
        is_export_requester(membership, export)
        and export.state == ExportState.APPROVED
        and not is_expired(export, now)
    )


def may_download_export(
    membership: Membership | None, export: ExportRequest, now: datetime | None = None
) -> bool:
    return (
        is_export_requester(membership, export)
        and export.state == ExportState.READY
        and not is_expired(export, now)
    )


def export_approvers(export: ExportRequest) -> QuerySet[Membership]:
    """Who is asked to approve: the others of the organisation who may ask for it too."""
    return (
        Membership.objects.filter(
            organisation_id=export.organisation_id,
            role__in=EXPORT_BUNDLES[ExportKind(export.kind)],
            is_active=True,
            user__is_active=True,
        )
        .exclude(user_id=export.requested_by_id)
        .select_related("user")
    )
