"""Fixtures of the notification tests: the loopback SMTP server and gateway wired into
the settings, people with and without a safe channel, and a database that threads can
share."""

from collections.abc import Iterator
from typing import Any

import pytest

from sipakatau.notifications.services import delivery_preference_set
from sipakatau.people.models import ContactChannel, Person
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create
from tests.factories import Persona

from .support import FakeGateway, SmtpServer, gateway_server, smtp_server

PHONE = "0812-3456-7890"
PHONE_E164 = "+6281234567890"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    for server in smtp_server():
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    for fake in gateway_server():
        settings.SIPAKATAU_SMS_GATEWAY_URL = fake.url
        settings.SIPAKATAU_SMS_GATEWAY_TOKEN = "test-gateway-token"
        settings.SIPAKATAU_SMS_GATEWAY_TIMEOUT = 1
        yield fake


def make_person(
    recorder: Persona,
    *,
    channels: list[str] | None = None,
    do_not_contact: bool = False,
    phone: str | None = PHONE,
    name: str = "Siti Aminah",
    **values: Any,
) -> Person:
    """A person recorded by ``recorder`` with these contact choices, through the services."""
    person = person_create(actor=recorder.membership, name=name, phone=phone, **values).person
    return person_set_profile(
        actor=recorder.membership,
        person=person,
        do_not_contact=do_not_contact,
        contact_channels=[] if channels is None else channels,
    )


@pytest.fixture
def reachable(bahagia_caseworker: Persona) -> Person:
    """A survivor who marked WhatsApp safe and has a phone on record."""
    return make_person(bahagia_caseworker, channels=[ContactChannel.WHATSAPP])


def opt_in(
    persona: Persona,
    *,
    email: str | None = "pendamping@example.org",
    phone_channel: str = "",
    phone: str = "",
) -> Persona:
    """``persona`` with an email address (unless None) who asked, through the service,
    for copies outside the app: by email when an address is given, and on the phone."""
    if email is not None:
        persona.user.email = email
        persona.user.save(update_fields=["email"])
        persona.membership.user.email = email
    delivery_preference_set(
        actor=persona.membership, email=email is not None, phone_channel=phone_channel, phone=phone
    )
    return persona
