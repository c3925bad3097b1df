"""A reporter may ask to hear when a worker answers — on a channel she marks safe, and
then only a neutral "there is news" that names nobody and says nothing of what happened."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import OutboxMessage, OutboxStatus
from sipakatau.notifications.templates import render_for_person, reveals
from sipakatau.public.models import PublicReport
from tests.factories import Persona

from .support import form_data

pytestmark = pytest.mark.django_db
STORY = "Suami Wati memukulnya dengan kayu di dapur."
PHONE = "081234567890"


def _report(client: Client, **fields: str) -> PublicReport:
    response = client.post(reverse("public:report"), form_data(what_happened=STORY, **fields))
    assert response.status_code == 302
    return PublicReport.objects.get()


def _reply(worker: Persona, report: PublicReport) -> None:
    worker.client.post(reverse("public:inbox_reply", args=[report.pk]), {"body": "Kami siap."})


def test_a_reply_sends_nothing_by_default(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = _report(anonymous)

    _reply(bahagia_caseworker, report)

    assert report.messages.count() == 1
    assert not OutboxMessage.objects.exists()


def test_a_channel_without_the_safe_mark_is_refused_and_nothing_is_stored(
    anonymous: Client, bahagia: Organisation
) -> None:
    response = anonymous.post(
        reverse("public:report"),
        form_data(what_happened=STORY, contact="sms", contact_phone=PHONE),
    )

    assertContains(response, 'id="id_contact_safe_error"', status_code=400)
    assertContains(response, STORY, status_code=400)  # what she wrote is kept
    assert not PublicReport.objects.exists()


def test_a_report_whose_safe_mark_was_taken_back_sends_nothing(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = _report(anonymous, contact="whatsapp", contact_phone=PHONE, contact_safe="on")
    PublicReport.objects.filter(pk=report.pk).update(contact_safe=False)
    report.refresh_from_db()

    _reply(bahagia_caseworker, report)

    assert not OutboxMessage.objects.exists()


def test_a_safe_channel_gets_a_neutral_notice_per_reply(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = _report(anonymous, contact="whatsapp", contact_phone=PHONE, contact_safe="on")

    _reply(bahagia_caseworker, report)
    _reply(bahagia_caseworker, report)

    messages = list(OutboxMessage.objects.order_by("pk"))
    assert len(messages) == 2
    message = messages[0]
    assert message.status == OutboxStatus.PENDING
    assert message.channel == "whatsapp"
    assert message.recipient_address == "+6281234567890"
    text = render_for_person(message.template, message.context, base_url="https://contoh.id")
    assert "https://contoh.id/lacak/" in text
    for secret in ("Wati", "kayu", "dapur", "Suami", bahagia.name, "Bahagia", "LBK"):
        assert secret.lower() not in text.lower()
    assert reveals(text) == []
    # Both replies point at one person record, made for this purpose only
    report.refresh_from_db()
    assert report.contact_person_id is not None
    assert AuditEvent.objects.filter(action="public_report.contact_linked").count() == 1
    assert {m.recipient_person_id for m in messages} == {report.contact_person_id}


def test_the_reporter_record_is_made_through_the_people_services_and_logs_nothing_personal(
    anonymous: Client,
    bahagia: Organisation,
    bahagia_caseworker: Persona,
    caplog: pytest.LogCaptureFixture,
) -> None:
    report = _report(anonymous, contact="sms", contact_phone=PHONE, contact_safe="on")

    with caplog.at_level("DEBUG"):
        _reply(bahagia_caseworker, report)

    report.refresh_from_db()
    person_id = str(report.contact_person_id)
    made = AuditEvent.objects.filter(object_type="people.person", object_id=person_id)
    assert set(made.values_list("action", flat=True)) == {
        "person.created",
        "person.profile_updated",
    }
    for secret in (PHONE, PHONE[1:], STORY, "Kami siap."):
        assert secret not in caplog.text
