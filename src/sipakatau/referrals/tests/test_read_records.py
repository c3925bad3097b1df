"""Reads of shared details are recorded by the query that returns them, so the page and
the API record the same event with the same field names for the same content."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.audit.models import AuditEvent
from sipakatau.referrals.models import Referral
from tests.factories import Persona

from .support import case_with_victim, consent_for_referral, provider_for, refer

pytestmark = [pytest.mark.usefixtures("in_english"), pytest.mark.english]


@pytest.fixture
def sent(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_the_page_and_the_api_record_the_same_read_of_one_referral(
    sent: Referral, dinsos_officer: Persona
) -> None:
    client = dinsos_officer.client
    assert client.get(reverse("referrals:referral_detail", args=[sent.pk])).status_code == 200
    assert client.get(f"/api/v1/referrals/{sent.pk}").status_code == 200
    page, api = _events("referral.viewed")
    assert page.fields == api.fields == sorted(sent.shared_fields)
    assert (page.object_type, page.object_id) == (api.object_type, api.object_id)
    assert page.object_type == "referrals.referral" and page.object_id == str(sent.pk)
    assert page.actor_id == api.actor_id == dinsos_officer.user.pk


def test_an_answer_or_a_refused_read_records_no_view(
    sent: Referral, dinsos_officer: Persona, dp3a_officer: Persona
) -> None:
    assert dp3a_officer.client.get(f"/api/v1/referrals/{sent.pk}").status_code == 404
    response = dinsos_officer.client.post(
        f"/api/v1/referrals/{sent.pk}/accept", "{}", content_type="application/json"
    )
    assert response.status_code == 200
    assert _events("referral.viewed") == []


def test_a_search_of_the_inbox_is_recorded_alike_on_the_page_and_the_api(
    sent: Referral, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    client = dinsos_officer.client
    page = client.post(reverse("referrals:inbox"), {"q": "wati"})
    assertContains(page, sent.register_number)
    found = client.post(
        "/api/v1/referrals/received/search",
        json.dumps({"q": "wati"}),
        content_type="application/json",
    ).json()
    assert [row["id"] for row in found] == [sent.pk]
    on_page, on_api = _events("referral.searched")
    for event in (on_page, on_api):
        assert (event.object_type, event.object_id) == ("accounts.organisation", str(dinsos.pk))
        assert event.fields == ["feedback", "service_given", "shared_fields"]
    # A search that found nothing showed nothing; the inbox rows carry no shared details.
    assertNotContains(client.post(reverse("referrals:inbox"), {"q": "zzz"}), sent.register_number)
    assert client.get(reverse("referrals:inbox"), {"show": "all"}).status_code == 200
    assert len(_events("referral.searched")) == 2
    assert _events("referral.listed") == []


def test_the_letter_is_recorded_alike_on_the_page_and_the_api(
    sent: Referral, dinsos_officer: Persona
) -> None:
    client = dinsos_officer.client
    assert client.get(reverse("referrals:referral_letter", args=[sent.pk])).status_code == 200
    assert client.get(f"/api/v1/referrals/{sent.pk}/letter").status_code == 200
    page, api = _events("referral.letter_printed")
    assert page.fields == api.fields == sorted(sent.shared_fields)
    assert page.object_id == api.object_id == str(sent.pk)
