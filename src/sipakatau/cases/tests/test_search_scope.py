"""The unit's own name index (``people.ScopedNameToken``) follows the cases: a person is
found by name from the units whose cases she is part of, from no other, under her
current name, whoever in the unit searches (issue 19)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import Channel, PartyRole
from sipakatau.cases.models import Case
from sipakatau.cases.queries import case_ids_matching
from sipakatau.cases.services import drafts, intake
from sipakatau.people.models import Person, ScopedNameToken
from sipakatau.people.services import person_update
from tests.builders import add_party, open_case
from tests.factories import Persona

pytestmark = pytest.mark.usefixtures("deadline_rules")


class _Statements:
    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _draft(actor: Membership) -> Case:
    return intake.case_open(actor=actor, channel=Channel.WALK_IN, draft=True)


def _scopes(person: Person) -> set[int]:
    return set(ScopedNameToken.objects.filter(person=person).values_list("scope_id", flat=True))


def test_a_party_is_found_from_her_unit_and_from_no_other(
    coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    case = open_case(coordinator.membership)
    party = add_party(coordinator.membership, case, name="Siti Aminah")

    assert _scopes(party.person) == {coordinator.membership.organisation_id}
    assert case_ids_matching(coordinator.membership, "siti aminah") == [case.pk]
    assert case_ids_matching(ikhlas_caseworker.membership, "siti aminah") == []


def test_a_person_in_the_cases_of_two_units_is_found_from_both(
    coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = open_case(coordinator.membership)
    person = add_party(coordinator.membership, ours, name="Siti Aminah").person
    theirs = open_case(ikhlas_caseworker.membership)
    intake.party_add(
        actor=ikhlas_caseworker.membership, case=theirs, person=person, role=PartyRole.VICTIM
    )

    assert case_ids_matching(coordinator.membership, "aminah") == [ours.pk]
    assert case_ids_matching(ikhlas_caseworker.membership, "aminah") == [theirs.pk]


def test_a_new_name_replaces_the_old_in_every_unit(
    coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = open_case(coordinator.membership)
    person = add_party(coordinator.membership, ours, name="Siti Aminah").person
    theirs = open_case(ikhlas_caseworker.membership)
    intake.party_add(
        actor=ikhlas_caseworker.membership, case=theirs, person=person, role=PartyRole.VICTIM
    )

    person_update(actor=coordinator.membership, person=person, name="Djuleha Rahman")

    for membership, case in (
        (coordinator.membership, ours),
        (ikhlas_caseworker.membership, theirs),
    ):
        assert case_ids_matching(membership, "siti aminah") == []
        assert case_ids_matching(membership, "juleha") == [case.pk]
    plain = set(person.name_tokens.values_list("token_hash", flat=True))
    assert set(person.scoped_name_tokens.values_list("scope_id", "token_hash")) == {
        (scope, token) for scope in _scopes(person) for token in plain
    }


def test_a_caseworker_does_not_find_the_people_of_anothers_draft(
    coordinator: Persona, bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    # Given a volunteer's draft with its victim, and a completed case of the same name
    draft = _draft(bahagia_volunteer.membership)
    add_party(bahagia_volunteer.membership, draft, name="Siti Aminah")
    case = open_case(bahagia_caseworker.membership)
    add_party(bahagia_caseworker.membership, case, name="Siti Aminah Lamba")

    # Then the caseworker finds the completed case only, the coordinator both
    assert case_ids_matching(bahagia_caseworker.membership, "siti aminah") == [case.pk]
    assert set(case_ids_matching(coordinator.membership, "siti aminah")) == {draft.pk, case.pk}
    # and the volunteer her own draft only
    assert case_ids_matching(bahagia_volunteer.membership, "siti aminah") == [draft.pk]


def test_a_person_in_a_draft_and_in_a_case_is_still_found_by_the_caseworker(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    draft = _draft(bahagia_volunteer.membership)
    person = add_party(bahagia_volunteer.membership, draft, name="Siti Aminah").person
    case = open_case(bahagia_caseworker.membership)
    intake.party_add(
        actor=bahagia_caseworker.membership, case=case, person=person, role=PartyRole.WITNESS
    )

    assert case_ids_matching(bahagia_caseworker.membership, "siti aminah") == [case.pk]


def test_a_removed_draft_takes_its_unit_out_of_the_scope_of_whom_it_leaves(
    bahagia_volunteer: Persona, ikhlas_caseworker: Persona
) -> None:
    # Given a person in a Bahagia draft and in an Ikhlas case
    draft = _draft(bahagia_volunteer.membership)
    person = add_party(bahagia_volunteer.membership, draft, name="Siti Aminah").person
    theirs = open_case(ikhlas_caseworker.membership)
    intake.party_add(
        actor=ikhlas_caseworker.membership, case=theirs, person=person, role=PartyRole.VICTIM
    )
    assert _scopes(person) == {
        bahagia_volunteer.membership.organisation_id,
        ikhlas_caseworker.membership.organisation_id,
    }

    # When the draft is removed
    drafts.intake_draft_remove(case_id=draft.pk)

    # Then she stays, found from Ikhlas only
    assert _scopes(person) == {ikhlas_caseworker.membership.organisation_id}


def test_the_migration_fills_the_same_rows_as_the_services(
    coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = open_case(coordinator.membership)
    person = add_party(coordinator.membership, ours, name="Siti Aminah").person
    add_party(coordinator.membership, ours, PartyRole.PERPETRATOR, name="Baso Daeng")
    theirs = open_case(ikhlas_caseworker.membership)
    intake.party_add(
        actor=ikhlas_caseworker.membership, case=theirs, person=person, role=PartyRole.VICTIM
    )
    kept = set(ScopedNameToken.objects.values_list("scope_id", "token_hash", "person_id"))
    ScopedNameToken.objects.all().delete()

    # The migration's own function, its statement run on the test's connection (SQLite's
    # schema editor cannot open inside the test's transaction).
    fill = import_module("sipakatau.cases.migrations.0014_search_scope").fill
    fill(apps, _Statements())

    assert {scope for scope, _token, pk in kept if pk == person.pk} == {
        coordinator.membership.organisation_id,
        ikhlas_caseworker.membership.organisation_id,
    }
    assert set(ScopedNameToken.objects.values_list("scope_id", "token_hash", "person_id")) == kept
