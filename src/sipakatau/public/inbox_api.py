"""The unit's inbox of public reports for staff (/api/v1/public/inbox): list, read,
reply, open a case from a report, link it to a case, close it. The same fetchers and
services as the inbox pages, so both record the same reads and refuse the same way."""

from datetime import datetime
from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sipakatau.accounts.access import acting
from sipakatau.lib.api_pagination import Pages
from sipakatau.lib.api_types import JSON_INTEGER, JsonBool, JsonInt

from . import queries
from .models import PublicMessage, PublicReport, ReportStatus
from .services import decisions, format_code

router = Router(tags=["public-inbox"])


class InboxRowOut(Schema):
    id: int
    tracking_code: str
    status: str
    danger_now: bool
    about_self: bool
    kelurahan: str
    rt: str
    rw: str
    contact: str
    first_contact_due: datetime | None
    case_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_tracking_code(report: PublicReport) -> str:
        return format_code(report.tracking_code)

    @staticmethod
    def resolve_kelurahan(report: PublicReport) -> str:
        return report.kelurahan.name


class InboxMessageOut(Schema):
    from_staff: bool
    body: str
    created_at: datetime


class InboxReportOut(InboxRowOut):
    what_happened: str
    when: str
    contact_phone: str
    contact_times: str
    has_photo: bool
    messages: list[InboxMessageOut]

    @staticmethod
    def resolve_when(report: PublicReport) -> str:
        return report.when_text

    @staticmethod
    def resolve_has_photo(report: PublicReport) -> bool:
        return bool(report.photo)

    @staticmethod
    def resolve_messages(report: PublicReport) -> list[PublicMessage]:
        return list(queries.messages_of(report))


class ReplyIn(Schema):
    body: str = Field(max_length=2000)


class LinkIn(Schema):
    case_id: JsonInt


class CloseIn(Schema):
    status: ReportStatus = Field(description="not_ours, spam, or closed (once part of a case)")


class PromotedOut(Schema):
    case_id: int


@router.get(
    "",
    response=list[InboxRowOut],
    summary="The unit's public reports, urgent first",
    description="Reports marked as flood are left out; `flood=true` lists only those.",
)
@paginate(Pages, page_size=50)
def inbox(request: HttpRequest, flood: bool = False) -> QuerySet[PublicReport]:
    return queries.public_inbox(acting(request), flood=flood)


class FloodIn(Schema):
    report_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1), JSON_INTEGER]] = Field(
        min_length=1, max_length=decisions.MAX_BULK
    )
    flood: JsonBool = Field(True, description="false takes the mark off (back to received)")


class FloodOut(Schema):
    changed: list[int] = Field(description="Marked now (or unmarked with flood=false)")
    unchanged: list[int] = Field(description="Already as asked: nothing to do")
    kept: list[int] = Field(description="Part of a case: never marked as flood")


class NotFoundIdsOut(Schema):
    detail: str
    code: str = Field(description="not_found")
    report_ids: list[int] = Field(description="Not reports of the unit (or no such report)")


@router.post(
    "/flood",
    response={200: FloodOut, 422: NotFoundIdsOut},
    summary="Mark reports as flood, in bulk",
    description=(
        "Marks the unit's reports in `report_ids` as flood (fake reports sent in bulk): "
        "they are kept, but left out of the inbox list and the statistics. Reports that "
        "are part of a case are kept as they are; marking twice is harmless; "
        "`flood: false` puts them back. When any id is not a report of the unit, answers "
        "422 `not_found` with those ids (whether they exist elsewhere is not told) and "
        "nothing changes. One audit event per report changed."
    ),
)
def inbox_flood(request: HttpRequest, payload: FloodIn) -> Status[object]:
    try:
        done = decisions.public_reports_mark_flood(
            actor=acting(request), report_ids=payload.report_ids, flood=payload.flood
        )
    except decisions.ReportsNotFound as missing:
        return Status(
            422,
            {
                "detail": _("Some of these reports were not found."),
                "code": "not_found",
                "report_ids": missing.ids,
            },
        )
    return Status(200, {"changed": done.changed, "unchanged": done.unchanged, "kept": done.kept})


@router.get("/{report_id}", response=InboxReportOut, summary="One report, with its messages")
def inbox_detail(request: HttpRequest, report_id: int) -> PublicReport:
    return queries.public_report_for(acting(request), report_id, record_read=True)


@router.post(
    "/{report_id}/replies", response={201: InboxReportOut}, summary="Reply to the reporter"
)
def inbox_reply(request: HttpRequest, report_id: int, payload: ReplyIn) -> Status[PublicReport]:
    membership = acting(request)
    report = queries.public_report_for(membership, report_id)
    decisions.public_reply_add(actor=membership, report=report, body=payload.body)
    return Status(201, report)


@router.post(
    "/{report_id}/case", response={201: PromotedOut}, summary="Open a case from the report"
)
def inbox_promote(request: HttpRequest, report_id: int) -> Status[dict[str, int]]:
    membership = acting(request)
    report = queries.public_report_for(membership, report_id)
    case = decisions.public_report_promote(actor=membership, report=report)
    return Status(201, {"case_id": case.pk})


@router.post(
    "/{report_id}/link", response=InboxRowOut, summary="Link the report to a case of the unit"
)
def inbox_link(request: HttpRequest, report_id: int, payload: LinkIn) -> PublicReport:
    membership = acting(request)
    report = queries.public_report_for(membership, report_id)
    case = queries.linkable_case_for(membership, payload.case_id)
    if case is None:
        raise Http404
    return decisions.public_report_link(actor=membership, report=report, case=case)


@router.post("/{report_id}/close", response=InboxRowOut, summary="Close the report")
def inbox_close(request: HttpRequest, report_id: int, payload: CloseIn) -> PublicReport:
    membership = acting(request)
    report = queries.public_report_for(membership, report_id)
    return decisions.public_report_close(actor=membership, report=report, status=payload.status)
