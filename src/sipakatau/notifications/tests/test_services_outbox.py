"""Queuing messages: staff email beside the in-app notice, survivors only on a safe
channel, everything in the caller's transaction."""

from typing import Any

import pytest
from django.db import connection, transaction

from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import (
    Channel,
    Notification,
    OutboxMessage,
    OutboxStatus,
    RecipientKind,
)
from sipakatau.notifications.services import notify, notify_person
from sipakatau.notifications.templates import UnsafeNotification
from sipakatau.people.models import ContactChannel, Person
from tests.factories import Persona

from .conftest import PHONE_E164, make_person, opt_in

CONTEXT = {"register_number": "BHG-1/2025/0001", "link": "/kasus/1/", "unit_name": "Bahagia"}
PERSON_CONTEXT = {"register_number": "BHG-1/2025/0001", "link": "/s/abc/"}


def _with_email(persona: Persona, address: str) -> Persona:
    """A staff member with an address who opted in to email."""
    return opt_in(persona, email=address)


# --- staff ------------------------------------------------------------------------------


def test_notify_queues_an_email_for_each_user_with_an_address(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    _with_email(bahagia_caseworker, "pendamping@example.org")

    count = notify(
        users=[bahagia_caseworker.user, bahagia_volunteer.user],
        template="case_assigned",
        context=CONTEXT,
    )

    assert count == 2
    assert Notification.objects.count() == 2
    message = OutboxMessage.objects.get()
    assert message.channel == Channel.EMAIL
    assert message.recipient_kind == RecipientKind.USER
    assert message.recipient_user_id == bahagia_caseworker.user.pk
    assert message.recipient_address == "pendamping@example.org"
    assert message.template == "case_assigned"
    assert message.context == CONTEXT
    assert message.status == OutboxStatus.PENDING
    assert message.next_attempt_at is not None


def test_notify_sends_no_email_when_the_setting_is_off(
    bahagia_caseworker: Persona, settings: Any
) -> None:
    settings.SIPAKATAU_NOTIFY_EMAIL = False
    _with_email(bahagia_caseworker, "pendamping@example.org")

    notify(users=[bahagia_caseworker.user], template="case_assigned", context=CONTEXT)

    assert Notification.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_notify_sends_no_email_to_a_disabled_account(bahagia_caseworker: Persona) -> None:
    _with_email(bahagia_caseworker, "pendamping@example.org")
    bahagia_caseworker.user.is_active = False

    notify(users=[bahagia_caseworker.user], template="case_assigned", context=CONTEXT)

    assert Notification.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_the_email_address_is_stored_encrypted(bahagia_caseworker: Persona) -> None:
    _with_email(bahagia_caseworker, "pendamping@example.org")

    notify(users=[bahagia_caseworker.user], template="case_assigned", context=CONTEXT)

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_address FROM notifications_outboxmessage")
        (stored,) = cursor.fetchone()
    assert stored
    assert "pendamping" not in stored and "example.org" not in stored


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_notification_and_no_outbox_row(
    bahagia_caseworker: Persona, reachable: Person
) -> None:
    # Given a staff member with an email address and a survivor with a safe channel
    _with_email(bahagia_caseworker, "pendamping@example.org")

    # when the change that notifies them fails after queuing
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[bahagia_caseworker.user], template="case_assigned", context=CONTEXT)
        notify_person(person=reachable, template="person_request_update", context=PERSON_CONTEXT)
        assert OutboxMessage.objects.count() == 2
        raise RuntimeError("the change failed")

    # then nothing is left to send
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


def test_notify_refuses_a_person_template(bahagia_caseworker: Persona) -> None:
    with pytest.raises(UnsafeNotification):
        notify(
            users=[bahagia_caseworker.user],
            template="person_request_update",
            context=PERSON_CONTEXT,
        )


# --- survivors and reporters ------------------------------------------------------------


def test_a_person_is_messaged_on_the_channel_they_marked_safe(reachable: Person) -> None:
    message = notify_person(
        person=reachable, template="person_request_update", context=PERSON_CONTEXT
    )

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.channel == Channel.WHATSAPP
    assert message.recipient_kind == RecipientKind.PERSON
    assert message.recipient_person_id == reachable.pk
    assert message.recipient_address == PHONE_E164
    assert message.sender == "Info Layanan"
    assert message.context == PERSON_CONTEXT


def test_the_first_safe_phone_channel_the_person_listed_is_used(
    bahagia_caseworker: Persona,
) -> None:
    person = make_person(
        bahagia_caseworker,
        channels=[ContactChannel.VISIT, ContactChannel.SMS, ContactChannel.WHATSAPP],
    )

    message = notify_person(person=person, template="person_request_update", context={})

    assert message.channel == Channel.SMS


@pytest.mark.parametrize(
    ("choices", "reason"),
    [
        ({"do_not_contact": True}, "do_not_contact"),
        ({"channels": []}, "no_safe_channel"),
        ({"channels": [ContactChannel.PHONE, ContactChannel.VISIT]}, "no_safe_channel"),
        ({"channels": [ContactChannel.THROUGH_SOMEONE]}, "no_safe_channel"),
        ({"channels": [ContactChannel.SMS], "phone": None}, "no_phone"),
    ],
)
def test_a_message_without_a_safe_channel_is_refused_and_audited(
    bahagia_caseworker: Persona, choices: dict[str, Any], reason: str
) -> None:
    # Given a person who gave no safe way to reach them by message
    person = make_person(bahagia_caseworker, **choices)
    before = AuditEvent.objects.count()

    # when a message to them is queued
    message = notify_person(person=person, template="person_request_update", context=PERSON_CONTEXT)

    # then it is kept as refused, with nowhere to go, and the refusal is audited
    message.refresh_from_db()
    assert message.status == OutboxStatus.REFUSED
    assert message.recipient_address is None
    assert message.channel == ""
    assert message.last_error == reason
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert event.action == "notification.refused"
    assert event.object_type == "notifications.outboxmessage"
    assert event.object_id == str(message.pk)
    assert event.fields == [reason]


def test_a_refusal_is_logged_without_the_number(
    bahagia_caseworker: Persona, caplog: pytest.LogCaptureFixture
) -> None:
    person = make_person(bahagia_caseworker, do_not_contact=True, phone="081299887766")

    notify_person(person=person, template="person_request_update", context=PERSON_CONTEXT)

    assert "do_not_contact" in caplog.text
    assert "81299887766" not in caplog.text


def test_a_person_message_refuses_identifying_variables(reachable: Person) -> None:
    with pytest.raises(UnsafeNotification):
        notify_person(
            person=reachable,
            template="person_request_update",
            context={"register_number": "x", "name": "Siti"},
        )
    with pytest.raises(UnsafeNotification):
        notify_person(person=reachable, template="case_assigned", context={})
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "sender", ["Layanan Korban Kekerasan", "Unit PPA", "LBK-KK Bahagia", "Bahagia", ""]
)
def test_a_sender_that_gives_the_service_away_is_refused(reachable: Person, sender: str) -> None:
    # (the unit of the persona fixtures is "LBK-KK Bahagia Kelurahan Watang Soreang")
    with pytest.raises(UnsafeNotification):
        notify_person(
            person=reachable,
            template="person_request_update",
            context=PERSON_CONTEXT,
            sender_name=sender,
        )


def test_a_neutral_sender_can_be_chosen(reachable: Person) -> None:
    message = notify_person(
        person=reachable,
        template="person_request_update",
        context=PERSON_CONTEXT,
        sender_name="Info Kelurahan",
    )

    assert message.sender == "Info Kelurahan"


def test_the_same_event_queues_one_message(reachable: Person) -> None:
    first = notify_person(
        person=reachable,
        template="person_request_update",
        context=PERSON_CONTEXT,
        dedup_key="referral:7:accepted",
    )
    again = notify_person(
        person=reachable,
        template="person_request_update",
        context=PERSON_CONTEXT,
        dedup_key="referral:7:accepted",
    )

    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    # Only a hash of the caller's key is kept and sent to the gateway.
    assert "referral" not in first.dedup_key and len(first.dedup_key) == 64
