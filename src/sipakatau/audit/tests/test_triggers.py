"""The database itself refuses to rewrite or remove audit events."""

import pytest
from django.db import DatabaseError, connection, transaction

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import SYSTEM, log
from sipakatau.audit.verify import verify_chain

from .helpers import TABLE, sql

pytestmark = pytest.mark.django_db


def test_it_refuses_an_update() -> None:
    event = log(SYSTEM, "case.viewed", ("cases.case", 1))

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["case.nothing", event.pk])  # noqa: S608

    assert AuditEvent.objects.get(pk=event.pk).action == "case.viewed"


def test_it_refuses_an_update_through_the_orm() -> None:
    event = log(SYSTEM, "case.viewed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")


def test_it_refuses_a_delete() -> None:
    event = log(SYSTEM, "case.viewed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608

    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert verify_chain().ok


def test_it_refuses_emptying_the_table() -> None:
    log(SYSTEM, "case.viewed")
    statement = f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}"  # noqa: S608

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)

    assert AuditEvent.objects.exists()


def test_it_refuses_a_replace_of_an_event() -> None:
    """SQLite's INSERT OR REPLACE deletes the old row without firing delete triggers unless
    recursive triggers are on (they are, see settings); PostgreSQL's ON CONFLICT DO
    UPDATE fires the update trigger."""
    event = log(SYSTEM, "case.viewed")
    columns = [field.column for field in AuditEvent._meta.concrete_fields]
    chosen = ", ".join("%s" if column == "action" else column for column in columns)
    names = ", ".join(columns)
    if connection.vendor == "sqlite":
        statement = (
            f"INSERT OR REPLACE INTO {TABLE} ({names}) SELECT {chosen} FROM {TABLE} WHERE id = %s"  # noqa: S608
        )
    else:
        statement = (
            f"INSERT INTO {TABLE} ({names}) SELECT {chosen} FROM {TABLE} WHERE id = %s "  # noqa: S608
            "ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action"
        )

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement, ["case.nothing", event.pk])

    assert AuditEvent.objects.get(pk=event.pk).action == "case.viewed"
    assert verify_chain().ok


@pytest.mark.parametrize("key", ["id", "seq"])
def test_a_replace_is_refused_even_on_a_connection_without_recursive_triggers(key: str) -> None:
    """The app's connections turn SQLite's recursive triggers on, so the delete trigger
    sees an INSERT OR REPLACE; the ``sqlite3`` shell or another program does not. A
    trigger before the insert refuses an event whose id or sequence number is taken, on
    any connection. (PostgreSQL: ON CONFLICT DO UPDATE fires the update trigger, above.)"""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's INSERT OR REPLACE")
    first, second = log(SYSTEM, "case.viewed"), log(SYSTEM, "case.closed")
    columns = [field.column for field in AuditEvent._meta.concrete_fields]
    # A copy of the second event that takes the first's id, or (new id) its sequence number.
    chosen = ", ".join(
        "%s" if column == key else "NULL" if column == "id" else column for column in columns
    )
    statement = (
        f"INSERT OR REPLACE INTO {TABLE} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {chosen} FROM {TABLE} WHERE id = %s"
    )
    sql("PRAGMA recursive_triggers = OFF")
    try:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement, [getattr(first, key), second.pk])
    finally:
        sql("PRAGMA recursive_triggers = ON")

    assert AuditEvent.objects.get(pk=first.pk).action == "case.viewed"
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok
