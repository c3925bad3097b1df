"""people_matching: finding a person again by NIK, KK, telephone or name, by blind index."""

import pytest
from django.test import override_settings

from sipakatau.lib.crypto import new_key_entry
from sipakatau.people.models import Person
from sipakatau.people.queries import people_matching
from sipakatau.people.services import person_create, person_reindex
from tests.factories import Persona


@pytest.fixture
def create(bahagia_caseworker: Persona):  # type: ignore[no-untyped-def]
    def make(name: str, **values: object) -> Person:
        return person_create(actor=bahagia_caseworker.membership, name=name, **values).person  # type: ignore[arg-type]

    return make


def found(**query: str) -> list[int]:
    return [candidate.person.pk for candidate in people_matching(**query)]  # type: ignore[arg-type]


def test_it_finds_a_person_by_nik_and_kk(create) -> None:  # type: ignore[no-untyped-def]
    siti = create("Siti Aminah", nik="7372034107900042", kk_number="7372030101190077")
    create("Juleha", nik="7372031503050001")
    assert found(nik="7372 0341 0790 0042") == [siti.pk]
    assert found(kk="7372030101190077") == [siti.pk]
    assert found(nik="7372030101190077") == []  # a KK number is not a NIK


@pytest.mark.parametrize("written", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_it_finds_a_person_by_phone_however_written(create, written: str) -> None:  # type: ignore[no-untyped-def]
    siti = create("Siti Aminah", phone="+6281234567890")
    assert found(phone=written) == [siti.pk]
    assert found(phone="not a number") == []


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        ("Djuleha", "Juleha"),
        ("Juleha", "Djuleha"),
        ("Nurhayati", "Nur Hayati"),
        ("Nur Hayati", "Nurhayati"),
        ("Hj. Siti Aminah, S.Pd.", "siti aminah"),
        ("Soekarno", "Sukarno"),
        ("Muhammad Yusuf", "M. Jusuf"),
    ],
)
def test_it_finds_a_person_by_name_spelled_otherwise(create, stored: str, asked: str) -> None:  # type: ignore[no-untyped-def]
    person = create(stored)
    create("Budi Santoso")
    assert found(name=asked) == [person.pk]


def test_more_matching_words_rank_higher(create) -> None:  # type: ignore[no-untyped-def]
    siti_aminah = create("Siti Aminah")
    siti_rahma = create("Siti Rahmawati")
    assert found(name="Siti Aminah") == [siti_aminah.pk, siti_rahma.pk]


def test_an_identifier_match_ranks_above_a_name_match(create) -> None:  # type: ignore[no-untyped-def]
    namesake = create("Siti Aminah")
    same_phone = create("Ibu Aminah", phone="081234567890")
    candidates = people_matching(name="Siti Aminah", phone="081234567890")
    assert [c.person.pk for c in candidates] == [same_phone.pk, namesake.pk]
    assert candidates[0].matched == {"phone"}


def test_a_new_index_key_keeps_old_rows_findable_until_reindexed(create, settings) -> None:  # type: ignore[no-untyped-def]
    # Given a person indexed under the current key
    new_key, old_keys = new_key_entry("i-new"), settings.INDEX_KEYS
    siti = create("Siti Aminah", nik="7372034107900042")
    # When a new index key is put first, the old one kept: still found
    with override_settings(INDEX_KEYS=f"{new_key},{old_keys}"):
        assert found(nik="7372034107900042", name="Siti") == [siti.pk]
        person_reindex(person=Person.objects.get(pk=siti.pk))
        assert Person.objects.get(pk=siti.pk).nik_index != siti.nik_index
    # Then after reindexing the old key can go
    with override_settings(INDEX_KEYS=new_key):
        assert found(nik="7372034107900042", name="Siti") == [siti.pk]


def test_reindex_people_moves_everyone_to_the_new_index_key(create, settings) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    new_key, old_keys = new_key_entry("i-new"), settings.INDEX_KEYS
    people = [
        create(f"Siti {word}", phone=f"08123456789{i}") for i, word in enumerate(["A", "B", "C"])
    ]
    with override_settings(INDEX_KEYS=f"{new_key},{old_keys}"):
        out = io.StringIO()
        call_command("reindex_people", batch_size=2, stdout=out, stderr=io.StringIO())
        assert "Re-indexed 3 people" in out.getvalue()
    with override_settings(INDEX_KEYS=new_key):
        assert found(phone="081234567891") == [people[1].pk]
        assert sorted(found(name="Siti")) == sorted(p.pk for p in people)
