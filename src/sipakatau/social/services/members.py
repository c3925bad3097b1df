"""Adding a person to a household: from the household page (a person already in the
registry, found by NIK, or a new one from the KK), or from a case, whose victim the
caseworker places in her household by its KK number."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.people.models import Person
from sipakatau.people.queries import people_matching
from sipakatau.people.services import person_create_from_kk

from ..models import Household, HouseholdMember
from ..queries import household_by_kk, kelurahan_of, may_add_from_case, may_manage_household
from .common import require
from .households import household_create, household_member_add
from .screening import worklist_add_from_case_need


@transaction.atomic
def household_member_register(
    *,
    actor: Membership,
    household: Household,
    relationship: str,
    name: str,
    sex: str = "U",
    nik: str = "",
    birth_date: date | None = None,
    age_estimate: int | None = None,
    start_date: date | None = None,
) -> HouseholdMember:
    """A member as printed on the KK. A NIK already in the registry is that person (the
    KK lists the NIK, so whoever holds it may link them); otherwise a new person."""
    require(may_manage_household(actor, household))
    person: Person | None = None
    if nik.strip():
        found = [c.person.pk for c in people_matching(nik=nik) if "nik" in c.matched]
        if len(found) == 1:
            person = Person.objects.get(pk=found[0])
    if person is None:
        if not name.strip():
            raise ValidationError({"name": _("Write the name as on the KK.")})
        person = person_create_from_kk(
            actor=actor,
            name=name,
            sex=sex,
            nik=nik or None,
            birth_date=birth_date,
            age_estimate=age_estimate,
        ).person
    return household_member_add(
        actor=actor,
        household=household,
        person=person,
        relationship=relationship,
        start_date=start_date,
    )


@transaction.atomic
def household_join_from_case(
    *,
    actor: Membership,
    case: Case,
    party: CaseParty,
    kk_number: str,
    relationship: str,
    rw: str = "",
    rt: str = "",
    address: str = "",
) -> HouseholdMember:
    """The victim's household, found by its KK number (or registered with it when the
    kelurahan does not have it yet), gets the victim as a current member; the case's
    social-protection needs then put it on the worklist. This is the way in for a victim
    without a NIK, whom the household page cannot find."""
    require(may_add_from_case(actor, case))
    if party.case_id != case.pk or party.role != PartyRole.VICTIM:
        raise ValidationError({"party": _("Choose the victim from the list.")})
    kelurahan = kelurahan_of(actor)
    if kelurahan is None:
        raise ValidationError(_("Only someone who works in a kelurahan records its households."))
    household = household_by_kk(actor, kk_number)
    if household is None:
        if not rw.strip() or not rt.strip():
            raise ValidationError(
                {
                    "rw": _("This KK is not registered yet: fill in its RW and RT to register it."),
                    "rt": _("Fill in the RT."),
                }
            )
        household = household_create(
            actor=actor, kk_number=kk_number, kelurahan=kelurahan, rw=rw, rt=rt, address=address
        )
    member = household_member_add(
        actor=actor, household=household, person=party.person, relationship=relationship
    )
    worklist_add_from_case_need(actor=actor, case=case)
    return member
