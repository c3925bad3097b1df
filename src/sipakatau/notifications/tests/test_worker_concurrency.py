"""Two workers at once deliver each message exactly once: the claim is exclusive."""

import threading

from django.db import connections

from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.services import notify_person
from sipakatau.notifications.worker import deliver_due
from sipakatau.people.models import ContactChannel
from tests.factories import Persona

from .conftest import make_person
from .support import FakeGateway

MESSAGES = 24
WORKERS = 3


def _work(start: threading.Barrier, results: list[int], errors: list[BaseException]) -> None:
    try:
        start.wait()
        results.append(deliver_due())
    except BaseException as error:
        errors.append(error)
    finally:
        connections.close_all()


def test_concurrent_workers_send_each_message_once(
    shared_database: None, bahagia_caseworker: Persona, gateway: FakeGateway
) -> None:
    # Given many queued messages and a gateway slow enough for the workers to overlap
    person = make_person(bahagia_caseworker, channels=[ContactChannel.SMS])
    for n in range(MESSAGES):
        notify_person(
            person=person,
            template="person_request_update",
            context={"register_number": f"R-{n}"},
            dedup_key=f"test:{n}",
        )
    gateway.delay = 0.01
    start = threading.Barrier(WORKERS)
    results: list[int] = []
    errors: list[BaseException] = []
    workers = [
        threading.Thread(target=_work, args=(start, results, errors)) for _ in range(WORKERS)
    ]

    # when several workers, each with its own connection, run at the same moment
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    # then every message went to the gateway exactly once, sent by exactly one worker
    assert errors == []
    assert sum(results) == MESSAGES
    keys = [request["headers"]["idempotency-key"] for request in gateway.requests]
    assert len(keys) == MESSAGES
    assert len(set(keys)) == MESSAGES
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
