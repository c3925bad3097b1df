"""person_update: changes only what is given, keeps the indexes in step, audits names."""

import pytest
from django.core.exceptions import PermissionDenied

from sipakatau.audit.models import AuditEvent
from sipakatau.people.models import Person
from sipakatau.people.queries import people_matching
from sipakatau.people.services import person_create, person_update
from tests.factories import Persona


@pytest.fixture
def person(bahagia_caseworker: Persona) -> Person:
    return person_create(
        actor=bahagia_caseworker.membership,
        name="Siti Aminah",
        phone="081234567890",
        address="Jl. A",
    ).person


def test_it_changes_only_what_is_given(bahagia_caseworker: Persona, person: Person) -> None:
    person_update(actor=bahagia_caseworker.membership, person=person, address="Jl. B")
    again = Person.objects.get(pk=person.pk)
    assert (again.name, again.phone, again.address) == ("Siti Aminah", "+6281234567890", "Jl. B")
    event = AuditEvent.objects.get(action="person.updated")
    assert event.fields == ["address"]


def test_it_moves_the_indexes_with_the_values(bahagia_caseworker: Persona, person: Person) -> None:
    person_update(
        actor=bahagia_caseworker.membership, person=person, name="Juleha Rahman", phone=None
    )
    assert people_matching(phone="081234567890") == []
    assert people_matching(name="Siti Aminah") == []
    assert [c.person.pk for c in people_matching(name="Djuleha")] == [person.pk]
    assert Person.objects.get(pk=person.pk).phone_index is None


def test_nothing_changed_writes_nothing(bahagia_caseworker: Persona, person: Person) -> None:
    person_update(actor=bahagia_caseworker.membership, person=person, name="Siti  Aminah ")
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_an_outsider_role_cannot_update(lurah: Persona, person: Person) -> None:
    with pytest.raises(PermissionDenied):
        person_update(actor=lurah.membership, person=person, name="X")
