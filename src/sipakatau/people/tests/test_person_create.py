"""person_create: who may record a person, what is checked, what the audit trail says."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sipakatau.audit.models import AuditEvent
from sipakatau.people.models import Person, Sex
from sipakatau.people.services import person_create
from tests.factories import Persona

NIK = "7372034107900042"  # a woman born 1 July 1990, Soreang


def test_a_caseworker_records_a_person(bahagia_caseworker: Persona) -> None:
    saved = person_create(
        actor=bahagia_caseworker.membership,
        name="  Siti   Aminah ",
        sex=Sex.FEMALE,
        nik="7372 0341 0790 0042",
        kk_number="7372-0301-0119-0077",
        phone="0812-3456-7890",
        address="Jl. Kenari 13, RT 002/RW 003",
        birth_date=date(1990, 7, 1),
    )
    person = Person.objects.get(pk=saved.person.pk)
    assert saved.warnings == ()
    assert person.name == "Siti Aminah"
    assert person.nik == NIK
    assert person.kk_number == "7372030101190077"
    assert person.phone == "+6281234567890"
    assert person.birth_date == date(1990, 7, 1)
    assert person.nik_index and person.kk_index and person.phone_index
    assert person.name_tokens.count() >= 4


@pytest.mark.parametrize("persona", ["bahagia_volunteer", "bahagia_caseworker"])
def test_volunteers_and_caseworkers_may_record(
    persona: str, request: pytest.FixtureRequest
) -> None:
    actor: Persona = request.getfixturevalue(persona)
    assert person_create(actor=actor.membership, name="Juleha").person.pk


@pytest.mark.parametrize("persona", ["lurah", "dp3a_officer", "auditor", "bahagia_admin"])
def test_everyone_else_is_refused(persona: str, request: pytest.FixtureRequest) -> None:
    actor: Persona = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        person_create(actor=actor.membership, name="Juleha")
    assert not Person.objects.exists()


def test_an_inactive_membership_is_refused(bahagia_caseworker: Persona) -> None:
    bahagia_caseworker.membership.is_active = False
    with pytest.raises(PermissionDenied):
        person_create(actor=bahagia_caseworker.membership, name="Juleha")


def test_the_audit_event_names_fields_never_values(bahagia_caseworker: Persona) -> None:
    saved = person_create(
        actor=bahagia_caseworker.membership, name="Siti Aminah", nik=NIK, phone="081234567890"
    )
    event = AuditEvent.objects.get(action="person.created")
    assert event.object_type == "people.person"
    assert event.object_id == str(saved.person.pk)
    assert event.actor_id == bahagia_caseworker.user.pk
    assert event.organisation_id == bahagia_caseworker.organisation.pk
    assert set(event.fields) == {"name", "sex", "nik", "phone"}
    text = str(vars(event))
    assert "Siti" not in text and NIK not in text and "1234567890" not in text


def test_every_error_is_reported_at_once(bahagia_caseworker: Persona) -> None:
    with pytest.raises(ValidationError) as raised:
        person_create(
            actor=bahagia_caseworker.membership,
            name=" ",
            sex="X",
            nik="12345",
            kk_number="1",
            phone="halo",
            age_estimate=200,
            birth_date=date(2999, 1, 1),
        )
    assert set(raised.value.message_dict) == {
        "name",
        "sex",
        "nik",
        "kk_number",
        "phone",
        "age_estimate",
        "birth_date",
    }
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_a_name_without_letters_is_refused(bahagia_caseworker: Persona) -> None:
    with pytest.raises(ValidationError) as raised:
        person_create(actor=bahagia_caseworker.membership, name="Ibu ...")
    assert "name" in raised.value.message_dict


def test_an_odd_nik_is_saved_with_warnings(bahagia_caseworker: Persona) -> None:
    saved = person_create(
        actor=bahagia_caseworker.membership,
        name="Siti Aminah",
        sex=Sex.MALE,
        nik="7372034107900042",
        birth_date=date(1991, 7, 1),
    )
    assert {w.code for w in saved.warnings} == {"sex", "birth_date"}
    assert Person.objects.filter(pk=saved.person.pk).exists()


def test_messages_are_translated(bahagia_caseworker: Persona) -> None:
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as raised:
        person_create(actor=bahagia_caseworker.membership, name="")
    with translation.override("en"), pytest.raises(ValidationError) as english:
        person_create(actor=bahagia_caseworker.membership, name="")
    assert english.value.message_dict["name"] == ["Fill in the name."]
    assert raised.value.message_dict["name"][0]  # Indonesian once the catalogue has it
