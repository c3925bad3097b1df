"""The monthly proposal (usulan): batches, their households, each step, the signature,
Dinsos's decisions, and the BNBA and minutes as files."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Status
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.accounts.models import Membership
from sipakatau.lib.api_pagination import Pages

from .. import queries, services
from ..models import ProposalBatch
from ..views.files import batch_file
from .common import batch_out, item_out, member_of, programme_by_code, router
from .schemas import (
    AdvanceIn,
    BatchDetailOut,
    BatchIn,
    BatchOut,
    ItemIn,
    ItemOut,
    MusyawarahIn,
    OutcomeIn,
    VerificationIn,
)


def _detail(batch: ProposalBatch, membership: Membership) -> dict[str, Any]:
    data = batch_out(batch, membership)
    data["items"] = [item_out(item) for item in queries.items_of(batch)]
    record = getattr(batch, "musyawarah", None)
    data["musyawarah"] = (
        {
            "held_on": record.held_on,
            "place": record.place,
            "attendance": record.attendees,
            "decisions": record.decisions,
        }
        if record is not None
        else None
    )
    return data


def _fresh(membership: Membership, pk: int) -> dict[str, Any]:
    return _detail(queries.batch_for(membership, pk), membership)


@router.get("/batches", response=list[BatchOut], summary="Proposal batches")
@paginate(Pages, page_size=50)
def batch_list(request: HttpRequest) -> list[dict[str, Any]]:
    membership = acting(request)
    return [batch_out(batch, membership) for batch in queries.batches_visible_to(membership)]


@router.post("/batches", response={201: BatchDetailOut}, summary="The batch of a month")
def batch_create(request: HttpRequest, payload: BatchIn) -> Status[dict[str, Any]]:
    membership = acting(request)
    kelurahan = queries.kelurahan_of(membership)
    if kelurahan is None:
        raise PermissionDenied
    dinsos = queries.dinsos_offices_for(kelurahan).filter(pk=payload.dinsos_id).first()
    if dinsos is None:
        raise Http404
    batch = services.batch_create_for_month(
        actor=membership, kelurahan=kelurahan, month=payload.month, dinsos=dinsos
    )
    return Status(201, _fresh(membership, batch.pk))


@router.get("/batches/{batch_id}", response=BatchDetailOut, summary="One batch")
def batch_detail(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _fresh(acting(request), batch_id)


@router.post("/batches/{batch_id}/items", response={201: ItemOut}, summary="Propose a household")
def item_add(request: HttpRequest, batch_id: int, payload: ItemIn) -> Status[dict[str, Any]]:
    membership = acting(request)
    batch = queries.batch_for(membership, batch_id)
    household = queries.household_for(membership, payload.household_id)
    member = member_of(household, payload.person_id)
    entry = (
        queries.worklist_entry_for(membership, payload.worklist_entry_id)
        if payload.worklist_entry_id is not None
        else None
    )
    item = services.batch_add_item(
        actor=membership,
        batch=batch,
        household=household,
        programme=programme_by_code(payload.programme_code),
        person=member.person if member else None,
        worklist_entry=entry,
    )
    return Status(201, item_out(queries.item_for(membership, item.pk)))


@router.put(
    "/batches/{batch_id}/musyawarah",
    response=BatchDetailOut,
    summary="The musyawarah kelurahan: date, place, attendance, decisions",
)
def musyawarah(request: HttpRequest, batch_id: int, payload: MusyawarahIn) -> dict[str, Any]:
    membership = acting(request)
    batch = queries.batch_for(membership, batch_id)
    services.musyawarah_record(
        actor=membership,
        batch=batch,
        held_on=payload.held_on,
        place=payload.place,
        attendance="\n".join(payload.attendance),
        decisions=payload.decisions,
    )
    return _fresh(membership, batch_id)


@router.post(
    "/items/{item_id}/verification", response=ItemOut, summary="Field verification of a household"
)
def verification(request: HttpRequest, item_id: int, payload: VerificationIn) -> dict[str, Any]:
    membership = acting(request)
    item = queries.item_for(membership, item_id)
    services.verification_record(
        actor=membership, item=item, result=payload.result, verified_on=payload.verified_on
    )
    return item_out(queries.item_for(membership, item_id))


@router.post("/items/{item_id}/outcome", response=ItemOut, summary="Dinsos's decision")
def outcome(request: HttpRequest, item_id: int, payload: OutcomeIn) -> dict[str, Any]:
    membership = acting(request)
    item = queries.item_for(membership, item_id)
    services.outcome_record(
        actor=membership, item=item, outcome=payload.outcome, reason=payload.reason
    )
    return item_out(queries.item_for(membership, item_id))


@router.post("/batches/{batch_id}/sign", response=BatchDetailOut, summary="The Lurah signs")
def sign(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    membership = acting(request)
    services.batch_sign(actor=membership, batch=queries.batch_for(membership, batch_id))
    return _fresh(membership, batch_id)


@router.post("/batches/{batch_id}/advance", response=BatchDetailOut, summary="The next step")
def advance(request: HttpRequest, batch_id: int, payload: AdvanceIn) -> dict[str, Any]:
    membership = acting(request)
    services.batch_advance(
        actor=membership,
        batch=queries.batch_for(membership, batch_id),
        to_state=payload.to_state,
    )
    return _fresh(membership, batch_id)


def _file_operation(kind: str, summary: str, media: str) -> Any:
    def download(request: HttpRequest, batch_id: int) -> HttpResponse:
        membership = acting(request)
        return batch_file(membership, queries.batch_for(membership, batch_id), kind)

    download.__name__ = f"batch_{kind.replace('.', '_')}"
    return router.get(
        f"/batches/{{batch_id}}/{kind}",
        response={200: bytes},
        summary=summary,
        openapi_extra={"responses": {200: {"description": summary, "content": {media: {}}}}},
    )(download)


_file_operation(
    "bnba.xlsx",
    "The BNBA list (XLSX, as typed into SIKS-NG)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
_file_operation("bnba.pdf", "The BNBA list for signature (PDF)", "application/pdf")
_file_operation("minutes.pdf", "The minutes of the musyawarah (PDF)", "application/pdf")
