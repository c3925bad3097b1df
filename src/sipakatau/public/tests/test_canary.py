"""The canary: a public report carrying a recognisable story and phone number is looked
for in the database's raw bytes and the audit trail. It must be found nowhere."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import Notification, OutboxMessage
from sipakatau.public.models import PublicReport
from tests.canary import CANARY, database_snapshot, scan
from tests.factories import Persona

from .support import form_data

pytestmark = pytest.mark.django_db

NARRATIVE = "CANARY-PUBLIC-STORY-5521"
NEEDLES = [*CANARY.needles(), NARRATIVE]


def test_the_canary_is_in_no_url_and_not_in_the_database(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    response = anonymous.post(
        reverse("public:report"),
        form_data(
            what_happened=f"{NARRATIVE} {CANARY.name} dipukul di {CANARY.address}",
            when=f"{CANARY.name} kemarin",
            contact="whatsapp",
            contact_phone=CANARY.phone,
            contact_times=f"Tanya {CANARY.name} setelah 17:00",
            contact_safe="on",
        ),
    )
    assert response.status_code == 302
    report = PublicReport.objects.get()
    bahagia_caseworker.client.post(
        reverse("public:inbox_reply", args=[report.pk]), {"body": f"Halo {CANARY.name}"}
    )
    bahagia_caseworker.client.post(reverse("public:inbox_promote", args=[report.pk]))

    assert scan(NEEDLES, response["Location"]) == []
    assert scan(NEEDLES, database_snapshot(connection)) == []
    assert scan(NEEDLES, repr(list(AuditEvent.objects.values()))) == []
    assert scan(NEEDLES, repr(list(Notification.objects.values()))) == []
    # The reply queued the neutral notice on the safe channel; the number is in the
    # encrypted address only (the raw database was scanned above), the rest holds nothing.
    assert OutboxMessage.objects.filter(template="person_public_reply").count() == 1
    plain = ["template", "context", "sender", "dedup_key", "last_error", "channel"]
    assert scan(NEEDLES, repr(list(OutboxMessage.objects.values(*plain)))) == []
