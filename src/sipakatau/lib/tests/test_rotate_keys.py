"""rotate_keys: every value under the newest key, in batches that survive being killed."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from sipakatau.lib import crypto
from sipakatau.lib.blind_index import nik_index, phone_index
from sipakatau.lib.crypto import DecryptionError, key_id_of, new_key_entry
from sipakatau.lib.management.commands.rotate_keys import encrypted_tables
from sipakatau.people.models import Person
from tests.factories import Persona

OLD = new_key_entry("k2024")
NEW = new_key_entry("k2025")
COLUMNS = ["name", "nik", "kk_number", "phone", "address", "birth_date"]


def key_ids() -> list[str | None]:
    """The key id of every encrypted value in every table, read raw."""
    ids = []
    with connection.cursor() as cursor:
        for table in encrypted_tables():
            columns = ", ".join(table.columns)
            cursor.execute(f"SELECT {columns} FROM {table.model._meta.db_table}")  # noqa: S608
            ids += [
                key_id_of(value) for row in cursor.fetchall() for value in row if value is not None
            ]
    return ids


def rotate(**options: object) -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def people(db: None) -> list[Person]:
    with override_settings(FIELD_KEYS=OLD):
        return [
            Person.objects.create(
                name=f"Orang {i}",
                nik=f"73720341079{i:05d}",
                nik_index=nik_index(f"73720341079{i:05d}"),
                phone=None if i % 3 else "+6281234567890",
                phone_index=None if i % 3 else phone_index("+6281234567890"),
                address=f"Jalan {i}",
                birth_date=date(1990, 1, 1 + i % 28),
            )
            for i in range(25)
        ]


def test_it_finds_every_encrypted_field_through_the_app_registry() -> None:
    tables = {t.model._meta.label: [f.label for f in t.fields] for t in encrypted_tables()}  # type: ignore[attr-defined]
    assert {f"people.Person.{column}" for column in COLUMNS} <= set(tables["people.Person"])


def test_after_rotation_the_old_key_can_go(people: list[Person]) -> None:
    values = len(key_ids())
    with override_settings(FIELD_KEYS=f"{NEW},{OLD}"):
        output = rotate(batch_size=7)
    assert set(key_ids()) == {"k2025"}
    assert f"Re-encrypted {values} values" in output
    assert "0 values still under older keys" in output

    with override_settings(FIELD_KEYS=NEW):
        for before in people:
            after = Person.objects.get(pk=before.pk)
            assert (after.name, after.nik, after.phone, after.address, after.birth_date) == (
                before.name,
                before.nik,
                before.phone,
                before.address,
                before.birth_date,
            )


def test_without_rotation_the_old_key_cannot_go(people: list[Person]) -> None:
    with override_settings(FIELD_KEYS=NEW), pytest.raises(DecryptionError):
        Person.objects.get(pk=people[0].pk)


def test_a_rerun_finds_nothing_to_do(people: list[Person]) -> None:
    with override_settings(FIELD_KEYS=f"{NEW},{OLD}"):
        rotate()
        assert "Re-encrypted 0 values" in rotate()


def test_a_limited_run_stops_and_the_next_run_carries_on(people: list[Person]) -> None:
    with override_settings(FIELD_KEYS=f"{NEW},{OLD}"):
        output = rotate(batch_size=5, max_batches=2)
        assert "run the command again" in output
        ids = key_ids()
        assert ids.count("k2025") > 0 and ids.count("k2024") > 0
        rotate(batch_size=5)
    assert set(key_ids()) == {"k2025"}


def test_a_run_killed_midway_keeps_finished_batches_and_the_rerun_finishes(
    people: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a rotation that dies half-way (in its third batch of five: 25 rows, 5 a batch)
    total = len(key_ids())
    real = crypto.KeyRing.reencrypt
    calls = {"n": 0}

    def dying(self: crypto.KeyRing, token: str, *, label: str) -> str:
        calls["n"] += 1
        if calls["n"] > total // 2:
            raise KeyboardInterrupt
        return real(self, token, label=label)

    monkeypatch.setattr(crypto.KeyRing, "reencrypt", dying)
    with override_settings(FIELD_KEYS=f"{NEW},{OLD}"):
        with pytest.raises(KeyboardInterrupt):
            rotate(batch_size=5)
        # Then the batches before it are committed and the one it died in is undone
        done = key_ids().count("k2025")
        assert 0 < done < calls["n"] - 1 < total
        # When it runs again, it finishes
        monkeypatch.setattr(crypto.KeyRing, "reencrypt", real)
        rotate(batch_size=5)
    # And with the old key removed every value still decrypts
    assert set(key_ids()) == {"k2025"}
    with override_settings(FIELD_KEYS=NEW):
        assert [p.name for p in Person.objects.order_by("pk")] == [p.name for p in people]


def test_a_missing_key_stops_it_with_the_row_and_field_named(people: list[Person]) -> None:
    with override_settings(FIELD_KEYS=NEW), pytest.raises(CommandError) as raised:
        rotate()
    assert f"people.Person.name of row {people[0].pk}" in str(raised.value)
    assert "Orang" not in str(raised.value)


def test_rotation_keeps_the_row_seals_of_the_rows_it_re_encrypts(
    bahagia_caseworker: Persona,
) -> None:
    from sipakatau.audit.seals import verify_seals
    from sipakatau.cases.codes import ConsentMethod, ConsentPurpose
    from sipakatau.cases.services import care
    from tests.builders import add_party, open_case

    with override_settings(FIELD_KEYS=OLD):
        worker = bahagia_caseworker.membership
        case = open_case(worker)
        victim = add_party(worker, case)
        care.consent_record(
            actor=worker,
            case=case,
            subject=victim,
            purpose=ConsentPurpose.STATISTICS,
            method=ConsentMethod.VERBAL_WITNESSED,
            witness_name="Ibu RT",
        )
        assert verify_seals().mismatches == []

    with override_settings(FIELD_KEYS=f"{NEW},{OLD}"):
        rotate()
        # The consent's witness name is stored anew under the new key, and still sealed.
        assert verify_seals().mismatches == []
