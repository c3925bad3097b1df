"""Encrypted model fields: plain values for the code, ciphertext in the database."""

from datetime import date

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from sipakatau.lib.crypto import DecryptionError
from sipakatau.lib.fields import EncryptedJSONField, EncryptedTextField
from sipakatau.people.models import Person, PersonNameToken


def raw(pk: int, column: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]  # type: ignore[no-any-return]


def write_raw(pk: int, column: str, value: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE people_person SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def person(db: None) -> Person:
    return Person.objects.create(
        name="Siti Aminah", address="Jl. Kenari 13", birth_date=date(1990, 7, 1), nik=None
    )


def test_the_database_holds_only_ciphertext(person: Person) -> None:
    assert raw(person.pk, "name").startswith("v1:")
    assert "Siti" not in raw(person.pk, "name")
    assert raw(person.pk, "birth_date").startswith("v1:")
    assert raw(person.pk, "nik") is None


def test_the_model_sees_plain_values(person: Person) -> None:
    again = Person.objects.get(pk=person.pk)
    assert again.name == "Siti Aminah"
    assert again.birth_date == date(1990, 7, 1)
    assert again.nik is None


def test_each_field_knows_its_model_and_name() -> None:
    assert Person._meta.get_field("name").label == "people.Person.name"  # type: ignore[attr-defined]


def test_a_value_moved_to_another_column_fails_loudly(person: Person) -> None:
    write_raw(person.pk, "address", raw(person.pk, "name"))
    with pytest.raises(DecryptionError, match=r"people\.Person\.address"):
        Person.objects.get(pk=person.pk)


def test_a_value_moved_to_another_model_fails_loudly(person: Person) -> None:
    # A field of the same name on another model (as the case module will have).
    elsewhere = EncryptedTextField()
    elsewhere.label = "cases.Relative.name"
    with pytest.raises(DecryptionError):
        elsewhere.decrypt(raw(person.pk, "name"))


def test_a_tampered_value_fails_loudly_and_never_shows_garbage(person: Person) -> None:
    token = raw(person.pk, "name")
    assert token is not None
    write_raw(person.pk, "name", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


def test_plaintext_written_behind_its_back_is_refused(person: Person) -> None:
    write_raw(person.pk, "name", "Siti Aminah")
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


def test_filtering_on_an_encrypted_field_is_refused(person: Person) -> None:
    with pytest.raises(FieldError):
        list(Person.objects.filter(name="Siti Aminah"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(name__icontains="siti"))
    assert Person.objects.filter(nik__isnull=True).count() == 1


def test_bulk_update_encrypts_too(person: Person) -> None:
    person.name = "Siti Rahma"
    Person.objects.bulk_update([person], ["name"])
    assert raw(person.pk, "name").startswith("v1:")
    assert Person.objects.get(pk=person.pk).name == "Siti Rahma"


def test_a_json_value_round_trips() -> None:
    field = EncryptedJSONField()
    field.label = "tests.Thing.data"
    value = {"needs": ["shelter", "legal aid"], "children": 2, "safe": None}
    assert field.decrypt(field.encrypt(value)) == value


def test_unique_or_indexed_encrypted_fields_are_refused_by_a_check() -> None:
    field = EncryptedTextField(unique=True)
    field.set_attributes_from_name("nik")
    field.model = PersonNameToken  # any model, for the check's context
    assert [error.id for error in field.check()] == ["sipakatau.E001"]
