"""Staff email through a real SMTP conversation with a server on loopback."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.formats import date_format

from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.services import notify, notify_person
from sipakatau.notifications.templates import reveals
from sipakatau.notifications.worker import deliver_due
from sipakatau.people.models import Person
from tests.factories import Persona

from .conftest import opt_in
from .support import FakeGateway, SmtpServer, free_port

CONTEXT = {"register_number": "BHG-1/2025/0001", "link": "/kasus/1/", "unit_name": "Bahagia"}


def _queue(persona: Persona, address: str = "pendamping@example.org") -> OutboxMessage:
    opt_in(persona, email=address)
    notify(users=[persona.user], template="case_assigned", context=CONTEXT)
    return OutboxMessage.objects.get()


def test_an_email_is_delivered_over_smtp_with_the_rendered_text(
    bahagia_caseworker: Persona, smtp: SmtpServer, settings: Any
) -> None:
    # Given a queued staff email and a base URL for links
    settings.SIPAKATAU_BASE_URL = "https://sipakatau.example.go.id"
    message = _queue(bahagia_caseworker)

    # when the worker runs
    assert deliver_due() == 1

    # then the SMTP server got one email for that address, with the text made now
    assert smtp.sink.recipients == [["pendamping@example.org"]]
    email = message_from_bytes(smtp.sink.received[0], policy=default_policy)
    body = email.get_body().get_content()  # type: ignore[union-attr]
    # (a neutral text: the reference and the notification list, not the unit, not what
    # happened, not the case's own path)
    assert "BHG-1/2025/0001" in body
    assert "https://sipakatau.example.go.id/pemberitahuan/" in body
    assert "/kasus/" not in body and "Bahagia" not in body
    assert reveals(body.replace("sipakatau.example.go.id", "")) == []
    assert email["Message-ID"] == f"<{message.dedup_key}@sipakatau.invalid>"
    assert "BHG" not in email["Subject"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""


def test_a_temporary_smtp_refusal_is_retried_later(
    bahagia_caseworker: Persona, smtp: SmtpServer
) -> None:
    # Given a mail server that answers "try later" once
    smtp.sink.answers = ["451 4.3.0 Try again later"]
    message = _queue(bahagia_caseworker)
    now = timezone.now()

    # when the worker runs, then again once the backoff has passed
    assert deliver_due(now=now) == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error == "SMTP 451"
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert deliver_due(now=now + timedelta(seconds=59)) == 0
    assert deliver_due(now=now + timedelta(minutes=1)) == 1

    # then it arrives once
    assert len(smtp.sink.received) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)


def test_a_permanent_smtp_refusal_fails_at_once(
    bahagia_caseworker: Persona, smtp: SmtpServer
) -> None:
    smtp.sink.answers = ["550 5.1.1 No such mailbox"]
    message = _queue(bahagia_caseworker)

    assert deliver_due() == 0

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == "SMTP 550"
    assert message.next_attempt_at is None
    assert smtp.sink.received == []


def test_an_unreachable_mail_server_is_retried_and_the_error_names_no_address(
    bahagia_caseworker: Persona, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    message = _queue(bahagia_caseworker)

    assert deliver_due() == 0

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error == "ConnectionRefusedError"
    assert "example.org" not in message.last_error


def test_the_due_time_is_written_in_the_recipients_time_zone(
    reachable: Person, gateway: FakeGateway
) -> None:
    # Given a reminder of an appointment at 01:00 UTC (09:00 in Parepare, WITA); a staff
    # copy outside the app carries no time at all, so the person's message shows it
    due = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
    context = {"register_number": "R-1", "link": "/s/abc/", "due_at": due}
    notify_person(person=reachable, template="person_appointment", context=context)

    # when it is sent by the worker, which runs in UTC
    assert deliver_due() == 1

    # then the message shows the person's local time
    (body,) = gateway.bodies
    with translation.override("id"):
        local = date_format(due.astimezone(ZoneInfo("Asia/Makassar")), "DATETIME_FORMAT")
        utc = date_format(due, "DATETIME_FORMAT")
    assert local != utc
    assert local in body["message"]


def test_the_system_check_refuses_a_sender_that_gives_the_service_away(settings: Any) -> None:
    from sipakatau.notifications.checks import check_neutral_sender

    assert check_neutral_sender() == []
    settings.SIPAKATAU_NEUTRAL_SENDER = "Layanan Korban Kekerasan"
    (error,) = check_neutral_sender()
    assert error.id == "sipakatau.E101"


def test_an_email_to_an_account_disabled_since_it_was_queued_is_not_sent(
    bahagia_caseworker: Persona, smtp: SmtpServer
) -> None:
    # Given a queued staff email, and the account disabled before the worker runs (the
    # mailbox may now belong to someone else)
    message = _queue(bahagia_caseworker)
    bahagia_caseworker.user.is_active = False
    bahagia_caseworker.user.save(update_fields=["is_active"])

    # when the worker runs
    assert deliver_due() == 0

    # then nothing reached the mail server, and the message is closed for good
    assert smtp.sink.received == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.next_attempt_at is None
    assert message.last_error == "recipient account disabled"
