"""Reads of the statistics from a read replica, when a hub has one.

A province or national hub answers its dashboards from a PostgreSQL replica
(``SIPAKATAU_REPLICA_DATABASE_URL``), so that aggregating a city's months never slows the
caseworkers writing on the primary. Only the code that asks for it reads there, inside
``reading_reports()``; everything else, and every write, stays on ``default``.

A read inside a transaction on ``default`` stays there as well: the transaction may have
written what it is about to read, and the replica has not seen it yet.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reports: ContextVar[bool] = ContextVar("sipakatau_reading_reports", default=False)


@contextmanager
def reading_reports() -> Iterator[None]:
    """Send this block's reads to the replica, if there is one. Lagging by a moment is
    acceptable for what is read here; a decision about one person's data never is."""
    token = _reports.set(True)
    try:
        yield
    finally:
        _reports.reset(token)


@contextmanager
def reading_primary() -> Iterator[None]:
    """Inside ``reading_reports``, read this block from the primary after all."""
    token = _reports.set(False)
    try:
        yield
    finally:
        _reports.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _in_transaction() -> bool:
    """Inside a transaction of the code's own on the primary. A test case's wrapping
    transaction is not one (Django's own check of ``durable`` skips it the same way)."""
    blocks = connections["default"].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _reports.get() and replica_configured() and not _in_transaction():
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there is the same row.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A replica follows the primary's schema through replication, never by migrate.
        return db != REPLICA
