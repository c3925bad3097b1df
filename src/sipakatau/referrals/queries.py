"""Every read of referrals that depends on who is asking.

- the recipient organisation's agency officers and managers: the referrals sent to it,
  and of each only its projection (the recipient pages and API never touch the case);
- the sending unit's caseworkers and coordinators: the referrals of their cases;
- everyone else: nothing.

Out of scope answers 404, never 403. A read that hands over shared or case content is
recorded here, in the function that returns it (field names, never values), so that the
page and the API record the same thing.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import ANSWER_REFERRAL, REFER_CASE
from sipakatau.accounts.queries import with_user_names
from sipakatau.audit import services as audit
from sipakatau.cases.codes import NeedDomain, PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.cases.queries import browsable_case_for, may_act_on
from sipakatau.directory.models import Provider

from .codes import NEED_OF_SERVICE, OPEN_STATUSES, ReferralStatus
from .letter import letter_pdf
from .models import Referral
from .projection import NeedItem, needs_offered, projection_items

# What an inbox filter shows.
INBOX_FILTERS = ("new", "accepted", "in_service", "overdue", "done", "all")

# What a list of received referrals hands over with each row (the API's lists, the CSV
# export): recorded once, on the organisation.
_RECEIVED_CONTENT = ["shared_fields", "service_given", "feedback"]


# --- The sending unit -----------------------------------------------------------------------


def case_for_referral(membership: Membership, pk: int) -> Case:
    """A case its unit's caseworker or coordinator may refer. Anyone else gets the same
    answer as for a case outside the unit (404): nobody learns it exists."""
    if membership.role not in REFER_CASE:
        raise Http404
    return browsable_case_for(membership, pk)


def need_items_for(
    membership: Membership, case: Case, *, service_type: str = "", record_read: bool = False
) -> list[NeedItem]:
    """What the referral form offers, for a case fetched with ``case_for_referral``: each
    need of the latest assessment, the one the service is for ticked. With
    ``record_read``, that the needs were read is recorded ("case.viewed", ``needs``)."""
    suggested = NEED_OF_SERVICE.get(service_type, "")
    items = [
        NeedItem(
            code=domain,
            label=str(NeedDomain(domain).label),
            text=text,
            suggested=domain == suggested,
        )
        for domain, text in needs_offered(case).items()
    ]
    if record_read and items:
        audit.log(membership, "case.viewed", case, fields=["needs"])
    return items


def victim_in_case(case: Case, pk: int) -> CaseParty:
    """The victim a referral is for, named by its party id (API)."""
    party = case.parties.filter(pk=pk, role=PartyRole.VICTIM).select_related("person").first()
    if party is None:
        raise ValidationError({"subject": _("Choose a victim in this case.")})
    return party


def provider_by_id(pk: int) -> Provider:
    """A provider of the directory, named by its id (API); the service checks the rest."""
    provider = Provider.objects.select_related("organisation").filter(pk=pk).first()
    if provider is None:
        raise ValidationError({"provider": _("Choose a provider from the directory.")})
    return provider


def referrals_of_case(case: Case) -> QuerySet[Referral]:
    """For the sending unit (the caller has fetched ``case`` with a scoped query)."""
    referrals = with_user_names(case.referrals, "created_by")
    return referrals.select_related("provider", "recipient").order_by("-created_at", "-pk")


def referral_sent_for(membership: Membership, pk: int) -> Referral:
    """One referral of the membership's unit, for its caseworkers and coordinators who
    may browse the case."""
    if not membership.is_active or membership.role not in REFER_CASE:
        raise Http404
    referral = (
        Referral.objects.select_related("provider", "recipient", "sender", "created_by")
        .filter(pk=pk, sender_id=membership.organisation_id)
        .first()
    )
    if referral is None:
        raise Http404
    referral.case = browsable_case_for(membership, referral.case_id)
    return referral


# --- The recipient organisation -------------------------------------------------------------


def is_recipient_role(membership: Membership) -> bool:
    return membership.is_active and membership.role in ANSWER_REFERRAL


def received_referrals_visible_to(membership: Membership) -> QuerySet[Referral]:
    """The inbox. Only columns the recipient may read are loaded with it: the sender's
    name and the provider; never the case."""
    if not is_recipient_role(membership):
        return Referral.objects.none()
    return (
        Referral.objects.filter(recipient_id=membership.organisation_id)
        .select_related("sender", "provider", "recipient")
        .defer("reason", "override_reason", "override_legal_basis")
    )


def referral_received_for(membership: Membership, pk: int) -> Referral:
    referral = received_referrals_visible_to(membership).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def inbox_listed(membership: Membership, *, show: str = "new") -> QuerySet[Referral]:
    """The inbox's tab in keyset order: the new and the overdue by due time (the earliest
    first), the others the latest sent first; the id breaks ties. Each is read a page at a
    time through an index of the recipient (migration 0006), however many referrals the
    organisation has received."""
    referrals = received_referrals_visible_to(membership)
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
    if show in {"new", "overdue"}:
        return referrals.order_by("due_at", "id")
    return referrals.order_by("-created_at", "-id")


def inbox_listed_recorded(membership: Membership, shown: list[Referral]) -> None:
    """A page of the inbox handed over with each referral's shared details (the API)."""
    if shown:
        _record_received(membership, "referral.listed")


def inbox_referrals(
    membership: Membership, *, show: str = "new", search: str = "", record_read: bool = False
) -> list[Referral]:
    """The inbox, filtered, whole. Search looks at the register number and at the shared
    values only — the same projection the recipient may read, never the case.

    A search that finds anything is recorded ("referral.searched"), whoever asks: it ran
    over every referral's shared details, whether or not the caller shows them (the inbox
    page shows only the rows). ``record_read`` is for a caller that hands the list over
    with each referral's shared details (the API): without a search, the list is recorded
    ("referral.listed"). An empty list showed nothing: no event."""
    found = list(inbox_listed(membership, show=show))
    text = search.strip().casefold()
    if text:
        # The projection is encrypted, so the search runs here, over one organisation's
        # referrals (a few hundred a year).
        found = [
            referral
            for referral in found
            if text in referral.register_number.casefold()
            or any(
                text in item.text.casefold()
                for item in projection_items(referral.shared_fields, referral.projection)
            )
        ]
    if found and (search or record_read):
        _record_received(membership, "referral.searched" if search else "referral.listed")
    return found


def referrals_to_export(membership: Membership) -> list[Referral]:
    """Every referral the organisation received, for the CSV export (shared fields and
    answers only); the export is recorded ("referral.exported"), even when empty."""
    referrals = inbox_referrals(membership, show="all")
    _record_received(membership, "referral.exported")
    return referrals


def _record_received(membership: Membership, action: str) -> None:
    audit.log(
        membership,
        action,
        ("accounts.organisation", membership.organisation_id),
        fields=_RECEIVED_CONTENT,
    )


# --- One referral (both sides) ----------------------------------------------------------------


def referral_for(membership: Membership, pk: int, *, record_read: bool = False) -> Referral:
    """The recipient's view for agency roles, the sender's for case staff. With
    ``record_read``, the read of what was shared is recorded ("referral.viewed", the
    shared fields still held: none once the sender ended it)."""
    if is_recipient_role(membership):
        referral = referral_received_for(membership, pk)
    else:
        referral = referral_sent_for(membership, pk)
    if record_read:
        items = projection_items(referral.shared_fields, referral.projection)
        audit.log(membership, "referral.viewed", referral, fields=[item.field for item in items])
    return referral


def letter_for(membership: Membership, pk: int) -> bytes:
    """The referral letter (PDF) of a referral in scope, recorded as printed. Once the
    sender cancelled or withdrew it the shared data is gone, and so is the letter (404)."""
    referral = referral_for(membership, pk)
    if referral.ended_by_sender:
        raise Http404
    pdf = letter_pdf(referral)
    audit.log(membership, "referral.letter_printed", referral, fields=referral.shared_fields)
    return pdf


def is_sender_view(membership: Membership, referral: Referral) -> bool:
    return membership.role in REFER_CASE and referral.sender_id == membership.organisation_id


# --- Who may act on a referral: services call these to refuse, views to show the button ----


def may_refer(membership: Membership, case: Case) -> bool:
    """A caseworker or coordinator of the case's unit refers it, and follows, cancels (or,
    for an outside service, answers for) its referrals."""
    return may_act_on(membership, case, REFER_CASE)


def may_answer_referral(membership: Membership, referral: Referral) -> bool:
    """The recipient organisation's officers and managers answer. For an outside service
    (no inbox) the sending unit records the answer it got by letter or telephone. The
    recipient's side never follows ``referral.case``."""
    if referral.recipient_id is None:
        return may_refer(membership, referral.case)
    return is_recipient_role(membership) and membership.organisation_id == referral.recipient_id
