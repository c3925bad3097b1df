"""A declined referral leaves the recipient nothing of the survivor: the purpose of what
was shared has ended (UU 27/2022 PDP Pasal 16 ayat (2)), so the projection goes as on a
cancel. Both sides still see the status and the reason; the sender still knows which
fields went."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.services import intake
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create
from sipakatau.referrals.codes import ReferralStatus, SharedField
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services import answering, ending
from tests.factories import Persona

from .support import consent_for_referral, exported_inbox, pdf_text, provider_for, refer

pytestmark = [pytest.mark.usefixtures("in_english"), pytest.mark.english]

NAME = "Kenangawati Sulolipu"
FIRST_NAME = "Kenangawati"
PHONE = "081299887766"
PHONE_NATIONAL = PHONE.lstrip("0")
REASON = "Kuota layanan bulan ini penuh"
FIELDS = (SharedField.VICTIM_FULL_NAME, SharedField.VICTIM_CONTACT)


@pytest.fixture
def sent(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    """A referral to Dinsos sharing her full name and her telephone (WhatsApp is safe)."""
    worker = bahagia_caseworker.membership
    case = intake.case_open(actor=worker, channel="WALK_IN")
    person = person_create(actor=worker, name=NAME, sex="P", age_estimate=30, phone=PHONE).person
    person_set_profile(actor=worker, person=person, contact_channels=["WHATSAPP"])
    victim = intake.party_add(actor=worker, case=case, person=person, role="VICTIM")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos), fields=FIELDS)


def _hides_her(text: str) -> bool:
    return FIRST_NAME not in text and PHONE not in text and PHONE_NATIONAL not in text


def _shows_her(text: str) -> bool:
    return FIRST_NAME in text and PHONE_NATIONAL in text


def _decline(referral: Referral, officer: Persona) -> None:
    response = officer.client.post(
        reverse("referrals:referral_decline", args=[referral.pk]), {"reason": REASON}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_before_the_decline_the_recipient_reads_her_name_and_phone(
    sent: Referral, dinsos_officer: Persona
) -> None:
    # The canary: without this, the checks below could pass on a page that never had her.
    client = dinsos_officer.client
    assert _shows_her(client.get(reverse("referrals:referral_detail", args=[sent.pk])).text)
    assert _shows_her(client.get(f"/api/v1/referrals/{sent.pk}").text)
    found = client.post(reverse("referrals:inbox"), {"q": FIRST_NAME})
    assertContains(found, sent.register_number)
    assert _shows_her(
        pdf_text(client.get(reverse("referrals:referral_letter", args=[sent.pk])).content)
    )


def test_after_a_decline_the_recipient_sees_the_status_and_reason_but_not_her(
    sent: Referral, dinsos_officer: Persona
) -> None:
    _decline(sent, dinsos_officer)
    client = dinsos_officer.client

    detail = client.get(reverse("referrals:referral_detail", args=[sent.pk]))
    assert detail.status_code == 200
    assertContains(detail, sent.register_number)
    assertContains(detail, "Declined")
    assertContains(detail, REASON)
    assert _hides_her(detail.text)

    api = client.get(f"/api/v1/referrals/{sent.pk}")
    assert api.status_code == 200
    data = api.json()
    assert data["status"] == ReferralStatus.DECLINED and data["shared"] == []
    assert _hides_her(api.text)

    inbox = client.get(reverse("referrals:inbox"), {"show": "all"})
    assertContains(inbox, sent.register_number)
    assert _hides_her(inbox.text)
    assert _hides_her(exported_inbox(client))
    assert _hides_her(client.get("/api/v1/referrals/received").text)
    # Her name no longer finds the referral in the recipient's search.
    found = client.post(reverse("referrals:inbox"), {"q": FIRST_NAME})
    assertNotContains(found, sent.register_number)


def test_after_a_decline_the_letter_carries_none_of_her_fields(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    _decline(sent, dinsos_officer)
    for client in (dinsos_officer.client, bahagia_caseworker.client):
        for url in (
            reverse("referrals:referral_letter", args=[sent.pk]),
            f"/api/v1/referrals/{sent.pk}/letter",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            text = pdf_text(response.content)
            assert sent.register_number in text
            assert _hides_her(text), url
            assert "Tidak ada data yang dibagikan" in text


def test_the_sender_sees_the_decline_and_its_reason_and_what_had_gone(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    _decline(sent, dinsos_officer)
    client = bahagia_caseworker.client

    detail = client.get(reverse("referrals:referral_detail", args=[sent.pk]))
    assertContains(detail, "Declined")
    assertContains(detail, REASON)
    case_page = client.get(reverse("cases:case_detail", args=[sent.case_id]))
    assertContains(case_page, sent.register_number)
    assertContains(case_page, REASON)
    data = client.get(f"/api/v1/referrals/{sent.pk}").json()
    assert data["status"] == ReferralStatus.DECLINED
    assert data["decline_reason"] == REASON

    # The record still says which fields had been shared (as a cancel keeps it).
    sent.refresh_from_db()
    assert sent.projection == {}
    assert sent.shared_fields == list(FIELDS)
    assert sent.ended_at is not None and sent.answered_at is not None


def test_the_decline_is_audited_as_a_cancel_is(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    answering.referral_decline(actor=dinsos_officer.membership, referral=sent, reason=REASON)
    declined = AuditEvent.objects.get(action="referral.declined", object_id=str(sent.pk))
    assert declined.organisation_id == dinsos.pk
    assert {"status", "decline_reason", "projection", "ended_at"} <= set(declined.fields)

    # A cancel of another referral names the same cleared fields.
    worker = bahagia_caseworker.membership
    other = refer(worker, sent.case, provider_for(dinsos), fields=FIELDS)
    ending.referral_cancel(actor=worker, referral=other)
    cancelled = AuditEvent.objects.get(action="referral.cancelled", object_id=str(other.pk))
    assert {"projection", "ended_at"} <= set(cancelled.fields)


def test_the_recipients_later_read_records_no_shared_field(
    sent: Referral, dinsos_officer: Persona
) -> None:
    _decline(sent, dinsos_officer)
    dinsos_officer.client.get(reverse("referrals:referral_detail", args=[sent.pk]))
    viewed = AuditEvent.objects.filter(action="referral.viewed", object_id=str(sent.pk)).last()
    assert viewed is not None and viewed.fields == []
