"""Canary: a person recorded through the normal services leaves no plaintext in the
database — not in the SQLite file, not in a PostgreSQL dump."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection

from sipakatau.accounts.models import Membership, Organisation, Role, User
from sipakatau.audit.models import AuditEvent
from sipakatau.people.models import Person, Sex
from sipakatau.people.services import person_create
from tests.canary import CANARY, postgresql_dump, scan, sqlite_snapshot
from tests.factories import Persona


def plant(actor: Membership) -> Person:
    return person_create(
        actor=actor,
        name=CANARY.name,
        sex=Sex.FEMALE,
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        address=CANARY.address,
        birth_date=date(1990, 7, 1),
    ).person


def test_the_scanner_finds_what_it_should() -> None:
    # The helper itself must work, or every "0 hits" below proves nothing.
    blob = ("x" * 10 + CANARY.name.upper() + "y").encode("utf-16-le")
    hits = scan(CANARY.needles(), blob, f"log: {CANARY.phone.replace('0', '+62', 1)}")
    assert {hit.needle for hit in hits} >= {CANARY.name, "Canarywati", "Zzyzx", "+6281299887766"}
    assert scan(CANARY.needles(), b"nothing here", "nor here") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file")
def test_no_plaintext_in_the_sqlite_file(bahagia_caseworker: Persona) -> None:
    person = plant(bahagia_caseworker.membership)
    snapshot = sqlite_snapshot(connection)
    # The canary is really in there, encrypted: the snapshot is not just empty.
    assert str(person.nik_index).encode() in snapshot
    assert scan(CANARY.needles(), snapshot) == []


@pytest.fixture
def committed_actor(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[Membership]:
    """An acting membership for a test that commits (pg_dump sees committed data only).

    Not the persona fixtures: their rows would sit uncommitted in the test transaction and
    the dump would miss them or wait for them. The membership is not saved: the service
    only reads its role and names. Afterwards every committed row is removed again; the
    append-only audit trigger is suspended for that clean-up only (test database owner).
    """
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        user = User(username="canary.pendamping")
        actor = Membership(
            user=user, organisation=Organisation(name="Canary"), role=Role.CASEWORKER
        )
        try:
            yield actor
        finally:
            Person.objects.filter(pk__in=_planted).delete()
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [last_seq])
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            _planted.clear()


_planted: list[int] = []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL dump")
def test_no_plaintext_in_a_postgresql_dump(committed_actor: Membership) -> None:
    person = plant(committed_actor)
    _planted.append(person.pk)
    dump = postgresql_dump(connection)
    assert str(person.nik_index).encode() in dump
    assert scan(CANARY.needles(), dump) == []
