"""Households: list and find, register, one household with everything known of it, its
members over time, DTSEN knowledge, civil documents and the help given, enrolments."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Status
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.cases.queries import case_for, party_of_case
from sipakatau.lib.api_pagination import Pages

from .. import queries, services
from ..models import Household, HouseholdMember
from .common import household_row, member_of, programme_by_code, programme_out, router
from .schemas import (
    CaseHouseholdIn,
    DocumentIn,
    DtsenIn,
    EnrolmentIn,
    HelpIn,
    HouseholdIn,
    HouseholdOut,
    HouseholdRowOut,
    KkSearchIn,
    MemberEndIn,
    MemberIn,
    MemberMoveIn,
    ProgrammeOut,
)


def _member(row: HouseholdMember) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "name": row.person.name,
        "sex": row.person.sex,
        "relationship": row.relationship,
        "start_date": row.start_date,
        "end_date": row.end_date,
    }


def household_out(household: Household) -> dict[str, Any]:
    rows = list(queries.members_of(household, current_only=False))
    return {
        "id": household.pk,
        "kk_number": household.kk_number,
        "kelurahan_code": household.kelurahan.code,
        "rw": household.rw,
        "rt": household.rt,
        "address": household.address,
        "members": [_member(r) for r in rows if r.end_date is None],
        "past_members": [_member(r) for r in rows if r.end_date is not None],
        "dtsen": list(
            household.dtsen.order_by("-known_on", "-pk").values(
                "status", "desil", "source", "known_on"
            )
        ),
        "documents": list(
            queries.documents_of(household).values("person_id", "kind", "status", "is_pbi")
        ),
        "document_help": [
            {
                "person_id": h.person_id,
                "kind": h.kind,
                "help_given": h.help_given,
                "helped_on": h.helped_on,
                "outcome": h.outcome,
            }
            for h in queries.document_help_of(household)
        ],
        "enrolments": [
            {
                "programme_code": e.programme.code,
                "person_id": e.person_id,
                "status": e.status,
                "source": e.source,
                "known_on": e.known_on,
            }
            for e in queries.enrolments_of(household)
        ],
        "proposals": [
            {
                "batch_id": item.batch_id,
                "month": item.batch.month,
                "programme_code": item.programme.code,
                "person_id": item.person_id,
                "verification": item.verification,
                "outcome": item.outcome,
            }
            for item in queries.proposals_of(household)
        ],
    }


@router.get("/households", response=list[HouseholdRowOut], summary="Households (by RW and RT)")
@paginate(Pages, page_size=50)
def household_list(request: HttpRequest, rw: str = "", rt: str = "") -> list[dict[str, Any]]:
    households = queries.households_listed(acting(request))
    if rw.strip():
        households = households.filter(rw=rw.strip().zfill(3))
    if rt.strip():
        households = households.filter(rt=rt.strip().zfill(3))
    return [household_row(h) for h in households]


@router.post(
    "/households/search",
    response=list[HouseholdRowOut],
    summary="Find a household by its KK number (POST: no numbers in URLs)",
)
def household_search(request: HttpRequest, payload: KkSearchIn) -> list[dict[str, Any]]:
    membership = acting(request)
    found = queries.household_by_kk(membership, payload.kk_number)
    if found is None:
        return []
    return [household_row(h) for h in queries.households_listed(membership).filter(pk=found.pk)]


@router.post("/households", response={201: HouseholdOut}, summary="Register a household")
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status[dict[str, Any]]:
    membership = acting(request)
    kelurahan = queries.kelurahan_of(membership)
    if kelurahan is None:
        raise PermissionDenied
    household = services.household_create(
        actor=membership,
        kk_number=payload.kk_number,
        kelurahan=kelurahan,
        rw=payload.rw,
        rt=payload.rt,
        address=payload.address,
    )
    return Status(201, household_out(household))


@router.get("/households/{household_id}", response=HouseholdOut, summary="One household")
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    return household_out(queries.household_for(acting(request), household_id, record_read=True))


@router.post(
    "/households/{household_id}/members",
    response={201: HouseholdOut},
    summary="Add a member (a NIK already recorded links that person; else a new person)",
)
def member_add(
    request: HttpRequest, household_id: int, payload: MemberIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    household = queries.household_for(membership, household_id)
    services.household_member_register(actor=membership, household=household, **payload.dict())
    return Status(201, household_out(household))


@router.post(
    "/cases/{case_id}/household",
    response={201: HouseholdOut},
    summary="Place a case's victim in her household by KK number (registered if new)",
)
def case_household(
    request: HttpRequest, case_id: int, payload: CaseHouseholdIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    case = case_for(membership, case_id)
    values = payload.dict()
    party = party_of_case(case, values.pop("party_id"))
    member = services.household_join_from_case(actor=membership, case=case, party=party, **values)
    return Status(201, household_out(member.household))


@router.post("/members/{member_id}/end", response=HouseholdOut, summary="A member left")
def member_end(request: HttpRequest, member_id: int, payload: MemberEndIn) -> dict[str, Any]:
    membership = acting(request)
    member = queries.member_for(membership, member_id)
    services.household_member_end(actor=membership, member=member, end_date=payload.end_date)
    return household_out(member.household)


@router.post(
    "/members/{member_id}/move", response=HouseholdOut, summary="Move a member to another household"
)
def member_move(request: HttpRequest, member_id: int, payload: MemberMoveIn) -> dict[str, Any]:
    membership = acting(request)
    member = queries.member_for(membership, member_id)
    target = queries.household_for(membership, payload.to_household_id)
    services.household_member_move(
        actor=membership,
        member=member,
        to_household=target,
        relationship=payload.relationship,
        on=payload.on,
    )
    return household_out(target)


@router.post(
    "/households/{household_id}/dtsen",
    response={201: HouseholdOut},
    summary="What is known of DTSEN and the desil, from where, when",
)
def dtsen_add(request: HttpRequest, household_id: int, payload: DtsenIn) -> Status[dict[str, Any]]:
    membership = acting(request)
    household = queries.household_for(membership, household_id)
    services.dtsen_record(actor=membership, household=household, **payload.dict())
    return Status(201, household_out(household))


@router.post(
    "/households/{household_id}/documents",
    response=HouseholdOut,
    summary="A member's civil document (KTP-el, KK, akta, BPJS Kesehatan)",
)
def document_set(request: HttpRequest, household_id: int, payload: DocumentIn) -> dict[str, Any]:
    membership = acting(request)
    household = queries.household_for(membership, household_id)
    member = member_of(household, payload.person_id)
    assert member is not None
    services.document_record(
        actor=membership,
        person=member.person,
        kind=payload.kind,
        status=payload.status,
        is_pbi=payload.is_pbi,
    )
    return household_out(household)


@router.post(
    "/households/{household_id}/document-help",
    response={201: HouseholdOut},
    summary="Help given to get a document, and its outcome",
)
def document_help_add(
    request: HttpRequest, household_id: int, payload: HelpIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    household = queries.household_for(membership, household_id)
    member = member_of(household, payload.person_id)
    assert member is not None
    services.document_help_record(
        actor=membership,
        person=member.person,
        kind=payload.kind,
        help_given=payload.help_given,
        helped_on=payload.helped_on,
        outcome=payload.outcome,
    )
    return Status(201, household_out(household))


@router.post(
    "/households/{household_id}/enrolments",
    response=HouseholdOut,
    summary="Whether the household (or a member) receives a programme",
)
def enrolment_set(request: HttpRequest, household_id: int, payload: EnrolmentIn) -> dict[str, Any]:
    membership = acting(request)
    household = queries.household_for(membership, household_id)
    member = member_of(household, payload.person_id)
    services.enrolment_record(
        actor=membership,
        programme=programme_by_code(payload.programme_code),
        status=payload.status,
        source=payload.source,
        known_on=payload.known_on,
        household=None if member else household,
        person=member.person if member else None,
    )
    return household_out(household)


@router.get("/programmes", response=list[ProgrammeOut], summary="The programmes (as data)")
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [programme_out(p) for p in queries.programmes_listed()]
