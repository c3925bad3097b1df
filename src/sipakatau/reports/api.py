"""The reports API (/api/v1/reports): the same figures and monthly reports as the pages,
through the same scoped queries and services. Out of scope answers 404; a role without
statistics answers 403; a refused write answers 422."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from sipakatau.accounts.access import acting
from sipakatau.cases.models import Status

from . import queries
from .exports import XLSX
from .models import MonthlyReport
from .periods import month_of, parse_period
from .services import exports, monthly

router = Router(tags=["reports"])


class MonthlyReportOut(Schema):
    id: int
    unit_id: int
    unit: str
    month: date
    status: str
    due_on: date
    narrative: str
    generated_at: datetime
    sent_at: datetime | None


class MonthlyReportDetailOut(MonthlyReportOut):
    figures: dict[str, Any]


class SendIn(Schema):
    narrative: str | None = None


def _out(report: MonthlyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "unit_id": report.organisation_id,
        "unit": str(report.organisation),
        "month": report.month,
        "status": report.status,
        "due_on": report.due_on,
        "narrative": report.narrative,
        "generated_at": report.generated_at,
        "sent_at": report.sent_at,
    }


@router.get(
    "/indicators",
    response=dict[str, Any],
    summary="Indicators at the reader's scope",
    description="`period`: `2026-11`, `2026-Q4` or `2026` (default: this month). `area`: a "
    "kecamatan or kelurahan code inside the reader's area; `unit`: one LBK-KK unit inside "
    "it. The coordinator gets her unit's exact figures; the kelurahan (its units) and "
    "DP3A, UPTD PPA and Dinsos (the city) get them with small cells hidden (`null`). "
    "Only victims with consent for statistics count; `left_out` says how many did not.",
)
def indicators(
    request: HttpRequest, period: str = "", area: str = "", unit: int | None = None
) -> dict[str, Any]:
    membership = acting(request)
    scope = queries.reporting_scope(membership)
    if scope is None:
        raise PermissionDenied
    chosen = parse_period(period) if period else month_of(timezone.localdate(timezone=scope.zone))
    if chosen is None:
        raise ValidationError({"period": "Use YYYY-MM, YYYY-Qn or YYYY."})
    return queries.statistics_for(membership, chosen, area_code=area, unit_id=unit).as_data()


@router.get(
    "/monthly",
    response=list[MonthlyReportOut],
    summary="Monthly reports",
    description="The coordinator: her unit's reports, drafts included. The kelurahan, DP3A, "
    "UPTD PPA and Dinsos: the reports the units of their area sent. Newest first.",
)
def monthly_list(request: HttpRequest) -> list[dict[str, Any]]:
    reports = queries.monthly_reports_visible_to(acting(request)).order_by("-month", "pk")
    return [_out(report) for report in reports[:240]]


@router.get(
    "/monthly/{report_id}",
    response=MonthlyReportDetailOut,
    summary="One monthly report with its figures",
    description="The figures as sent (frozen), or as they stand while a draft; small cells "
    "are `null`.",
)
def monthly_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    report = queries.monthly_report_for(acting(request), report_id)
    return {**_out(report), "figures": queries.monthly_report_figures(report)}


@router.post(
    "/monthly/{report_id}/send",
    response=MonthlyReportDetailOut,
    summary="Send the monthly report",
    description="The unit's coordinator, while it is a draft; `narrative` replaces the "
    "narrative when given. The Lurah's office, DP3A, UPTD PPA and Dinsos are told in "
    "Sipakatau and by email (no figure and no name in the message). Sent already: 422.",
)
def monthly_send(request: HttpRequest, report_id: int, payload: SendIn) -> dict[str, Any]:
    membership = acting(request)
    report = queries.monthly_report_for(membership, report_id)
    report = monthly.monthly_report_send(
        actor=membership, report_id=report.pk, narrative=payload.narrative
    )
    return {**_out(report), "figures": queries.monthly_report_figures(report)}


def _file(request: HttpRequest, report_id: int, format: str, content_type: str) -> HttpResponse:
    membership = acting(request)
    report = queries.monthly_report_for(membership, report_id)
    content = exports.monthly_report_export(actor=membership, report=report, format=format)
    response = HttpResponse(content, content_type=content_type)
    name = f"laporan-bulanan-{report.month:%Y-%m}-{report.organisation_id}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/monthly/{report_id}/report.pdf",
    response={200: bytes},
    summary="The monthly report as PDF",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def monthly_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    return _file(request, report_id, "pdf", "application/pdf")


@router.get(
    "/monthly/{report_id}/report.xlsx",
    response={200: bytes},
    summary="The monthly report as XLSX",
    openapi_extra={"responses": {200: {"description": "XLSX", "content": {XLSX: {}}}}},
)
def monthly_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    return _file(request, report_id, "xlsx", XLSX)


def _export(request: HttpRequest, kind: str, period: str, status: str) -> HttpResponse:
    membership = acting(request)
    scope = queries.reporting_scope(membership)
    today = timezone.localdate(timezone=scope.zone) if scope else timezone.localdate()
    chosen = parse_period(period) if period else month_of(today)
    if chosen is None:
        raise ValidationError({"period": "Use YYYY-MM, YYYY-Qn or YYYY."})
    content, filename = exports.cases_export(
        actor=membership, kind=kind, period=chosen, status=status if status in Status.values else ""
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_ANSWER = {"responses": {200: {"description": "XLSX", "content": {XLSX: {}}}}}


@router.get(
    "/exports/case-list.xlsx",
    response={200: bytes},
    summary="The unit's case list as XLSX",
    description="The coordinator's working list of her unit's cases reported in `period` "
    "(as for the indicators), narrowed by `status`; no name, NIK, address or story. "
    "Audited.",
    openapi_extra=XLSX_ANSWER,
)
def export_case_list(request: HttpRequest, period: str = "", status: str = "") -> HttpResponse:
    return _export(request, "case_list", period, status)


@router.get(
    "/exports/simfoni.xlsx",
    response={200: bytes},
    summary="SIMFONI-PPA-ready workbook",
    description="One row per victim with consent for statistics, in SIMFONI-PPA's code lists "
    "(sheet KODE), for the cases reported in `period` at the reader's scope. Coordinators "
    "and DP3A/UPTD PPA/Dinsos managers. Audited.",
    openapi_extra=XLSX_ANSWER,
)
def export_simfoni(request: HttpRequest, period: str = "") -> HttpResponse:
    return _export(request, "simfoni", period, "")


@router.get(
    "/exports/gbvims.xlsx",
    response={200: bytes},
    summary="GBVIMS Incident Recorder-style sheet",
    description="Anonymised incidents (months, age groups, a sequence number), victims with "
    "consent for statistics only. Coordinators and DP3A/UPTD PPA/Dinsos managers. Audited.",
    openapi_extra=XLSX_ANSWER,
)
def export_gbvims(request: HttpRequest, period: str = "") -> HttpResponse:
    return _export(request, "gbvims", period, "")
