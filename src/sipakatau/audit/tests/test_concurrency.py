"""Many requests writing audit events at once still make one unbroken chain."""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, audit_record
from sipakatau.audit.verify import verify_chain

THREADS = 8
EVENTS_PER_THREAD = 25


def _write_events(worker: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for n in range(EVENTS_PER_THREAD):
            audit_record(
                action="case.viewed",
                actor=Actor(user_id=worker, label=f"worker{worker}"),
                object_type="cases.case",
                object_id=n,
            )
    except BaseException as error:
        errors.append(error)
    finally:
        connections.close_all()


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """A database that each thread can open on its own, as requests do in production.

    pytest-django keeps the SQLite test database in memory, shared between threads through
    SQLite's shared cache; there a second writer fails at once with "database table is
    locked" instead of waiting, which production (a file, WAL) never does. So for this
    test the in-memory database is copied into a file and every new connection opens that.
    (The root conftest lifts the append-only triggers for the clean-up afterwards.)
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    connection.ensure_connection()
    in_memory, in_memory_name = connection.connection, connection.settings_dict["NAME"]
    path = tmp_path / "audit-threads.sqlite3"
    with sqlite3.connect(path) as copy:
        in_memory.backup(copy)
    copy.close()
    # Django never closes an in-memory connection (that would drop the database), so it
    # is set aside by hand and put back afterwards.
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = in_memory_name
        connection.connection = in_memory


def test_concurrent_writers_make_one_intact_chain(shared_database: None) -> None:
    # Given several threads released at the same moment
    before = AuditEvent.objects.count()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    workers = [
        threading.Thread(target=_write_events, args=(worker, start, errors))
        for worker in range(THREADS)
    ]

    # when each writes its events through its own database connection
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then every event is there, in one chain, with no seq used twice
    assert errors == []
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert len(seqs) == before + THREADS * EVENTS_PER_THREAD
    assert seqs == list(range(1, len(seqs) + 1))
    result = verify_chain()
    assert result.ok, result.failure
    assert result.count == len(seqs)
