"""The outbox worker command: one pass with --once, or a loop that stops on SIGTERM."""

import io
import os
import signal
import threading
from types import FrameType

import pytest
from django.core.management import call_command

from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.services import notify_person
from sipakatau.people.models import Person

from .support import FakeGateway

CONTEXT = {"register_number": "BHG-1/2025/0001"}


class _SignalLeaked(Exception):
    pass


def _leaked(signum: int, frame: FrameType | None) -> None:
    raise _SignalLeaked


def test_once_sends_what_is_due_and_says_how_many(reachable: Person, gateway: FakeGateway) -> None:
    notify_person(person=reachable, template="person_request_update", context=CONTEXT)
    out = io.StringIO()

    call_command("run_outbox", "--once", stdout=out)
    call_command("run_outbox", "--once", stdout=out)

    assert out.getvalue().splitlines() == ["Sent 1 message(s).", "Sent 0 message(s)."]
    assert len(gateway.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_the_loop_delivers_and_stops_cleanly_on_sigterm(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a queued message, and a SIGTERM that will come while the loop runs (a handler
    # of our own catches it if the command failed to install one)
    message = notify_person(person=reachable, template="person_request_update", context=CONTEXT)
    previous = signal.signal(signal.SIGTERM, _leaked)
    timer = threading.Timer(0.5, os.kill, args=(os.getpid(), signal.SIGTERM))
    out = io.StringIO()

    # when the loop runs
    try:
        timer.start()
        call_command("run_outbox", "--interval", "0.05", stdout=out)
        # then it ends by itself, its handler removed again
        assert signal.getsignal(signal.SIGTERM) is _leaked
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, previous)

    assert out.getvalue().splitlines() == ["Sent 1 message(s).", "Stopped."]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert OutboxMessage.objects.count() == 1
