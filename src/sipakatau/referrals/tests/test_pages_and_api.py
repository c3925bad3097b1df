"""The referral pages and API: the three-step form with its preview, the inbox, the
answers, the letter and the export; the outsider who gets 404 everywhere; constant query
counts."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.cases.services import care
from sipakatau.referrals.codes import ReferralStatus, SharedField
from sipakatau.referrals.models import Referral
from tests.factories import Persona

from .support import (
    case_with_victim,
    consent_for_referral,
    exported_inbox,
    pdf_text,
    provider_for,
    refer,
    referral_between,
)

pytestmark = [pytest.mark.usefixtures("in_english"), pytest.mark.english]


@pytest.fixture
def sent(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


def test_a_caseworker_refers_through_the_preview(
    bahagia_caseworker: Persona, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    provider = provider_for(dinsos)
    client = bahagia_caseworker.client
    url = reverse("referrals:referral_create", args=[case.pk])
    # Step 1: the service; step 2: the form lists only providers of that service.
    assertContains(client.get(url), "Show the providers")
    page = client.get(url, {"service": "BANSOS"})
    assertContains(page, provider.name)
    form = {
        "service_type": "BANSOS",
        "provider": provider.pk,
        "urgency": "URGENT",
        "reason": "Rahasia unit: suami berjudi",
        "shared_fields": [SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS],
        "needs": ["ECONOMIC"],
        "summary": "",
    }
    # Step 3: the preview shows exactly what will be shared, and nothing is sent yet.
    preview = client.post(url, {**form, "action": "preview"})
    assertContains(preview, 'data-field="VICTIM_FIRST_NAME"')
    assertContains(preview, "Wati")
    assert "Kusuma" not in preview.content.decode().split("<form")[0]
    assertContains(preview, "Belum menerima bantuan sosial")
    assert not Referral.objects.exists()
    sent = client.post(url, {**form, "action": "send"})
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert referral.shared_fields == [SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS]
    case_page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assertContains(case_page, referral.register_number)


def test_a_referral_without_consent_is_refused_on_the_page(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    case, _victim = case_with_victim(bahagia_caseworker.membership)
    url = reverse("referrals:referral_create", args=[case.pk])
    response = bahagia_caseworker.client.post(
        url,
        {
            "service_type": "BANSOS",
            "provider": provider_for(dinsos).pk,
            "urgency": "ROUTINE",
            "reason": "x",
            "shared_fields": ["NEEDS"],
            "needs": ["ECONOMIC"],
            "action": "preview",
        },
    )
    assertContains(response, "Not every victim has agreed")


def test_the_recipient_answers_through_the_pages_and_the_unit_sees_the_feedback(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    client = dinsos_officer.client
    inbox = client.get(reverse("referrals:inbox"))
    assertContains(inbox, sent.register_number)
    detail = client.get(reverse("referrals:referral_detail", args=[sent.pk]))
    assertContains(detail, "Wati")
    assertNotContains(detail, "Kusuma")
    assertNotContains(detail, "Perlu bantuan")
    client.post(reverse("referrals:referral_accept", args=[sent.pk]))
    client.post(reverse("referrals:referral_start", args=[sent.pk]))
    client.post(
        reverse("referrals:referral_complete", args=[sent.pk]),
        {"service_given": "Didaftarkan PKH", "feedback": "Mohon pantau bulan depan"},
    )
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.COMPLETED
    page = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[sent.case_id]))
    assertContains(page, "Mohon pantau bulan depan")


def test_the_letter_and_the_export_carry_the_shared_fields_only(
    sent: Referral, dinsos_officer: Persona
) -> None:
    letter = dinsos_officer.client.get(reverse("referrals:referral_letter", args=[sent.pk]))
    assert letter["Content-Type"] == "application/pdf"
    text = pdf_text(letter.content)
    assert sent.register_number in text and "Wati" in text
    assert "Kusuma" not in text and "Perlu bantuan" not in text
    body = exported_inbox(dinsos_officer.client)
    assert body.startswith("\ufeff")
    assert sent.register_number in body and "Wati" in body and "Kusuma" not in body


def test_the_inbox_search_finds_shared_values_only(sent: Referral, dinsos_officer: Persona) -> None:
    url = reverse("referrals:inbox")
    found = dinsos_officer.client.post(url, {"q": "wati"})
    assertContains(found, sent.register_number)
    missed = dinsos_officer.client.post(url, {"q": "Kusuma"})
    assertNotContains(missed, sent.register_number)


def test_after_withdrawal_the_recipient_sees_a_notice_and_no_shared_data(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    assert sent.consent is not None
    care.consent_withdraw(actor=bahagia_caseworker.membership, consent=sent.consent)
    client = dinsos_officer.client
    detail = client.get(reverse("referrals:referral_detail", args=[sent.pk]))
    assertContains(detail, "took this referral back")
    assertNotContains(detail, "Wati")
    assert client.get(reverse("referrals:referral_letter", args=[sent.pk])).status_code == 404
    data = client.get(f"/api/v1/referrals/{sent.pk}").json()
    assert data["status"] == "withdrawn" and data["shared"] == []
    assert client.get(f"/api/v1/referrals/{sent.pk}/letter").status_code == 404
    assert "Wati" not in exported_inbox(client)


def _pages(referral: Referral) -> list[tuple[str, str]]:
    pk = referral.pk
    return [
        ("GET", reverse("referrals:referral_detail", args=[pk])),
        ("GET", reverse("referrals:referral_letter", args=[pk])),
        ("POST", reverse("referrals:referral_accept", args=[pk])),
        ("GET", reverse("referrals:referral_decline", args=[pk])),
        ("POST", reverse("referrals:referral_start", args=[pk])),
        ("GET", reverse("referrals:referral_complete", args=[pk])),
        ("POST", reverse("referrals:referral_cancel", args=[pk])),
        ("GET", reverse("referrals:referral_create", args=[referral.case_id])),
        ("GET", f"/api/v1/referrals/{pk}"),
        ("GET", f"/api/v1/referrals/{pk}/letter"),
        ("POST", f"/api/v1/referrals/{pk}/accept"),
        ("POST", f"/api/v1/referrals/{pk}/start"),
        ("POST", f"/api/v1/referrals/{pk}/cancel"),
        ("GET", f"/api/v1/referrals/cases/{referral.case_id}"),
    ]


def _send(client: Client, method: str, url: str, body: Any = None) -> Any:
    if method == "POST":
        return client.post(url, json.dumps(body or {}), content_type="application/json")
    return client.get(url)


def test_the_api_lists_of_received_referrals_are_audited(
    sent: Referral, dinsos: Organisation, dinsos_officer: Persona, dp3a_officer: Persona
) -> None:
    from sipakatau.audit.models import AuditEvent

    client = dinsos_officer.client
    assert client.get("/api/v1/referrals/received").json()["items"]
    assert _send(client, "POST", "/api/v1/referrals/received/search", {"q": "wati"}).json()
    events = AuditEvent.objects.filter(
        action__in=["referral.listed", "referral.searched"], object_id=str(dinsos.pk)
    )
    assert sorted(event.action for event in events) == ["referral.listed", "referral.searched"]
    assert all(event.object_type == "accounts.organisation" for event in events)
    # An empty list showed nothing: no event.
    assert dp3a_officer.client.get("/api/v1/referrals/received").json()["items"] == []
    assert AuditEvent.objects.filter(action="referral.listed").count() == 1


def test_another_agencys_officer_gets_404_on_every_page_and_endpoint(
    sent: Referral, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    for outsider in (dp3a_officer, ikhlas_caseworker):
        for method, url in _pages(sent):
            assert _send(outsider.client, method, url).status_code == 404, (outsider, url)
        for method, url, body in [
            ("POST", f"/api/v1/referrals/{sent.pk}/decline", {"reason": "x"}),
            ("POST", f"/api/v1/referrals/{sent.pk}/complete", {"service_given": "x"}),
        ]:
            assert _send(outsider.client, method, url, body).status_code == 404
    assert dp3a_officer.client.get("/api/v1/referrals/received").json()["items"] == []
    assertNotContains(dp3a_officer.client.get(reverse("referrals:inbox")), sent.register_number)
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.SENT


def test_the_api_does_what_the_pages_do(
    bahagia_caseworker: Persona, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    provider = provider_for(dinsos)
    sender = bahagia_caseworker.client
    preview = _send(
        sender,
        "POST",
        f"/api/v1/referrals/cases/{case.pk}/preview",
        {"shared_fields": ["VICTIM_FIRST_NAME"], "provider_id": provider.pk},
    ).json()
    assert preview["consent_covers"] is True and preview["shared"][0]["text"] == "Wati"
    created = _send(
        sender,
        "POST",
        f"/api/v1/referrals/cases/{case.pk}",
        {
            "provider_id": provider.pk,
            "service_type": "BANSOS",
            "urgency": "EMERGENCY",
            "reason": "Rahasia unit",
            "shared_fields": ["VICTIM_FIRST_NAME"],
        },
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["sender_part"]["reason"] == "Rahasia unit"
    recipient = dinsos_officer.client
    seen = recipient.get(f"/api/v1/referrals/{pk}").json()
    assert seen["sender_part"] is None
    assert "case" not in json.dumps(seen).replace("case_", "")
    assert "Rahasia" not in json.dumps(seen) and "Kusuma" not in json.dumps(seen)
    assert _send(recipient, "POST", f"/api/v1/referrals/{pk}/accept").status_code == 200
    assert _send(sender, "POST", f"/api/v1/referrals/{pk}/start").status_code == 403
    assert _send(recipient, "POST", f"/api/v1/referrals/{pk}/start").status_code == 200
    done = _send(
        recipient,
        "POST",
        f"/api/v1/referrals/{pk}/complete",
        {"service_given": "PKH", "feedback": "Selesai"},
    )
    assert done.json()["status"] == "completed"
    listed = sender.get(f"/api/v1/referrals/cases/{case.pk}").json()
    assert listed[0]["feedback"] == "Selesai"
    searched = _send(recipient, "POST", "/api/v1/referrals/received/search", {"q": "wati"})
    assert [item["id"] for item in searched.json()] == [pk]


def test_list_queries_do_not_grow_with_the_number_of_referrals(
    bahagia: Organisation, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert dinsos_officer.client.get(url).status_code == 200
        return len(queries)

    referral_between(bahagia, dinsos)
    urls = [reverse("referrals:inbox") + "?show=all", "/api/v1/referrals/received"]
    one = [count(url) for url in urls]
    for _ in range(4):
        referral_between(bahagia, dinsos)
    assert [count(url) for url in urls] == one


def test_the_case_page_and_the_case_api_list_referrals_in_constant_queries(
    sent: Referral, bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bahagia_caseworker.client.get(url).status_code == 200
        return len(queries)

    urls = [
        reverse("cases:case_detail", args=[sent.case_id]),
        f"/api/v1/referrals/cases/{sent.case_id}",
    ]
    one = [count(url) for url in urls]
    for _ in range(4):
        refer(bahagia_caseworker.membership, sent.case, provider_for(dinsos))
    assert [count(url) for url in urls] == one


def test_the_issued_mechanisms_pathway_preselects_the_provider(
    bahagia_caseworker: Persona, dinsos: Organisation, kelurahan_ws: Organisation
) -> None:
    from sipakatau.mechanisms import services as mechanism_services
    from tests import builders as mechanism_builders

    # Given two providers of social assistance, and a mechanism whose pathway names the
    # second one for it
    worker = bahagia_caseworker.membership
    case, _victim = case_with_victim(worker, name="Wati Kusuma")
    first = provider_for(dinsos)
    chosen = first.__class__.objects.create(
        name="Posko Bansos Soreang", area=kelurahan_ws.area, is_active=True
    )
    chosen.services.create(service_type="BANSOS")
    version = mechanism_builders.draft_version(kelurahan_ws)
    version.pathway.filter(service_type="BANSOS").delete()
    mechanism_services.pathway_entry_add(
        actor=mechanism_builders.officer(kelurahan_ws),
        version=version,
        service_type="BANSOS",
        provider=chosen,
        contact="Ibu Ani, 0812",
    )
    url = reverse("referrals:referral_create", args=[case.pk])
    before = bahagia_caseworker.client.get(url, {"service": "BANSOS"})
    assertNotContains(before, "SK Lurah")  # a draft does not guide referrals yet

    # When the mechanism is issued
    mechanism_builders.issued_version(kelurahan_ws)
    page = bahagia_caseworker.client.get(url, {"service": "BANSOS"})

    # Then the form names the pathway and has the pathway's provider selected
    assertContains(page, "Ibu Ani, 0812")
    assertContains(page, f'value="{chosen.pk}" selected')
