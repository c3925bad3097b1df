"""SMS and WhatsApp through a fake gateway on loopback: retries, backoff, permanent
failures, and no duplicate when an answer is lost."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.delivery import message_text
from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.services import notify_person
from sipakatau.notifications.worker import BACKOFF_CAP, MAX_ATTEMPTS, backoff, deliver_due
from sipakatau.people.models import Person
from sipakatau.people.profile import person_set_profile
from tests.factories import Persona

from .conftest import PHONE_E164
from .support import FakeGateway

CONTEXT = {"register_number": "BHG-1/2025/0001", "link": "/s/abc/"}


def _queue(person: Person) -> OutboxMessage:
    return notify_person(person=person, template="person_request_update", context=CONTEXT)


def test_a_message_is_posted_to_the_gateway_with_token_and_idempotency_key(
    reachable: Person, gateway: FakeGateway
) -> None:
    message = _queue(reachable)

    assert deliver_due() == 1

    (request,) = gateway.requests
    assert request["headers"]["authorization"] == "Bearer test-gateway-token"
    assert request["headers"]["idempotency-key"] == message.dedup_key
    assert request["headers"]["content-type"].startswith("application/json")
    assert json.loads(request["body"]) == {
        "to": PHONE_E164,
        "message": message_text(message),
        "sender": "Info Layanan",
        "channel": "whatsapp",
    }
    assert "BHG-1/2025/0001" in message_text(message)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_a_sent_message_is_never_sent_again(reachable: Person, gateway: FakeGateway) -> None:
    _queue(reachable)
    deliver_due()

    assert deliver_due(now=timezone.now() + timedelta(days=30)) == 0

    assert len(gateway.requests) == 1


def test_a_server_error_is_retried_after_the_backoff(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a gateway that fails the first two requests
    gateway.script = ["500", "503"]
    message = _queue(reachable)
    now = timezone.now()

    # when the worker runs at each retry time
    assert deliver_due(now=now) == 0
    assert deliver_due(now=now + timedelta(minutes=1)) == 0
    message.refresh_from_db()
    assert message.last_error == "HTTP 503"
    assert message.next_attempt_at == now + timedelta(minutes=1) + timedelta(minutes=2)
    assert deliver_due(now=now + timedelta(minutes=3)) == 1

    # then it is delivered once, on the third attempt
    assert len(gateway.requests) == 3
    assert gateway.delivered == {message.dedup_key: 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 3, "")


def test_no_duplicate_when_the_gateway_got_the_message_but_the_answer_timed_out(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a gateway that takes the message and then answers too late
    gateway.script = ["timeout"]
    message = _queue(reachable)
    now = timezone.now()

    # when the first attempt times out and the retry goes through
    assert deliver_due(now=now) == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error in {"TimeoutError", "timeout"}
    assert deliver_due(now=now + timedelta(minutes=1)) == 1

    # then the gateway saw the same key twice and delivered the message once
    keys = [request["headers"]["idempotency-key"] for request in gateway.requests]
    assert keys == [message.dedup_key, message.dedup_key]
    assert gateway.delivered == {message.dedup_key: 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@pytest.mark.parametrize("status", ["400", "401", "403", "404", "422"])
def test_a_client_error_fails_the_message_without_retrying(
    reachable: Person, gateway: FakeGateway, status: str
) -> None:
    gateway.script = [status]
    message = _queue(reachable)

    assert deliver_due() == 0
    assert deliver_due(now=timezone.now() + timedelta(days=1)) == 0

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == f"HTTP {status}"
    assert message.next_attempt_at is None
    assert len(gateway.requests) == 1


def test_too_many_requests_is_retried(reachable: Person, gateway: FakeGateway) -> None:
    gateway.script = ["429"]
    message = _queue(reachable)

    deliver_due()

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING


def test_the_backoff_doubles_from_one_minute_and_is_capped() -> None:
    waits = [backoff(attempt) for attempt in range(1, 10)]

    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert max(waits) == BACKOFF_CAP


def test_a_message_fails_after_the_last_attempt_on_the_backoff_schedule(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a gateway that is down for good
    gateway.script = ["500"] * 20
    message = _queue(reachable)
    moment = timezone.now()
    schedule = []

    # when the worker runs whenever the message is due
    while True:
        deliver_due(now=moment)
        message.refresh_from_db()
        if message.status != OutboxStatus.PENDING:
            break
        assert message.next_attempt_at is not None
        # (not a moment earlier)
        assert deliver_due(now=message.next_attempt_at - timedelta(seconds=1)) == 0
        schedule.append(message.next_attempt_at - moment)
        moment = message.next_attempt_at

    # then it was tried MAX_ATTEMPTS times with the doubling waits, and then given up
    assert schedule == [backoff(attempt) for attempt in range(1, MAX_ATTEMPTS)]
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert len(gateway.requests) == MAX_ATTEMPTS
    assert deliver_due(now=moment + timedelta(days=1)) == 0
    assert len(gateway.requests) == MAX_ATTEMPTS


def test_a_missing_gateway_fails_the_message(reachable: Person, settings: Any) -> None:
    settings.SIPAKATAU_SMS_GATEWAY_URL = ""
    message = _queue(reachable)

    deliver_due()

    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        OutboxStatus.FAILED,
        "gateway not configured",
    )


def test_a_person_who_withdrew_their_channel_is_not_sent_a_queued_message(
    bahagia_caseworker: Persona, reachable: Person, gateway: FakeGateway
) -> None:
    # Given a message queued while WhatsApp was safe
    message = _queue(reachable)

    # when the person asks not to be contacted before it goes out
    person_set_profile(actor=bahagia_caseworker.membership, person=reachable, do_not_contact=True)
    deliver_due()

    # then nothing reaches the gateway, and the refusal is audited
    assert gateway.requests == []
    message.refresh_from_db()
    assert (message.status, message.last_error) == (OutboxStatus.REFUSED, "do_not_contact")
    assert AuditEvent.objects.filter(
        action="notification.refused", object_id=str(message.pk)
    ).exists()


def test_a_claim_left_by_a_dead_worker_is_taken_back_after_the_lease(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a message a worker claimed and then died with
    message = _queue(reachable)
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=1, next_attempt_at=now + timedelta(minutes=10)
    )

    # when other workers run, during the lease and after it
    assert deliver_due(now=now) == 0
    assert deliver_due(now=now + timedelta(minutes=10)) == 1

    # then it is sent once more, with the same key for the gateway to dedupe
    assert gateway.delivered == {message.dedup_key: 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
