"""Needs are shared one by one: the worker ticks which needs of the assessment go, the
preview shows exactly those, and the recipient (page, inbox, API, letter, export) reads
those and no other. A need that is not offered is refused and nothing is stored; the
outsider gets 404."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case, CaseParty
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.notifications.models import Notification
from sipakatau.referrals.codes import SharedField
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services.creating import referral_create
from tests.factories import CITY, Persona, make_organisation, make_persona

from .support import case_with_victim, consent_for_referral, exported_inbox, pdf_text, provider_for

pytestmark = [pytest.mark.usefixtures("in_english"), pytest.mark.english]

PSYCHOLOGICAL = "Trauma berat, perlu konseling psikolog"
ECONOMIC = "Belum terdaftar DTKS; perlu PKH"


@pytest.fixture
def uptd_ppa(db: None) -> Organisation:
    return make_organisation(
        "UPTD PPA Kota Parepare", type=OrganisationType.UPTD_PPA, area_code=CITY
    )


@pytest.fixture
def uptd_officer(uptd_ppa: Organisation) -> Persona:
    return make_persona(uptd_ppa, Role.AGENCY_OFFICER, username="uptd.petugas")


@pytest.fixture
def provider(uptd_ppa: Organisation) -> Provider:
    return provider_for(uptd_ppa, services=(ServiceType.PSIKOSOSIAL, ServiceType.BANSOS))


@pytest.fixture
def case_and_victim(bahagia_caseworker: Persona, uptd_ppa: Organisation) -> tuple[Case, CaseParty]:
    """A case whose assessment holds a psychological and an economic need, with the
    victim's consent to a referral to UPTD PPA."""
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(
        worker, name="Wati Kusuma", needs={"PSYCHOLOGICAL": PSYCHOLOGICAL, "ECONOMIC": ECONOMIC}
    )
    consent_for_referral(worker, case, victim, OrganisationType.UPTD_PPA)
    return case, victim


@pytest.fixture
def case(case_and_victim: tuple[Case, CaseParty]) -> Case:
    return case_and_victim[0]


def _form(provider: Provider, **changes: Any) -> dict[str, Any]:
    return {
        "service_type": "PSIKOSOSIAL",
        "provider": provider.pk,
        "urgency": "URGENT",
        "reason": "Rahasia unit",
        "shared_fields": [SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS],
        "needs": ["PSYCHOLOGICAL"],
        "summary": "",
        **changes,
    }


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _nothing_stored() -> None:
    assert not Referral.objects.exists()
    assert not Notification.objects.filter(template="referral_received").exists()
    assert not AuditEvent.objects.filter(action="referral.created").exists()


def _shared_part(page: str) -> str:
    """The part of a page that lists what is shared."""
    return page.split('<dl class="facts stacked shared">')[1].split("</dl>")[0]


# --- The form and its preview ----------------------------------------------------------------


def test_the_form_offers_each_need_with_its_text_and_ticks_the_one_the_service_is_for(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    page = bahagia_caseworker.client.get(url, {"service": "PSIKOSOSIAL"})
    assertContains(page, f"Psychological: {PSYCHOLOGICAL}")
    assertContains(page, f"Economic: {ECONOMIC}")
    assertContains(page, 'name="needs" value="PSYCHOLOGICAL" id="id_needs_0" checked')
    assertContains(page, 'name="needs" value="ECONOMIC" id="id_needs_1">')
    # For social assistance, the economic need is the one ticked.
    page = bahagia_caseworker.client.get(url, {"service": "BANSOS"})
    assertContains(page, 'name="needs" value="ECONOMIC" id="id_needs_1" checked')
    assertNotContains(page, 'value="PSYCHOLOGICAL" id="id_needs_0" checked')
    assert AuditEvent.objects.filter(action="case.viewed", fields=["needs"]).count() == 2


def test_a_case_without_written_needs_offers_no_needs(
    bahagia_caseworker: Persona, provider: Provider
) -> None:
    case, _victim = case_with_victim(bahagia_caseworker.membership, needs={})
    url = reverse("referrals:referral_create", args=[case.pk])
    page = bahagia_caseworker.client.get(url, {"service": "PSIKOSOSIAL"})
    assertNotContains(page, 'value="NEEDS"')
    assertNotContains(page, 'name="needs"')


def test_the_preview_lists_exactly_the_ticked_needs_and_stores_nothing(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    client = bahagia_caseworker.client
    response = client.post(url, {**_form(provider), "action": "preview"})
    assertContains(response, "Check before sending")
    assertNotContains(response, ECONOMIC)
    preview = response.content.decode()
    assert f"Psychological: {PSYCHOLOGICAL}" in _shared_part(preview)
    both = client.post(
        url, {**_form(provider, needs=["PSYCHOLOGICAL", "ECONOMIC"]), "action": "preview"}
    ).content.decode()
    assert PSYCHOLOGICAL in _shared_part(both) and ECONOMIC in _shared_part(both)
    _nothing_stored()


def test_a_need_ticked_without_needs_is_not_shared(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    form = _form(provider, shared_fields=[SharedField.VICTIM_FIRST_NAME])
    preview = bahagia_caseworker.client.post(url, {**form, "action": "preview"})
    assertNotContains(preview, PSYCHOLOGICAL)
    bahagia_caseworker.client.post(url, {**form, "action": "send"})
    referral = Referral.objects.get()
    assert referral.shared_fields == [SharedField.VICTIM_FIRST_NAME]
    assert referral.shared_needs == [] and SharedField.NEEDS not in referral.projection


def test_needs_ticked_with_no_need_chosen_asks_which(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    page = bahagia_caseworker.client.post(url, {**_form(provider, needs=[]), "action": "send"})
    assertContains(page, "Tick the needs this service should know")
    _nothing_stored()


# --- What the recipient reads ------------------------------------------------------------------


def test_the_recipient_reads_the_ticked_need_and_not_the_other_anywhere(
    case: Case,
    provider: Provider,
    bahagia_caseworker: Persona,
    uptd_officer: Persona,
) -> None:
    # Given a psychosocial referral to UPTD PPA sent from the page with only the
    # psychological need ticked
    url = reverse("referrals:referral_create", args=[case.pk])
    sent = bahagia_caseworker.client.post(url, {**_form(provider), "action": "send"})
    assert sent.status_code == 302
    referral = Referral.objects.get()
    assert referral.shared_needs == ["PSYCHOLOGICAL"]
    assert referral.projection[SharedField.NEEDS] == {"PSYCHOLOGICAL": PSYCHOLOGICAL}

    # When UPTD PPA reads it everywhere it can
    client = uptd_officer.client
    pk = referral.pk
    reads = {
        "detail": client.get(reverse("referrals:referral_detail", args=[pk])).content.decode(),
        "inbox": client.get(reverse("referrals:inbox") + "?show=all").content.decode(),
        "api": json.dumps(client.get(f"/api/v1/referrals/{pk}").json(), ensure_ascii=False),
        "api list": json.dumps(client.get("/api/v1/referrals/received").json(), ensure_ascii=False),
        "letter": pdf_text(client.get(reverse("referrals:referral_letter", args=[pk])).content),
        "api letter": pdf_text(client.get(f"/api/v1/referrals/{pk}/letter").content),
        "export": exported_inbox(client),
    }

    # Then the psychological need is there and the economic one nowhere
    for name in ("detail", "api", "api list", "letter", "api letter", "export"):
        assert PSYCHOLOGICAL in reads[name], name
    for name, text in reads.items():
        assert ECONOMIC not in text and "DTKS" not in text, name
    seen = client.get(f"/api/v1/referrals/{pk}").json()
    (needs,) = [item for item in seen["shared"] if item["field"] == SharedField.NEEDS]
    assert needs["value"] == {"PSYCHOLOGICAL": PSYCHOLOGICAL}
    assert seen["sender_part"] is None
    # And a search for the economic need finds nothing
    found = client.post(reverse("referrals:inbox"), {"q": "DTKS"})
    assertNotContains(found, referral.register_number)
    assert _post(client, "/api/v1/referrals/received/search", {"q": "DTKS"}).json() == []


def test_the_sender_keeps_the_record_of_which_needs_went_after_cancelling(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    client = bahagia_caseworker.client
    created = _post(
        client,
        f"/api/v1/referrals/cases/{case.pk}",
        {
            "provider_id": provider.pk,
            "service_type": "PSIKOSOSIAL",
            "urgency": "ROUTINE",
            "reason": "x",
            "shared_fields": [],
            "needs": ["PSYCHOLOGICAL"],
        },
    ).json()
    assert created["shared_fields"] == [SharedField.NEEDS]
    assert created["sender_part"]["shared_needs"] == ["PSYCHOLOGICAL"]
    cancelled = _post(client, f"/api/v1/referrals/{created['id']}/cancel", {}).json()
    assert cancelled["shared"] == []
    assert cancelled["sender_part"]["shared_needs"] == ["PSYCHOLOGICAL"]


# --- The API -----------------------------------------------------------------------------------


def test_the_api_lists_the_needs_and_shares_only_those_named(
    case: Case, provider: Provider, bahagia_caseworker: Persona, uptd_officer: Persona
) -> None:
    client = bahagia_caseworker.client
    items = client.get(
        f"/api/v1/referrals/cases/{case.pk}/needs", {"service_type": "PSIKOSOSIAL"}
    ).json()
    assert items == [
        {
            "code": "PSYCHOLOGICAL",
            "label": "Psychological",
            "text": PSYCHOLOGICAL,
            "suggested": True,
        },
        {"code": "ECONOMIC", "label": "Economic", "text": ECONOMIC, "suggested": False},
    ]
    preview = _post(
        client,
        f"/api/v1/referrals/cases/{case.pk}/preview",
        {"shared_fields": ["VICTIM_FIRST_NAME"], "needs": ["PSYCHOLOGICAL"]},
    ).json()
    assert [item["field"] for item in preview["shared"]] == ["VICTIM_FIRST_NAME", "NEEDS"]
    assert preview["shared"][1]["text"] == f"Psychological: {PSYCHOLOGICAL}"
    created = _post(
        client,
        f"/api/v1/referrals/cases/{case.pk}",
        {
            "provider_id": provider.pk,
            "service_type": "PSIKOSOSIAL",
            "urgency": "URGENT",
            "reason": "Rahasia unit",
            "shared_fields": ["VICTIM_FIRST_NAME", "NEEDS"],
            "needs": ["PSYCHOLOGICAL"],
        },
    )
    assert created.status_code == 201
    seen = json.dumps(uptd_officer.client.get(f"/api/v1/referrals/{created.json()['id']}").json())
    assert PSYCHOLOGICAL in seen and ECONOMIC not in seen


def test_needs_without_a_list_share_the_need_the_service_is_for(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    referral = referral_create(
        actor=bahagia_caseworker.membership,
        case=case,
        provider=provider,
        service_type=ServiceType.PSIKOSOSIAL,
        urgency="ROUTINE",
        reason="x",
        shared_fields=[SharedField.NEEDS],
    )
    assert referral.projection[SharedField.NEEDS] == {"PSYCHOLOGICAL": PSYCHOLOGICAL}
    assert referral.shared_needs == ["PSYCHOLOGICAL"]


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        (["PSYCHOLOGICAL", "EDUCATION"], "not in the latest assessment"),
        (["PSYCHOLOGICAL", "ALL"], "Choose the needs to share from the list"),
        ([], "Tick the needs this service should know"),
    ],
)
def test_the_api_refuses_a_need_that_is_not_offered_and_stores_nothing(
    needs: list[str],
    message: str,
    case: Case,
    provider: Provider,
    bahagia_caseworker: Persona,
) -> None:
    client = bahagia_caseworker.client
    body = {"shared_fields": ["VICTIM_FIRST_NAME", "NEEDS"], "needs": needs}
    preview = _post(client, f"/api/v1/referrals/cases/{case.pk}/preview", body)
    created = _post(
        client,
        f"/api/v1/referrals/cases/{case.pk}",
        {**body, "provider_id": provider.pk, "service_type": "PSIKOSOSIAL"}
        | {"urgency": "URGENT", "reason": "x"},
    )
    for response in (preview, created):
        assert response.status_code == 422
        (error,) = response.json()["detail"]
        assert error["field"] == "needs" and message in error["message"]
    if "EDUCATION" in needs:
        assert "EDUCATION" in created.json()["detail"][0]["message"]
    _nothing_stored()


def test_a_forged_need_on_the_page_is_refused_and_nothing_is_stored(
    case: Case, provider: Provider, bahagia_caseworker: Persona
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    page = bahagia_caseworker.client.post(
        url, {**_form(provider, needs=["PSYCHOLOGICAL", "EDUCATION"]), "action": "send"}
    )
    assertContains(page, "Select a valid choice")
    _nothing_stored()


def test_without_consent_no_need_goes(
    bahagia_caseworker: Persona, provider: Provider, uptd_ppa: Organisation
) -> None:
    # The consent covers Dinsos, not UPTD PPA: nothing of the case may go to UPTD PPA.
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, needs={"PSYCHOLOGICAL": PSYCHOLOGICAL})
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    body = {
        "provider_id": provider.pk,
        "service_type": "PSIKOSOSIAL",
        "urgency": "URGENT",
        "reason": "x",
        "shared_fields": [],
        "needs": ["PSYCHOLOGICAL"],
    }
    created = _post(bahagia_caseworker.client, f"/api/v1/referrals/cases/{case.pk}", body)
    assert created.status_code == 422
    assert created.json()["detail"][0]["field"] == "override_legal_basis"
    _nothing_stored()
    # With her consent to UPTD PPA, the same request goes, with that need only.
    consent_for_referral(worker, case, victim, OrganisationType.UPTD_PPA)
    created = _post(bahagia_caseworker.client, f"/api/v1/referrals/cases/{case.pk}", body)
    assert created.status_code == 201
    assert created.json()["sender_part"]["shared_needs"] == ["PSYCHOLOGICAL"]


# --- Outsiders and old referrals ------------------------------------------------------------------


def test_the_outsider_gets_404_and_reads_no_need(
    case: Case,
    provider: Provider,
    bahagia_caseworker: Persona,
    uptd_officer: Persona,
    dp3a_officer: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    url = reverse("referrals:referral_create", args=[case.pk])
    needs_url = f"/api/v1/referrals/cases/{case.pk}/needs"
    assert PSYCHOLOGICAL in bahagia_caseworker.client.get(needs_url).json()[0]["text"]
    bahagia_caseworker.client.post(url, {**_form(provider), "action": "send"})
    referral = Referral.objects.get()
    pk = referral.pk
    assert PSYCHOLOGICAL in uptd_officer.client.get(f"/api/v1/referrals/{pk}").content.decode()
    for outsider in (dp3a_officer, ikhlas_caseworker):
        client = outsider.client
        for response in (
            client.get(reverse("referrals:referral_detail", args=[pk])),
            client.get(reverse("referrals:referral_letter", args=[pk])),
            client.get(f"/api/v1/referrals/{pk}"),
            client.get(f"/api/v1/referrals/{pk}/letter"),
            client.get(url, {"service": "PSIKOSOSIAL"}),
            client.get(needs_url),
            _post(
                client,
                f"/api/v1/referrals/cases/{case.pk}/preview",
                {"shared_fields": ["NEEDS"], "needs": ["PSYCHOLOGICAL"]},
            ),
        ):
            assert response.status_code == 404
            assert PSYCHOLOGICAL.encode() not in response.content
    assert dp3a_officer.client.get("/api/v1/referrals/received").json()["items"] == []


def test_a_referral_made_before_needs_were_chosen_still_reads(
    case: Case, provider: Provider, bahagia_caseworker: Persona, uptd_officer: Persona
) -> None:
    # Given a referral stored the old way: the whole needs dict, no record of the items
    worker = bahagia_caseworker.membership
    referral = referral_create(
        actor=worker,
        case=case,
        provider=provider,
        service_type=ServiceType.PSIKOSOSIAL,
        urgency="ROUTINE",
        reason="x",
        shared_fields=[SharedField.NEEDS],
        needs=["PSYCHOLOGICAL"],
    )
    Referral.objects.filter(pk=referral.pk).update(shared_needs=[])
    stored = Referral.objects.get(pk=referral.pk)
    stored.projection = {SharedField.NEEDS: {"ECONOMIC": ECONOMIC, "PSYCHOLOGICAL": PSYCHOLOGICAL}}
    stored.save(update_fields=["projection"])

    # Then the recipient still reads every need it held, in the catalogue's order
    client = uptd_officer.client
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    shared = _shared_part(page)
    assert shared.index(PSYCHOLOGICAL) < shared.index(ECONOMIC)
    letter = pdf_text(client.get(reverse("referrals:referral_letter", args=[referral.pk])).content)
    assert PSYCHOLOGICAL in letter and ECONOMIC in letter
    seen = client.get(f"/api/v1/referrals/{referral.pk}").json()
    assert seen["shared"][0]["value"] == {"ECONOMIC": ECONOMIC, "PSYCHOLOGICAL": PSYCHOLOGICAL}
