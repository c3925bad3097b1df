"""Disability of a person in a case, recorded from the case page (the rest of the
person's record stays as it was)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.people.models import Person
from sipakatau.people.profile import person_set_profile

from ..models import Case, CaseParty
from .common import require_case_access, require_open


@transaction.atomic
def party_set_disability(
    *,
    actor: Membership,
    case: Case,
    party: CaseParty,
    wg_answers: Mapping[str, str],
    disability_kinds: list[str],
) -> Person:
    """The Washington Group answers and the kinds of disability (UU 8/2016) of a person
    in the case. ``people.profile.person_set_profile`` writes the whole profile, so the
    area, the communication needs and the safe contact are passed on as they are, read
    under a lock so that a change made meanwhile is not undone. It checks the values and
    writes the audit event (``person.profile_updated``)."""
    require_case_access(actor, case)
    if party.case_id != case.pk:
        raise ValidationError(_("This person is not in this case."))
    require_open(case)
    # The person's row only: PostgreSQL refuses FOR UPDATE across the outer join to a
    # nullable area, so the area is read after the lock is held.
    person = Person.objects.select_for_update().get(pk=party.person_id)
    safe = person.safe_contact if isinstance(person.safe_contact, dict) else {}
    return person_set_profile(
        actor=actor,
        person=person,
        area=person.area,
        wg_answers=wg_answers,
        disability_kinds=disability_kinds,
        communication_needs=person.communication_needs,
        do_not_contact=bool(safe.get("do_not_contact")),
        contact_channels=[str(channel) for channel in safe.get("channels") or []],
        contact_times=str(safe.get("times") or ""),
        contact_note=str(safe.get("note") or ""),
    )
