"""Two units taking the same person into their cases at the same moment: each unit finds
her by name afterwards (``services.search_scope`` reads her units under her row lock)."""

import pytest

from sipakatau.cases.codes import PartyRole
from sipakatau.cases.services import intake
from sipakatau.people.models import ScopedNameToken
from sipakatau.people.services import person_create
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from tests.builders import open_case
from tests.factories import Persona

ROUNDS = 5


@pytest.fixture(autouse=True)
def _postgresql_only(shared_database: None, deadline_rules: None) -> None:
    skip_on_sqlite()


def test_two_units_taking_her_in_at_once_both_find_her(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    ours, theirs = bahagia_caseworker.membership, ikhlas_caseworker.membership
    for _round in range(ROUNDS):
        # Given one person and a case in each unit
        person = person_create(actor=ours, name="Siti Aminah").person
        our_case, their_case = open_case(ours), open_case(theirs)

        # when both units add her at the same moment
        results = at_once(
            lambda c=our_case, p=person: intake.party_add(
                actor=ours, case=c, person=p, role=PartyRole.VICTIM
            ),
            lambda c=their_case, p=person: intake.party_add(
                actor=theirs, case=c, person=p, role=PartyRole.VICTIM
            ),
        )

        # then both succeed and she is in the name index of both units
        assert not [r for r in results if isinstance(r, BaseException)], results
        scopes = set(
            ScopedNameToken.objects.filter(person=person).values_list("scope_id", flat=True)
        )
        assert scopes == {ours.organisation_id, theirs.organisation_id}
