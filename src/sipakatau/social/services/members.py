"""Adding a person to a household from the household page: a person already in the
registry (found by NIK) or a new one."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.people.models import Person
from sipakatau.people.queries import people_matching
from sipakatau.people.services import person_create_from_kk

from ..models import Household, HouseholdMember
from ..queries import may_manage_household
from .common import require
from .households import household_member_add


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
