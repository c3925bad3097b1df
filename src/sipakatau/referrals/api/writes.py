"""Making and answering referrals: the preview and the referral (sender), the recipient's
answers, and cancelling (sender). Each endpoint fetches in scope first (404), then calls
one service, which refuses what the membership may not do."""

from typing import Any

from django.http import HttpRequest
from ninja import Status

from sipakatau.accounts.access import acting
from sipakatau.jobs.api import file_out

from .. import queries
from ..services import answering, creating, ending, exporting
from ..services.common import consent_covers
from .common import referral_and_side, referral_out, router
from .schemas import CompleteIn, DeclineIn, PreviewIn, PreviewOut, ReferralIn, ReferralOut


@router.post(
    "/cases/{case_id}/preview",
    response=PreviewOut,
    summary="Exactly what the recipient would read, before sending",
)
def referral_preview(request: HttpRequest, case_id: int, payload: PreviewIn) -> dict[str, Any]:
    membership = acting(request)
    case = queries.case_for_referral(membership, case_id)
    subject = (
        queries.victim_in_case(case, payload.subject_party_id)
        if payload.subject_party_id is not None
        else None
    )
    provider = (
        queries.provider_by_id(payload.provider_id) if payload.provider_id is not None else None
    )
    items = creating.referral_preview(
        actor=membership,
        case=case,
        shared_fields=payload.shared_fields,
        summary=payload.summary,
        subject=subject,
        needs=payload.needs,
        service_type=payload.service_type,
    )
    return {
        "shared": [
            {"field": item.field, "label": item.label, "text": item.text, "value": None}
            for item in items
        ],
        "consent_covers": consent_covers(case, provider) if provider else None,
    }


@router.post("/cases/{case_id}", response={201: ReferralOut}, summary="Refer a case")
def referral_create(
    request: HttpRequest, case_id: int, payload: ReferralIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    case = queries.case_for_referral(membership, case_id)
    provider = queries.provider_by_id(payload.provider_id)
    referral = creating.referral_create(
        actor=membership,
        case=case,
        provider=provider,
        service_type=payload.service_type,
        urgency=payload.urgency,
        reason=payload.reason,
        shared_fields=payload.shared_fields,
        summary=payload.summary,
        subject=(
            queries.victim_in_case(case, payload.subject_party_id)
            if payload.subject_party_id is not None
            else None
        ),
        needs=payload.needs,
        override_legal_basis=payload.override_legal_basis,
        override_reason=payload.override_reason,
    )
    return Status(201, referral_out(referral, sender_view=True))


@router.post("/{referral_id}/accept", response=ReferralOut, summary="Accept (recipient)")
def referral_accept(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    membership = acting(request)
    referral, sender_view = referral_and_side(membership, referral_id)
    answering.referral_accept(actor=membership, referral=referral)
    return referral_out(referral, sender_view=sender_view)


@router.post("/{referral_id}/decline", response=ReferralOut, summary="Decline with a reason")
def referral_decline(request: HttpRequest, referral_id: int, payload: DeclineIn) -> dict[str, Any]:
    membership = acting(request)
    referral, sender_view = referral_and_side(membership, referral_id)
    answering.referral_decline(actor=membership, referral=referral, reason=payload.reason)
    return referral_out(referral, sender_view=sender_view)


@router.post("/{referral_id}/start", response=ReferralOut, summary="The service has started")
def referral_start(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    membership = acting(request)
    referral, sender_view = referral_and_side(membership, referral_id)
    answering.referral_start_service(actor=membership, referral=referral)
    return referral_out(referral, sender_view=sender_view)


@router.post(
    "/{referral_id}/complete",
    response=ReferralOut,
    summary="Complete with the service given and feedback for the unit",
)
def referral_complete(
    request: HttpRequest, referral_id: int, payload: CompleteIn
) -> dict[str, Any]:
    membership = acting(request)
    referral, sender_view = referral_and_side(membership, referral_id)
    answering.referral_complete(
        actor=membership,
        referral=referral,
        service_given=payload.service_given,
        feedback=payload.feedback,
    )
    return referral_out(referral, sender_view=sender_view)


@router.post("/{referral_id}/cancel", response=ReferralOut, summary="Cancel (sender)")
def referral_cancel(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    membership = acting(request)
    referral, sender_view = referral_and_side(membership, referral_id)
    ending.referral_cancel(actor=membership, referral=referral)
    return referral_out(referral, sender_view=sender_view)


@router.post(
    "/received/export",
    response={202: dict[str, Any]},
    summary="Export every referral received (shared fields and answers only) as CSV: "
    "prepared by a job (202); GET its url for the progress and, once DONE, the download url "
    "(the file can be downloaded once, by you only, within 24 hours)",
)
def referrals_received_export(request: HttpRequest) -> Status[dict[str, Any]]:
    prepared = exporting.inbox_export_request(actor=acting(request))
    return Status(202, file_out(prepared))
