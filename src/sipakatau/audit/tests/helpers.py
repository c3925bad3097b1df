"""Tampering with the audit trail on purpose, for tests only.

The append-only triggers (migration 0002) refuse UPDATE and DELETE, so a test that plays
the attacker first drops them — exactly what an attacker with the database owner's
password would do — and puts them back afterwards. The SQL comes from the migration
itself, so this helper can never drift from what production runs.
"""

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

_migration = importlib.import_module("sipakatau.audit.migrations.0002_append_only")
_no_replace = importlib.import_module("sipakatau.audit.migrations.0005_refuse_replace")
_CREATE = {
    "sqlite": [*_migration.SQLITE, *_no_replace.SQLITE],
    "postgresql": _migration.POSTGRESQL,
}
_DROP = {
    "sqlite": [*_migration.SQLITE_REVERSE, *_no_replace.SQLITE_REVERSE],
    "postgresql": _migration.POSTGRESQL_REVERSE,
}
TABLE = "audit_auditevent"


def _run(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]:
            cursor.execute(statement)


def drop_triggers() -> None:
    _run(_DROP)


def create_triggers() -> None:
    _run(_CREATE)


@contextmanager
def triggers_dropped() -> Iterator[None]:
    drop_triggers()
    try:
        yield
    finally:
        create_triggers()


def sql(statement: str, params: Sequence[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rows() -> list[tuple[int, int]]:
    """(seq, id) of every event, in seq order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, id FROM {TABLE} ORDER BY seq")  # noqa: S608
        return [(int(seq), int(pk)) for seq, pk in cursor.fetchall()]


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Stop the clock for the audit trail, whose writer reads django.utils.timezone.now."""
    original = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = original
