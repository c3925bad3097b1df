"""Which units find a person by name: those whose cases she is part of.

``people.ScopedNameToken`` holds a person's name tokens once per such unit, so that the
unit's search by name reads an index range of its own (``queries.case_ids_matching``).
Every service that changes the units a person is part of calls ``search_scopes_keep`` in
its own transaction: a party added (``intake.party_add``), a case removed
(``drafts.intake_draft_remove``); a service that moves a case to another unit or takes
a party out of a case must call it too.
"""

from django.db import transaction

from sipakatau.people.models import Person
from sipakatau.people.services import person_scopes_set

from ..models import CaseParty


def search_scopes_keep(person: Person) -> None:
    with transaction.atomic():
        # Her units are read under the person's row lock: two cases of two units taking
        # her in at the same moment would otherwise each write only its own unit.
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        scopes = set(
            CaseParty.objects.filter(person=person).values_list("case__organisation_id", flat=True)
        )
        person_scopes_set(person=person, scopes=scopes)
