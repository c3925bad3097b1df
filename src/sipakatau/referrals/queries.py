"""Every read of referrals that depends on who is asking.

- the recipient organisation's agency officers and managers: the referrals sent to it,
  and of each only its projection (the recipient pages and API never touch the case);
- the sending unit's caseworkers and coordinators: the referrals of their cases;
- everyone else: nothing.

Out of scope answers 404, never 403.
"""

from django.db.models import QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import ANSWER_REFERRAL, REFER_CASE
from sipakatau.cases.models import Case
from sipakatau.cases.queries import case_browsable_for_user, may_act_on

from .codes import OPEN_STATUSES, ReferralStatus
from .models import Referral
from .projection import projection_items

# What an inbox filter shows.
INBOX_FILTERS = ("new", "accepted", "in_service", "overdue", "done", "all")


def case_for_referral(membership: Membership | None, pk: int) -> Case:
    """A case its unit's caseworker or coordinator may refer. Anyone else gets the same
    answer as for a case outside the unit (404): nobody learns it exists."""
    if membership is None or membership.role not in REFER_CASE:
        raise Http404
    return case_browsable_for_user(membership, pk)


def is_recipient_role(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active and membership.role in ANSWER_REFERRAL


def referrals_received_by(membership: Membership | None) -> QuerySet[Referral]:
    """The inbox. Only columns the recipient may read are loaded with it: the sender's
    name and the provider; never the case."""
    if not is_recipient_role(membership):
        return Referral.objects.none()
    assert membership is not None
    return (
        Referral.objects.filter(recipient_id=membership.organisation_id)
        .select_related("sender", "provider", "recipient")
        .defer("reason", "override_reason", "override_legal_basis")
    )


def referral_for_recipient(membership: Membership | None, pk: int) -> Referral:
    referral = referrals_received_by(membership).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def inbox(membership: Membership | None, *, show: str = "new", search: str = "") -> list[Referral]:
    """The inbox, filtered. Search looks at the register number and at the shared values
    only — the same projection the recipient may read, never the case."""
    referrals = referrals_received_by(membership)
    if show == "new":
        referrals = referrals.filter(status=ReferralStatus.SENT)
    elif show == "accepted":
        referrals = referrals.filter(status=ReferralStatus.ACCEPTED)
    elif show == "in_service":
        referrals = referrals.filter(status=ReferralStatus.IN_SERVICE)
    elif show == "overdue":
        referrals = referrals.filter(Referral.overdue_q())
    elif show == "done":
        referrals = referrals.exclude(status__in=OPEN_STATUSES)
    found = list(referrals.order_by("due_at" if show in {"new", "overdue"} else "-created_at"))
    text = search.strip().casefold()
    if not text:
        return found
    # The projection is encrypted, so the search runs here, over one organisation's
    # referrals (a few hundred a year).
    return [
        referral
        for referral in found
        if text in referral.register_number.casefold()
        or any(
            text in item.text.casefold()
            for item in projection_items(referral.shared_fields, referral.projection)
        )
    ]


def referrals_of_case(case: Case) -> QuerySet[Referral]:
    """For the sending unit (the caller has fetched ``case`` with a scoped query)."""
    return case.referrals.select_related("provider", "recipient", "created_by").order_by(
        "-created_at", "-pk"
    )


def referral_for_sender(membership: Membership | None, pk: int) -> Referral:
    if membership is None or not membership.is_active or membership.role not in REFER_CASE:
        raise Http404
    referral = (
        Referral.objects.select_related("provider", "recipient", "sender", "created_by")
        .filter(pk=pk, sender_id=membership.organisation_id)
        .first()
    )
    if referral is None:
        raise Http404
    referral.case = case_browsable_for_user(membership, referral.case_id)
    return referral


def referral_for_user(membership: Membership | None, pk: int) -> Referral:
    """The recipient's view for agency roles, the sender's for case staff."""
    if is_recipient_role(membership):
        return referral_for_recipient(membership, pk)
    return referral_for_sender(membership, pk)


def is_sender_view(membership: Membership | None, referral: Referral) -> bool:
    return (
        membership is not None
        and membership.role in REFER_CASE
        and referral.sender_id == membership.organisation_id
    )


# --- Who may act on a referral: services call these to refuse, views to show the button ----


def may_refer(membership: Membership | None, case: Case) -> bool:
    """A caseworker or coordinator of the case's unit refers it, and follows, cancels (or,
    for an outside service, answers for) its referrals."""
    return may_act_on(membership, case, REFER_CASE)


def may_answer_referral(membership: Membership | None, referral: Referral) -> bool:
    """The recipient organisation's officers and managers answer. For an outside service
    (no inbox) the sending unit records the answer it got by letter or telephone. The
    recipient's side never follows ``referral.case``."""
    if referral.recipient_id is None:
        return may_refer(membership, referral.case)
    return is_recipient_role(membership) and (
        membership is not None and membership.organisation_id == referral.recipient_id
    )
