"""One object at a time, for a page or an API endpoint: 404 when out of scope.

A fetcher that hands over personal data records the read when asked (``record_read``):
the action, the object and the names of the parts shown, never their values, so that a
breach notice can name whose data a user saw (UU 27/2022 PDP Pasal 46;
``audit.queries`` counts ``.viewed`` as a read). The page and the API that show the same
thing call the same fetcher, so they cannot record it differently.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership
from sipakatau.accounts.queries import with_user_names
from sipakatau.audit import services as audit
from sipakatau.lib.querysets import select_related_only
from sipakatau.people.models import Person

from ..codes import PartyRole
from ..models import (
    Attachment,
    Case,
    CaseParty,
    Closure,
    Consent,
    FollowUp,
    Incident,
    ServicePlanItem,
)
from .scope import (
    case_can_be_browsed,
    cases_visible_to,
    follow_ups_visible_to,
    may_decide_closure,
)

# The parts of a case that a whole read shows, as its "case.viewed" event names them.
CASE_SECTIONS = (
    "parties",
    "relationships",
    "incident",
    "assessments",
    "consents",
    "plan_items",
    "follow_ups",
    "notes",
    "attachments",
    "deadlines",
    "closures",
)
# What a follow-up shows of its case: the register number and the follow-ups.
FOLLOW_UP_SECTIONS = ("register_number", "follow_ups")
# What the coordinator deciding a closure request reads of it.
CLOSURE_FIELDS = ("reason", "summary")


def case_for(
    membership: Membership,
    pk: int,
    *,
    record_read: bool = False,
    sections: Iterable[str] = CASE_SECTIONS,
    with_incident: bool = False,
) -> Case:
    """A case in the membership's scope, including one a volunteer only has a follow-up
    on: then she is shown her follow-ups and the register number, nothing else, and
    that is what ``record_read`` records whatever ``sections`` says. ``with_incident``
    reads the incident in the same query (``incident_of`` then reads nothing)."""
    related = ["organisation"]
    if with_incident:
        related.append("incident__area")
    cases = with_user_names(cases_visible_to(membership), "assigned_to")
    case = cases.select_related(*related).filter(pk=pk).first()
    if case is None:
        raise Http404
    if record_read:
        shown = sections if case_can_be_browsed(membership, case) else FOLLOW_UP_SECTIONS
        audit.log(membership, "case.viewed", case, fields=shown)
    return case


def browsable_case_for(
    membership: Membership,
    pk: int,
    *,
    record_read: bool = False,
    sections: Iterable[str] = CASE_SECTIONS,
) -> Case:
    """The whole case: its unit's caseworkers and coordinators, or the volunteer who took
    the intake — so whoever gets it works on cases (``WORK_ON_CASES``). A volunteer who
    only has a follow-up on it gets 404 here. ``record_read`` records the ``sections``
    the caller shows."""
    case = case_for(membership, pk)
    if not case_can_be_browsed(membership, case):
        raise Http404
    if record_read:
        audit.log(membership, "case.viewed", case, fields=sections)
    return case


def follow_up_for(membership: Membership, pk: int, *, record_read: bool = False) -> FollowUp:
    """A follow-up of a case in scope: a volunteer reaches only her own on a case she did
    not take."""
    follow_up = FollowUp.objects.select_related("case", "assigned_to").filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    case = case_for(membership, follow_up.case_id)
    if not follow_ups_visible_to(membership, case).filter(pk=pk).exists():
        raise Http404
    follow_up.case = case
    if record_read:
        audit.log(membership, "case.viewed", case, fields=FOLLOW_UP_SECTIONS)
    return follow_up


def attachment_for(membership: Membership, pk: int, *, record_read: bool = False) -> Attachment:
    """A file of a case the membership may browse. ``record_read``: its content is being
    handed over (``attachment.downloaded``)."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.case = browsable_case_for(membership, attachment.case_id)
    if record_read:
        audit.log(membership, "attachment.downloaded", attachment, fields=["content"])
    return attachment


def closure_for(membership: Membership, pk: int) -> Closure:
    closure = Closure.objects.select_related("requested_by").filter(pk=pk).first()
    if closure is None:
        raise Http404
    closure.case = browsable_case_for(membership, closure.case_id)
    return closure


def closure_to_decide_for(membership: Membership, pk: int, *, record_read: bool = False) -> Closure:
    """A closure request, for a coordinator of its unit to decide: 404 out of scope, then
    403 for the unit's others (they see it on the case page, but do not decide it).
    ``record_read`` records what the decision page shows of it, once she may see it."""
    closure = closure_for(membership, pk)
    if not may_decide_closure(membership, closure.case):
        raise PermissionDenied
    if record_read:
        audit.log(membership, "case.viewed", closure, fields=CLOSURE_FIELDS)
    return closure


def consent_for(membership: Membership, pk: int) -> Consent:
    consent = Consent.objects.select_related("subject__person").filter(pk=pk).first()
    if consent is None:
        raise Http404
    consent.case = browsable_case_for(membership, consent.case_id)
    return consent


def plan_item_for(membership: Membership, pk: int) -> ServicePlanItem:
    item = ServicePlanItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    item.case = browsable_case_for(membership, item.case_id)
    return item


def party_for(membership: Membership, pk: int, *, record_read: bool = False) -> CaseParty:
    """A person of a case the membership may browse (404 otherwise). With
    ``record_read``, that the case's people were read is recorded (``case.viewed``)."""
    party = CaseParty.objects.select_related("person", "person__area").filter(pk=pk).first()
    if party is None:
        raise Http404
    party.case = browsable_case_for(
        membership, party.case_id, record_read=record_read, sections=["parties"]
    )
    return party


def parties_of(case: Case) -> QuerySet[CaseParty]:
    return case.parties.select_related("person").order_by("role", "pk")


def consents_with_names(case: Case) -> QuerySet[Consent]:
    """The case's consents with the names of who they are about and who gave them for a
    child: the only parts of those people the consent section shows."""
    people = ("subject__person", "given_by_guardian__person")
    return select_related_only(case.consents, Person, ["name"], *people)


def party_of_case(case: Case, pk: int) -> CaseParty:
    """A person of a case the user may already browse; another case's person is 404."""
    party = parties_of(case).filter(pk=pk).first()
    if party is None:
        raise Http404
    return party


# What an unnamed victim is called until her name is known: data, like a name, so the
# same in every language of the page.
UNNAMED_VICTIM = "Korban {letter}"


def unnamed_victim_label(case: Case) -> str:
    """The label of the next victim: "Korban A" for the first, "Korban B" for the
    second, … ("Korban AA" after "Korban Z")."""
    index = case.parties.filter(role=PartyRole.VICTIM).count()
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("A") + rest) + letters
        if index == 0:
            break
        index -= 1
    return UNNAMED_VICTIM.format(letter=letters)


def incident_of(case: Case) -> Incident | None:
    if Case.incident.is_cached(case):  # read with the case (``case_for(with_incident=True)``)
        return getattr(case, "incident", None)
    return Incident.objects.select_related("area").filter(case=case).first()


def has_active_consent(party: CaseParty, purpose: str) -> bool:
    return Consent.objects.filter(
        subject=party, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


# --- Identity numbers and telephone: shown only on request, each showing recorded ---------

# Never part of a case read (page or API): only through ``identity_for``, which records
# whose numbers a user saw (``person.identity_viewed``).
IDENTITY_FIELDS = ("phone", "nik", "kk_number")

# What the case page reads of each of its people. Not the numbers it shows only when asked
# (``identity_for``, audited: the blind indexes tell whether any is recorded), nor the
# address, birth date or functioning answers: not read, they are never decrypted into the
# page's memory.
PERSON_FIELDS_ON_CASE_PAGE = (
    "name",
    "sex",
    "has_disability",
    "disability_kinds",
    "safe_contact",
    "nik_index",
    "kk_index",
    "phone_index",
)


def parties_for_case_page(case: Case) -> QuerySet[CaseParty]:
    """The case's people as the case page shows them (``PERSON_FIELDS_ON_CASE_PAGE``)."""
    people = select_related_only(case.parties, Person, PERSON_FIELDS_ON_CASE_PAGE, "person")
    return people.order_by("role", "pk")


def identity_for(membership: Membership, party: CaseParty) -> dict[str, str]:
    """The telephone, NIK and KK number recorded for a person of a case the membership
    may browse (only those recorded). Every call records the showing, with the names
    of the fields shown."""
    browsable_case_for(membership, party.case_id)
    person = party.person
    values = {name: getattr(person, name) for name in IDENTITY_FIELDS}
    identity = {name: value for name, value in values.items() if value}
    audit.log(membership, "person.identity_viewed", person, fields=identity)
    return identity
