"""Reading referrals: what may be shared, a case's needs and referrals (sender), the
referrals received (projection only), one referral and its letter."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.lib.api_pagination import KeysetPages, PageOf

from .. import queries
from ..codes import SharedField
from ..models import Referral
from ..projection import NeedItem
from .common import referral_and_side, referral_out, router
from .schemas import NeedItemOut, ReferralOut, SearchIn, SharedFieldOut


@router.get("/shared-fields", response=list[SharedFieldOut], summary="What a referral may share")
def shared_fields(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "label": str(label)} for code, label in SharedField.choices]


@router.get(
    "/cases/{case_id}/needs",
    response=list[NeedItemOut],
    summary="The needs a referral of this case may share, one item each",
)
def referral_needs(request: HttpRequest, case_id: int, service_type: str = "") -> list[NeedItem]:
    membership = acting(request)
    case = queries.case_for_referral(membership, case_id)
    return queries.need_items_for(membership, case, service_type=service_type, record_read=True)


@router.get(
    "/cases/{case_id}", response=list[ReferralOut], summary="The referrals of a case (sender)"
)
def referrals_of_case(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = queries.case_for_referral(acting(request), case_id)
    referrals = queries.referrals_of_case(case).select_related("sender")
    result = []
    for referral in referrals:
        referral.case = case
        result.append(referral_out(referral, sender_view=True))
    return result


class ReceivedPageOut(Schema):
    """A page of the inbox: ``count`` only on a numbered page, ``next`` the cursor to the
    rows after it (``null`` on the last)."""

    items: list[ReferralOut]
    count: int | None
    next: str | None


class ReceivedPages(KeysetPages):
    """Keyset pages of the inbox, each referral given as its projection; a page that
    shows any is recorded ("referral.listed"), as the whole list was."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | PageOf,
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        queries.inbox_listed_recorded(acting(request), page["items"])
        page["items"] = [referral_out(referral, sender_view=False) for referral in page["items"]]
        return page


@router.get(
    "/received",
    response=ReceivedPageOut,
    summary="The referrals sent to the user's organisation (projection only)",
    description="Paged as the case list is: with `cursor` (empty for the first page) the "
    "rows after that position, read through the inbox's index, and no `count`; with "
    "`page` the numbered page and `count`.",
)
@paginate(ReceivedPages, page_size=50)
def referrals_received(request: HttpRequest, show: str = "all") -> QuerySet[Referral]:
    if show not in queries.INBOX_FILTERS:
        show = "all"
    return queries.inbox_listed(acting(request), show=show)


@router.post(
    "/received/search",
    response=list[ReferralOut],
    summary="Search the referrals received by number or shared details (POST: no names in URLs)",
)
def referrals_received_search(request: HttpRequest, payload: SearchIn) -> list[dict[str, Any]]:
    referrals = queries.inbox_referrals(
        acting(request), show="all", search=payload.q, record_read=True
    )
    return [referral_out(referral, sender_view=False) for referral in referrals]


@router.get("/{referral_id}", response=ReferralOut, summary="One referral")
def referral_detail(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral, sender_view = referral_and_side(acting(request), referral_id, record_read=True)
    return referral_out(referral, sender_view=sender_view)


@router.get(
    "/{referral_id}/letter",
    response={200: bytes},
    summary="The referral letter (PDF)",
    openapi_extra={
        "responses": {200: {"description": "The letter", "content": {"application/pdf": {}}}}
    },
)
def referral_letter(request: HttpRequest, referral_id: int) -> HttpResponse:
    response = HttpResponse(
        queries.letter_for(acting(request), referral_id), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="rujukan-{referral_id}.pdf"'
    return response
