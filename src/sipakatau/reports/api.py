"""The reports API (/api/v1/reports): the same figures and monthly reports as the pages,
through the same scoped queries and services. Out of scope answers 404; a role without
statistics answers 403; a refused write answers 422."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from sipakatau.accounts.access import acting
from sipakatau.lib.api_types import JsonBool

from . import queries
from .exports import XLSX
from .models import ExportRequest, MonthlyReport
from .periods import PERIOD_PATTERN, month_of, parse_period
from .services import export_requests, exports, monthly

# The periods parse_period takes, stated in the OpenAPI document.
PeriodText = Annotated[str, WithJsonSchema({"type": "string", "pattern": PERIOD_PATTERN})]

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
    request: HttpRequest,
    period: PeriodText = "",
    area: str = "",
    unit: int | None = None,
) -> dict[str, Any]:
    membership = acting(request)
    scope = queries.reporting_scope(membership)
    if scope is None:
        raise PermissionDenied
    # A blank period, like an empty one, is the default (the document's pattern allows it).
    chosen = (
        parse_period(period)
        if period.strip()
        else month_of(timezone.localdate(timezone=scope.zone))
    )
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


def _export(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    membership = acting(request)
    scope = queries.reporting_scope(membership)
    today = timezone.localdate(timezone=scope.zone) if scope else timezone.localdate()
    chosen = parse_period(period) if period.strip() else month_of(today)
    if chosen is None:
        raise ValidationError({"period": "Use YYYY-MM, YYYY-Qn or YYYY."})
    content, filename = exports.cases_export(actor=membership, kind=kind, period=chosen)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_ANSWER = {"responses": {200: {"description": "XLSX", "content": {XLSX: {}}}}}


@router.get(
    "/exports/gbvims.xlsx",
    response={200: bytes},
    summary="GBVIMS Incident Recorder-style sheet",
    description="Anonymised incidents (months, age groups, a sequence number), victims with "
    "consent for statistics only. Coordinators and DP3A/UPTD PPA/Dinsos managers. Audited.",
    openapi_extra=XLSX_ANSWER,
)
def export_gbvims(request: HttpRequest, period: PeriodText = "") -> HttpResponse:
    return _export(request, "gbvims", period)


# --- Identifiable exports: a request, someone else's approval, the password again ---------


class ExportRequestIn(Schema):
    kind: str
    period: str
    reason: str
    case_status: str = ""


class DecisionIn(Schema):
    approve: JsonBool


class PasswordIn(Schema):
    password: str


class ExportRequestOut(Schema):
    id: int
    kind: str
    period: str
    case_status: str
    reason: str
    state: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    expires_at: datetime
    expired: bool
    # Once opened: the job's file (its status, progress and, once made, download url).
    file_url: str | None


class ExportOpenedOut(ExportRequestOut):
    archive_password: str
    archive_url: str


def _export_out(export: ExportRequest) -> dict[str, Any]:
    return {
        "id": export.pk,
        "kind": export.kind,
        "period": export.period,
        "case_status": export.case_status,
        "reason": export.reason,
        "state": export.state,
        "requested_by": export.requested_by.get_username(),
        "requested_at": export.requested_at,
        "decided_by": export.decided_by.get_username() if export.decided_by else None,
        "decided_at": export.decided_at,
        "expires_at": export.expires_at,
        "expired": queries.is_expired(export),
        "file_url": (
            reverse("api:file_detail", args=[export.prepared_file_id])
            if export.prepared_file_id
            else None
        ),
    }


@router.get(
    "/export-requests",
    response=list[ExportRequestOut],
    summary="Requests for identifiable exports",
    description="The requests of the reader's organisation for the exports her role may ask "
    "for (`case_list`: coordinators; `simfoni`: coordinators and DP3A/UPTD PPA/Dinsos "
    "managers): her own and those she may approve. Newest first.",
)
def export_request_list(request: HttpRequest) -> list[dict[str, Any]]:
    exports = queries.export_requests_visible_to(acting(request)).defer(
        "archive", "archive_password"
    )
    return [_export_out(export) for export in exports[:100]]


@router.post(
    "/export-requests",
    response={201: ExportRequestOut},
    summary="Ask for an identifiable export",
    description="`kind`: `case_list` or `simfoni`; `period` as for the indicators; "
    "`case_status` narrows the case list; `reason` (10 characters or more) is read by the "
    "approver. The others of the organisation who may ask for it are told. Expires in 24 h.",
)
def export_request_create(request: HttpRequest, payload: ExportRequestIn) -> Status:
    export = export_requests.export_request_create(
        actor=acting(request),
        kind=payload.kind,
        period=payload.period,
        reason=payload.reason,
        case_status=payload.case_status,
    )
    return Status(201, _export_out(export))


@router.get(
    "/export-requests/{export_id}",
    response=ExportRequestOut,
    summary="One request for an identifiable export",
)
def export_request_detail(request: HttpRequest, export_id: int) -> dict[str, Any]:
    return _export_out(queries.export_request_for(acting(request), export_id))


@router.post(
    "/export-requests/{export_id}/decide",
    response=ExportRequestOut,
    summary="Approve or refuse a request",
    description="Someone of the same organisation who may ask for the same export, never "
    "the requester (403). Decided already or expired: 422.",
)
def export_request_decide(
    request: HttpRequest, export_id: int, payload: DecisionIn
) -> dict[str, Any]:
    membership = acting(request)
    export = queries.export_request_for(membership, export_id)
    export = export_requests.export_request_decide(
        actor=membership, export_id=export.pk, approve=payload.approve
    )
    return _export_out(queries.export_request_for(membership, export.pk))


@router.post(
    "/export-requests/{export_id}/open",
    response={202: ExportOpenedOut},
    summary="Re-authenticate and have the encrypted archive made by a job",
    description="The requester, once approved, sends her own password again. Answers 202 "
    "with the one-time password of the AES-256 zip (shown once; kept encrypted only until "
    "the job has made the zip), `file_url` (GET it for the job's status and progress) and "
    "`archive_url`, where the zip is downloaded once when `state` is `ready`. A wrong "
    "password: 422, audited; the third closes the request. Opened already: 422.",
)
def export_request_open(
    request: HttpRequest, export_id: int, payload: PasswordIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    export = queries.export_request_for(membership, export_id)
    if not queries.is_export_requester(membership, export):
        raise PermissionDenied
    export, secret = export_requests.export_request_open(
        actor=membership, export_id=export.pk, password=payload.password
    )
    response_data = {
        **_export_out(queries.export_request_for(membership, export.pk)),
        "archive_password": secret,
        "archive_url": f"/api/v1/reports/export-requests/{export.pk}/archive.zip",
    }
    return Status(202, response_data)


@router.get(
    "/export-requests/{export_id}/archive.zip",
    response={200: bytes},
    summary="The encrypted archive",
    description="The requester, once the job has made it (`state` `ready`), before the "
    "request expires: once, as it is deleted from the server (410 afterwards). Audited.",
    openapi_extra={"responses": {200: {"description": "ZIP", "content": {"application/zip": {}}}}},
)
def export_request_archive(request: HttpRequest, export_id: int) -> HttpResponse:
    membership = acting(request)
    export = queries.export_request_for(membership, export_id)
    try:
        content, name = export_requests.export_request_download(
            actor=membership, export_id=export.pk
        )
    except ValidationError as error:  # downloaded already
        raise HttpError(410, " ".join(error.messages)) from error
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
