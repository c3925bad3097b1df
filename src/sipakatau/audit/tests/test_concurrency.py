"""Many requests writing audit events at once still make one unbroken chain."""

import threading

from django.db import connections

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, log
from sipakatau.audit.verify import verify_chain

THREADS = 8
EVENTS_PER_THREAD = 25


def _write_events(worker: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for n in range(EVENTS_PER_THREAD):
            log(Actor(user_id=worker, label=f"worker{worker}"), "case.viewed", ("cases.case", n))
    except BaseException as error:
        errors.append(error)
    finally:
        connections.close_all()


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
