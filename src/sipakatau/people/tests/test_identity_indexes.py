"""Each NIK, KK number and telephone is stored with the blind index it is found by, or
neither is: the case page tells from the index alone whether there is a number to show
(``Person.has_identity_numbers``), so the database refuses to let them part."""

import pytest
from django.db import IntegrityError, transaction

from sipakatau.people.models import IDENTITY_INDEXES, Person
from sipakatau.people.services import person_create
from tests.factories import Persona


@pytest.fixture
def person(bahagia_caseworker: Persona) -> Person:
    return person_create(
        actor=bahagia_caseworker.membership,
        name="Siti Aminah",
        nik="7372034107900001",
        kk_number="7372031001200001",
        phone="081234567890",
    ).person


@pytest.mark.parametrize(("number", "index"), IDENTITY_INDEXES)
def test_the_database_refuses_a_number_without_its_index(
    person: Person, number: str, index: str
) -> None:
    assert person.has_identity_numbers
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(**{index: None})


@pytest.mark.parametrize(("number", "index"), IDENTITY_INDEXES)
def test_the_database_refuses_an_index_without_its_number(
    person: Person, number: str, index: str
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(**{number: None})


def test_a_person_without_numbers_has_none_to_show(bahagia_caseworker: Persona) -> None:
    person = person_create(actor=bahagia_caseworker.membership, name="Wati").person

    assert not Person.objects.get(pk=person.pk).has_identity_numbers
