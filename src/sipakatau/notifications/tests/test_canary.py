"""The canary: a survivor with a case, notifications about it to staff by email and to her
by WhatsApp, all delivered through the loopback SMTP server and gateway. Her name, NIK,
address and story are in none of what left the system; her number is only where the
gateway must have it (the "to" field), and nowhere in plain text in the database."""

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sipakatau.cases.codes import PartyRole
from sipakatau.cases.services import deadlines, intake
from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.services import notify, notify_person
from sipakatau.notifications.worker import deliver_due
from sipakatau.people.models import ContactChannel
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create
from tests.canary import CANARY, database_snapshot, scan
from tests.factories import Persona

from .conftest import opt_in
from .support import FakeGateway, SmtpServer

NARRATIVE = "CANARY-NARRATIVE-4417"
NEEDLES = [*CANARY.needles(), NARRATIVE, "Kenari"]
national = CANARY.phone.lstrip("0")
PHONE_FORMS = {CANARY.phone, "+62" + national, "62" + national, national}
NEEDLES_BUT_THE_PHONE = [needle for needle in NEEDLES if needle not in PHONE_FORMS]

pytestmark = pytest.mark.usefixtures("deadline_rules")


@pytest.mark.django_db(transaction=True)
def test_no_sent_message_carries_the_canary(
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    smtp: SmtpServer,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given staff with email addresses, and the canary's case, her story in every field
    caplog.set_level(logging.DEBUG)
    for persona, address in ((bahagia_caseworker, "pendamping"), (coordinator, "koordinator")):
        opt_in(persona, email=f"{address}@example.org")
    volunteer = bahagia_volunteer.membership
    case = intake.case_open(actor=volunteer, channel="PHONE", danger_now=True)
    victim = person_create(
        actor=volunteer,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        address=CANARY.address,
    ).person
    person_set_profile(
        actor=volunteer,
        person=victim,
        contact_channels=[ContactChannel.WHATSAPP],
        contact_note=f"{NARRATIVE}: ask for {CANARY.name} only",
    )
    intake.party_add(actor=volunteer, case=case, person=victim, role=PartyRole.VICTIM)
    suspect = person_create(actor=volunteer, name=f"Suami {CANARY.name}", sex="L").person
    intake.incident_record(
        actor=volunteer,
        case=case,
        occurred_on=timezone.localdate() - timedelta(days=1),
        place_type="RUMAH_TANGGA",
        narrative=f"{NARRATIVE}: {CANARY.name} at {CANARY.address}",
        violence_forms=["SEKSUAL", "FISIK"],
    )

    # and every kind of message about it: an escalation, an assignment, one to her, and
    # one to the suspect that must be refused (he has no safe channel)
    assert deadlines.deadlines_escalate(now=timezone.now() + timedelta(days=30))
    notify(
        users=[bahagia_caseworker.user],
        template="case_assigned",
        context={
            "register_number": case.register_number,
            "link": reverse("cases:case_detail", args=[case.pk]),
            "unit_name": case.organisation.name,
        },
    )
    notify_person(
        person=victim,
        template="person_request_update",
        context={"register_number": case.register_number, "link": "/s/abc/"},
    )
    refused = notify_person(
        person=suspect, template="person_request_update", context={"register_number": "x"}
    )

    # when the worker delivers everything
    queued = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    assert deliver_due() == queued
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exclude(pk=refused.pk)

    # then the email and the WhatsApp messages were really sent, about this case
    assert len(smtp.sink.received) >= 2
    assert len(gateway.requests) == 1
    emails = smtp.sink.received
    assert all(case.register_number.encode() in email for email in emails)
    (body,) = gateway.bodies
    assert case.register_number in body["message"]
    assert body["to"] == "+62" + national

    # and none of it, nor the logs, carries her name, NIK, KK, address or story
    assert scan(NEEDLES, *emails) == []
    assert scan(NEEDLES_BUT_THE_PHONE, *(request["body"] for request in gateway.requests)) == []
    without_recipient = {key: value for key, value in body.items() if key != "to"}
    assert scan(NEEDLES, json.dumps(without_recipient, ensure_ascii=False)) == []
    assert scan(NEEDLES, caplog.text) == []
    # (the outbox keeps her number encrypted: the database holds it nowhere in plain text)
    assert scan(NEEDLES, database_snapshot(connection)) == []
