"""The referrals API (/api/v1/referrals): everything the referral pages do, through the
same services and scoped queries. A recipient gets the projection only — no case id, no
reason, nothing the sender kept for itself. Out of scope answers 404; a refused write
answers 422 (or 403 for a side that may read but not do it)."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from sipakatau.accounts.models import Membership
from sipakatau.accounts.services import actor_of
from sipakatau.audit.services import audit_record
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.directory.models import Provider

from . import queries
from .codes import SharedField
from .letter import letter_pdf
from .models import Referral
from .projection import NeedItem, projection_items
from .services import answering, creating, ending
from .services.common import consent_covers

router = Router(tags=["referrals"])


# --- Schemas ------------------------------------------------------------------------------------


class SharedFieldOut(Schema):
    code: str
    label: str


class SharedItemOut(Schema):
    field: str
    label: str
    text: str
    value: Any = Field(None, description="The stored value (codes, text or a small object)")


class NeedItemOut(Schema):
    code: str = Field(description="The need domain code, as sent back in `needs`")
    label: str
    text: str = Field(description="What the latest assessment says of this need")
    suggested: bool = Field(description="The need the service is for (ticked on the page)")


class SenderPartOut(Schema):
    """Only for the sending unit."""

    case_id: int
    case_register_number: str
    subject_party_id: int
    shared_needs: list[str] = Field(
        description="The need domains shared (empty on referrals made before needs were "
        "chosen one by one: those shared every need)"
    )
    reason: str
    consent_id: int | None
    override_legal_basis: str
    override_reason: str
    created_by_id: int


class ReferralOut(Schema):
    id: int
    register_number: str
    status: str
    service_type: str
    urgency: str
    sender_id: int
    sender_name: str
    provider_id: int
    provider_name: str
    recipient_id: int | None
    created_at: Any
    due_at: Any
    overdue: bool
    answered_at: Any = None
    started_at: Any = None
    completed_at: Any = None
    ended_at: Any = None
    shared_fields: list[str]
    shared: list[SharedItemOut]
    decline_reason: str
    service_given: str
    feedback: str
    sender_part: SenderPartOut | None = None


class ReferralIn(Schema):
    provider_id: int
    service_type: str
    urgency: str
    reason: str = Field(max_length=4000)
    shared_fields: list[str]
    needs: list[str] | None = Field(
        None,
        description="The need domains to share (see /cases/{case_id}/needs); naming one "
        "shares NEEDS. Omitted with NEEDS in shared_fields: the need the service is for.",
    )
    summary: str = Field("", max_length=4000)
    subject_party_id: int | None = None
    override_legal_basis: str = Field("", max_length=300)
    override_reason: str = Field("", max_length=4000)


class PreviewIn(Schema):
    shared_fields: list[str]
    needs: list[str] | None = Field(
        None,
        description="The need domains to share (see /cases/{case_id}/needs); naming one "
        "shares NEEDS. Omitted with NEEDS in shared_fields: the need the service is for.",
    )
    service_type: str = Field("", description="The service referred for (chooses the need)")
    summary: str = Field("", max_length=4000)
    subject_party_id: int | None = None
    provider_id: int | None = None


class PreviewOut(Schema):
    shared: list[SharedItemOut]
    consent_covers: bool | None = Field(
        None, description="Whether every victim agreed to this provider's kind (if given)"
    )


class SearchIn(Schema):
    q: str = Field(max_length=100, description="Referral number or shared details")


class DeclineIn(Schema):
    reason: str = Field(max_length=4000)


class CompleteIn(Schema):
    service_given: str = Field(max_length=4000)
    feedback: str = Field("", max_length=4000)


# --- Helpers ------------------------------------------------------------------------------------


def _membership(request: HttpRequest) -> Membership | None:
    return cast("Membership | None", getattr(request, "membership", None))


def _acting(request: HttpRequest) -> Membership:
    membership = _membership(request)
    if membership is None:
        raise Http404
    return membership


def _audit(request: HttpRequest, action: str, referral_id: object, fields: list[str]) -> None:
    audit_record(
        action=action,
        actor=actor_of(_membership(request)),
        object_type="referrals.referral",
        object_id=referral_id,
        fields=fields,
    )


def _audit_received(request: HttpRequest, action: str, referrals: list[Referral]) -> None:
    """A list of received referrals carries every one's shared data: audited once, on the
    organisation, like the inbox export (an empty list showed nothing)."""
    membership = _membership(request)
    if not referrals or membership is None:
        return
    audit_record(
        action=action,
        actor=actor_of(membership),
        object_type="accounts.organisation",
        object_id=membership.organisation_id,
        fields=["shared_fields", "service_given", "feedback"],
    )


def _items(referral_fields: list[str], projection: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "field": item.field,
            "label": item.label,
            "text": item.text,
            "value": projection[item.field],
        }
        for item in projection_items(referral_fields, projection)
    ]


def _out(referral: Referral, *, sender_view: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": referral.pk,
        "register_number": referral.register_number,
        "status": referral.status,
        "service_type": referral.service_type,
        "urgency": referral.urgency,
        "sender_id": referral.sender_id,
        "sender_name": str(referral.sender),
        "provider_id": referral.provider_id,
        "provider_name": referral.provider.name,
        "recipient_id": referral.recipient_id,
        "created_at": referral.created_at,
        "due_at": referral.due_at,
        "overdue": referral.is_overdue(),
        "answered_at": referral.answered_at,
        "started_at": referral.started_at,
        "completed_at": referral.completed_at,
        "ended_at": referral.ended_at,
        "shared_fields": list(referral.shared_fields),
        "shared": _items(referral.shared_fields, referral.projection),
        "decline_reason": referral.decline_reason,
        "service_given": referral.service_given,
        "feedback": referral.feedback,
        "sender_part": None,
    }
    if sender_view:
        data["sender_part"] = {
            "case_id": referral.case_id,
            "case_register_number": referral.case.register_number,
            "subject_party_id": referral.subject_id,
            "shared_needs": list(referral.shared_needs or []),
            "reason": referral.reason,
            "consent_id": referral.consent_id,
            "override_legal_basis": referral.override_legal_basis,
            "override_reason": referral.override_reason,
            "created_by_id": referral.created_by_id,
        }
    return data


def _sender_case(request: HttpRequest, case_id: int) -> Case:
    return queries.case_for_referral(_membership(request), case_id)


def _victim(case: Case, pk: int | None) -> CaseParty | None:
    if pk is None:
        return None
    party = case.parties.filter(pk=pk, role=PartyRole.VICTIM).select_related("person").first()
    if party is None:
        raise ValidationError({"subject": _("Choose a victim in this case.")})
    return party


def _provider(pk: int | None) -> Provider | None:
    if pk is None:
        return None
    provider = Provider.objects.select_related("organisation").filter(pk=pk).first()
    if provider is None:
        raise ValidationError({"provider": _("Choose a provider from the directory.")})
    return provider


def _one(request: HttpRequest, referral_id: int) -> tuple[Referral, bool]:
    membership = _membership(request)
    referral = queries.referral_for_user(membership, referral_id)
    return referral, queries.is_sender_view(membership, referral)


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/shared-fields", response=list[SharedFieldOut], summary="What a referral may share")
def shared_fields(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in SharedField.choices]


@router.get(
    "/cases/{case_id}/needs",
    response=list[NeedItemOut],
    summary="The needs a referral of this case may share, one item each",
)
def referral_needs(request: HttpRequest, case_id: int, service_type: str = "") -> list[NeedItem]:
    case = _sender_case(request, case_id)
    items = creating.need_items(case, service_type=service_type)
    if items:
        audit_record(
            action="case.viewed",
            actor=actor_of(_membership(request)),
            object_type="cases.case",
            object_id=case.pk,
            fields=["needs"],
        )
    return items


@router.post(
    "/cases/{case_id}/preview",
    response=PreviewOut,
    summary="Exactly what the recipient would read, before sending",
)
def referral_preview(request: HttpRequest, case_id: int, payload: PreviewIn) -> dict[str, Any]:
    case = _sender_case(request, case_id)
    actor = _acting(request)
    subject = _victim(case, payload.subject_party_id)
    provider = _provider(payload.provider_id)
    items = creating.referral_preview(
        actor=actor,
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
    case = _sender_case(request, case_id)
    actor = _acting(request)
    provider = _provider(payload.provider_id)
    assert provider is not None  # the id is required
    referral = creating.referral_create(
        actor=actor,
        case=case,
        provider=provider,
        service_type=payload.service_type,
        urgency=payload.urgency,
        reason=payload.reason,
        shared_fields=payload.shared_fields,
        summary=payload.summary,
        subject=_victim(case, payload.subject_party_id),
        needs=payload.needs,
        override_legal_basis=payload.override_legal_basis,
        override_reason=payload.override_reason,
    )
    return Status(201, _out(referral, sender_view=True))


@router.get(
    "/cases/{case_id}", response=list[ReferralOut], summary="The referrals of a case (sender)"
)
def referrals_of_case(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _sender_case(request, case_id)
    referrals = queries.referrals_of_case(case).select_related("sender")
    result = []
    for referral in referrals:
        referral.case = case
        result.append(_out(referral, sender_view=True))
    return result


@router.get(
    "/received",
    response=list[ReferralOut],
    summary="The referrals sent to the user's organisation (projection only)",
)
@paginate(PageNumberPagination, page_size=50)
def referrals_received(request: HttpRequest, show: str = "all") -> list[dict[str, Any]]:
    if show not in queries.INBOX_FILTERS:
        show = "all"
    referrals = queries.inbox(_membership(request), show=show)
    _audit_received(request, "referral.listed", referrals)
    return [_out(referral, sender_view=False) for referral in referrals]


@router.post(
    "/received/search",
    response=list[ReferralOut],
    summary="Search the referrals received by number or shared details (POST: no names in URLs)",
)
def referrals_received_search(request: HttpRequest, payload: SearchIn) -> list[dict[str, Any]]:
    referrals = queries.inbox(_membership(request), show="all", search=payload.q)
    _audit_received(request, "referral.searched", referrals)
    return [_out(referral, sender_view=False) for referral in referrals]


@router.get("/{referral_id}", response=ReferralOut, summary="One referral")
def referral_detail(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    _audit(request, "referral.viewed", referral.pk, list(referral.projection))
    return _out(referral, sender_view=sender_view)


@router.post("/{referral_id}/accept", response=ReferralOut, summary="Accept (recipient)")
def referral_accept(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    answering.referral_accept(actor=_acting(request), referral=referral)
    return _out(referral, sender_view=sender_view)


@router.post("/{referral_id}/decline", response=ReferralOut, summary="Decline with a reason")
def referral_decline(request: HttpRequest, referral_id: int, payload: DeclineIn) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    answering.referral_decline(actor=_acting(request), referral=referral, reason=payload.reason)
    return _out(referral, sender_view=sender_view)


@router.post("/{referral_id}/start", response=ReferralOut, summary="The service has started")
def referral_start(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    answering.referral_start_service(actor=_acting(request), referral=referral)
    return _out(referral, sender_view=sender_view)


@router.post(
    "/{referral_id}/complete",
    response=ReferralOut,
    summary="Complete with the service given and feedback for the unit",
)
def referral_complete(
    request: HttpRequest, referral_id: int, payload: CompleteIn
) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    answering.referral_complete(
        actor=_acting(request),
        referral=referral,
        service_given=payload.service_given,
        feedback=payload.feedback,
    )
    return _out(referral, sender_view=sender_view)


@router.post("/{referral_id}/cancel", response=ReferralOut, summary="Cancel (sender)")
def referral_cancel(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral, sender_view = _one(request, referral_id)
    ending.referral_cancel(actor=_acting(request), referral=referral)
    return _out(referral, sender_view=sender_view)


@router.get(
    "/{referral_id}/letter",
    response={200: bytes},
    summary="The referral letter (PDF)",
    openapi_extra={
        "responses": {200: {"description": "The letter", "content": {"application/pdf": {}}}}
    },
)
def referral_letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral, _sender_view = _one(request, referral_id)
    if referral.ended_by_sender:
        raise Http404
    response = HttpResponse(letter_pdf(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rujukan-{referral.pk}.pdf"'
    _audit(request, "referral.letter_printed", referral.pk, list(referral.shared_fields))
    return response
