"""Copies outside the app are opt-in, per person (issue 16): nothing without a choice,
email and/or SMS or WhatsApp when asked for, and a change of mind holds even for a
message already queued."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import (
    Channel,
    DeliveryPreference,
    OutboxMessage,
    OutboxStatus,
    PhoneChannel,
)
from sipakatau.notifications.services import delivery_preference_set, notify
from sipakatau.notifications.templates import reveals
from sipakatau.notifications.worker import deliver_due
from tests.factories import Persona

from .conftest import PHONE, PHONE_E164, opt_in
from .support import FakeGateway, SmtpServer

PAGE = reverse("notifications:delivery_preferences")
CONTEXT = {
    "register_number": "BHG-2/2026/0004",
    "link": "/kasus/1/",
    "unit_name": "UPTD PPA Kota Parepare",
}


def _tell(persona: Persona, template: str = "case_assigned") -> None:
    notify(users=[persona.user], template=template, context=CONTEXT)


def test_nothing_leaves_the_app_without_a_choice(bahagia_caseworker: Persona) -> None:
    # Given a staff member with an email address who chose nothing
    bahagia_caseworker.user.email = "pendamping@example.org"
    bahagia_caseworker.user.save(update_fields=["email"])

    _tell(bahagia_caseworker)

    assert not OutboxMessage.objects.exists()


def test_an_email_goes_to_who_asked_for_it_only(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    opt_in(bahagia_caseworker)
    coordinator.user.email = "koordinator@example.org"
    coordinator.user.save(update_fields=["email"])

    notify(
        users=[bahagia_caseworker.user, coordinator.user], template="case_assigned", context=CONTEXT
    )

    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient_user_id) == (
        Channel.EMAIL,
        bahagia_caseworker.user.pk,
    )


def test_whatsapp_goes_through_the_outbox_with_a_neutral_text(
    bahagia_caseworker: Persona, gateway: FakeGateway, settings: Any
) -> None:
    # Given a caseworker who asked for WhatsApp only
    settings.SIPAKATAU_BASE_URL = "https://layanan.example.go.id"
    opt_in(bahagia_caseworker, email=None, phone_channel=PhoneChannel.WHATSAPP, phone=PHONE)

    # when a notice about a referral from a violence service is delivered
    _tell(bahagia_caseworker, "referral_received")
    assert deliver_due() == 1

    # then WhatsApp carried the reference and a neutral link, from the neutral sender
    (body,) = gateway.bodies
    assert body["channel"] == "whatsapp"
    assert body["to"] == PHONE_E164
    assert body["sender"] == "Info Layanan"
    assert "BHG-2/2026/0004" in body["message"]
    assert "UPTD" not in body["message"] and "/kasus/" not in body["message"]
    text = body["message"].replace("https://layanan.example.go.id/pemberitahuan/", "")
    assert reveals(text) == []


def test_a_change_of_mind_holds_for_a_message_already_queued(
    bahagia_caseworker: Persona, smtp: SmtpServer
) -> None:
    opt_in(bahagia_caseworker)
    _tell(bahagia_caseworker)
    delivery_preference_set(
        actor=bahagia_caseworker.membership, email=False, phone_channel="", phone=""
    )

    assert deliver_due() == 0

    assert smtp.sink.received == []
    message = OutboxMessage.objects.get()
    assert (message.status, message.last_error) == (OutboxStatus.FAILED, "recipient opted out")


def test_email_needs_an_address_and_a_phone_channel_a_number(bahagia_caseworker: Persona) -> None:
    actor = bahagia_caseworker.membership
    with pytest.raises(ValidationError) as no_address:
        delivery_preference_set(actor=actor, email=True, phone_channel="", phone="")
    assert "email" in no_address.value.message_dict
    with pytest.raises(ValidationError) as no_number:
        delivery_preference_set(actor=actor, email=False, phone_channel="sms", phone="abc")
    assert "phone" in no_number.value.message_dict
    assert not DeliveryPreference.objects.exists()


def test_the_settings_page_saves_a_choice_and_audits_it(bahagia_caseworker: Persona) -> None:
    client = bahagia_caseworker.client
    assert client.get(PAGE).status_code == 200

    answer = client.post(PAGE, {"phone_channel": "sms", "phone": PHONE})

    assert (answer.status_code, answer["Location"]) == (302, PAGE)
    preference = DeliveryPreference.objects.get(user=bahagia_caseworker.user)
    assert (preference.email, preference.phone_channel, preference.phone) == (
        False,
        "sms",
        PHONE_E164,
    )
    event = AuditEvent.objects.get(action="notification.preference_set")
    assert PHONE_E164 not in str(event.fields)
    assert PHONE_E164 in client.get(PAGE).content.decode()


def test_a_refused_choice_keeps_what_was_typed(bahagia_caseworker: Persona) -> None:
    answer = bahagia_caseworker.client.post(
        PAGE, {"email": "on", "phone_channel": "whatsapp", "phone": "0812-abc"}
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'value="0812-abc"' in html
    assert 'role="alert"' in html or "errorlist" in html
    assert not DeliveryPreference.objects.exists()


def test_the_settings_are_ones_own(bahagia_caseworker: Persona, ikhlas_volunteer: Persona) -> None:
    opt_in(bahagia_caseworker, phone_channel="sms", phone=PHONE)

    page = ikhlas_volunteer.client.get(PAGE).content.decode()

    assert PHONE_E164 not in page and "pendamping@example.org" not in page
