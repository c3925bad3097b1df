"""For every combination of shared fields and of shared needs, nothing that was not
shared reaches the recipient: not by page, API, letter, export, search or notification.

A canary survivor gets a distinctive value in every field of her case; each example
refers the case sharing a random subset, then reads everything the recipient can read
and looks for the values of the fields that were not shared (and of the fields that can
never be shared). Each example runs in a savepoint that is rolled back, so examples see
only their own referral.
"""

import json
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.areas.models import Area
from sipakatau.cases.codes import NeedDomain
from sipakatau.cases.models import Case
from sipakatau.cases.services import care, intake
from sipakatau.notifications import templates
from sipakatau.notifications.models import Notification
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create
from sipakatau.referrals.codes import SharedField as F
from tests.canary import CANARY, scan
from tests.factories import Persona

from .support import exported_inbox, pdf_text, provider_for, refer

pytestmark = pytest.mark.usefixtures("in_english")

KELURAHAN = "Galung Maloang"  # neither the sender's nor the recipient's area name
# A distinctive text for each need domain: a need that is not ticked must not be found.
NEEDS = {domain: f"CANARY-NEED-{domain}-{4410 + n}" for n, domain in enumerate(NeedDomain.values)}
SECRET = {
    "summary": "CANARY-SUMMARY-8812",
    "times": "CANARY-TIMES-0930",
    "communication": "CANARY-COMM-5521",
}
NATIONAL = CANARY.phone.lstrip("0")

# The values each field would reveal, as the recipient would read them (English).
FIELD_NEEDLES: dict[str, list[str]] = {
    F.VICTIM_FIRST_NAME: ["Canarywati"],
    F.VICTIM_FULL_NAME: ["Zzyzx", CANARY.name],
    F.VICTIM_AGE_BAND: ["25 to 39 years"],
    F.VICTIM_SEX: ["Female"],
    F.VICTIM_CONTACT: [CANARY.phone, NATIONAL, SECRET["times"]],
    F.VICTIM_DISABILITY: [SECRET["communication"], "deaf or hard of hearing"],
    F.NEEDS: list(NEEDS.values()),
    F.SUMMARY: [SECRET["summary"]],
    F.INCIDENT_FORMS: ["Trafficking"],
    F.INCIDENT_DATE: ["2025-02-03", "3 February 2025"],
    F.KELURAHAN: [KELURAHAN],
}
# The value each field shows on the page and in the letter, to prove the test can see.
SHOWN = {field: values[0] for field, values in FIELD_NEEDLES.items()} | {
    F.VICTIM_FULL_NAME: CANARY.name,
    F.VICTIM_CONTACT: SECRET["times"],
    F.INCIDENT_DATE: "3 February 2025",
}
# What no referral may ever carry, whatever is ticked.
NEVER = [
    CANARY.nik,
    CANARY.kk_number,
    CANARY.address,
    "Kenari",
    "CANARY-NARRATIVE-7731",
    "CANARY-NOTE-7777",
    "CANARY-CASENOTE-1",
    "CANARY-WITNESS-3",
    "CANARY-REASON-3301",
    "Qwertyuiop",
]


def forbidden(shared: set[str], needs: set[str]) -> list[str]:
    needles = list(NEVER)
    for field, values in FIELD_NEEDLES.items():
        if field == F.NEEDS and field in shared:
            needles += [text for domain, text in NEEDS.items() if domain not in needs]
            continue
        if field in shared:
            continue
        if field == F.VICTIM_FIRST_NAME and F.VICTIM_FULL_NAME in shared:
            continue  # the full name holds the first name
        if field == F.VICTIM_FULL_NAME and F.VICTIM_FIRST_NAME in shared:
            values = [v for v in values if v != "Canarywati"]
        needles += values
    return needles


@pytest.fixture
def canary_case(bahagia_caseworker: Persona, dinsos: Organisation) -> Case:
    worker = bahagia_caseworker.membership
    case = intake.case_open(actor=worker, channel="PHONE")
    person = person_create(
        actor=worker,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        address=CANARY.address,
        birth_date=date(1990, 7, 1),
    ).person
    person_set_profile(
        actor=worker,
        person=person,
        area=Area.objects.get(code="73.72.01.1010"),
        disability_kinds=["SENSORIK_RUNGU"],
        communication_needs=SECRET["communication"],
        contact_channels=["WHATSAPP"],
        contact_times=SECRET["times"],
        contact_note="CANARY-NOTE-7777",
    )
    victim = intake.party_add(actor=worker, case=case, person=person, role="VICTIM")
    suspect = person_create(actor=worker, name="Pelaku Qwertyuiop", sex="L").person
    intake.party_add(actor=worker, case=case, person=suspect, role="PERPETRATOR")
    intake.incident_record(
        actor=worker,
        case=case,
        occurred_on=date(2025, 2, 3),
        place_type="RUMAH_TANGGA",
        narrative=f"CANARY-NARRATIVE-7731 {CANARY.address}",
        violence_forms=["TRAFFICKING"],
    )
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="MEDIUM",
        risk_criteria=[],
        needs=NEEDS,
    )
    care.note_add(actor=worker, case=case, body="CANARY-CASENOTE-1")
    care.consent_record(
        actor=worker,
        case=case,
        subject=victim,
        purpose="REFERRAL",
        recipient_type=OrganisationType.DINSOS,
        method="VERBAL_WITNESSED",
        witness_name="CANARY-WITNESS-3",
    )
    provider_for(dinsos)
    return case


def recipient_reads(client: Any, pk: int, number: str) -> dict[str, str]:
    """Everything the recipient can read about the referral."""
    return {
        "detail page": client.get(reverse("referrals:referral_detail", args=[pk])).content.decode(),
        "inbox page": client.get(reverse("referrals:inbox") + "?show=all").content.decode(),
        "api detail": json.dumps(client.get(f"/api/v1/referrals/{pk}").json(), ensure_ascii=False),
        "api list": json.dumps(client.get("/api/v1/referrals/received").json(), ensure_ascii=False),
        "letter": pdf_text(client.get(reverse("referrals:referral_letter", args=[pk])).content),
        "export": exported_inbox(client),
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shared=st.sets(st.sampled_from(list(F.values)), min_size=1),
    needs=st.sets(st.sampled_from(list(NeedDomain.values)), min_size=1),
)
@example(shared={F.NEEDS, F.VICTIM_FIRST_NAME}, needs={NeedDomain.ECONOMIC})
@example(shared={F.NEEDS}, needs={NeedDomain.PSYCHOLOGICAL, NeedDomain.CIVIL_DOCUMENTS})
@example(shared=set(F.values), needs=set(NeedDomain.values))
@example(shared={F.VICTIM_FIRST_NAME}, needs={NeedDomain.ECONOMIC})
def test_no_unshared_field_reaches_the_recipient(
    shared: set[str],
    needs: set[str],
    canary_case: Case,
    bahagia_caseworker: Persona,
    dinsos_officer: Persona,
    dinsos: Organisation,
) -> None:
    with transaction.atomic():
        referral = refer(
            bahagia_caseworker.membership,
            canary_case,
            provider_for(dinsos),
            fields=tuple(shared),
            # The needs go only under NEEDS: without it, none is named.
            needs=sorted(needs) if F.NEEDS in shared else [],
            reason="CANARY-REASON-3301",
            summary=SECRET["summary"],
        )
        client = dinsos_officer.client
        # English pages, so that the needles (English labels) can be found.
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        reads = recipient_reads(client, referral.pk, referral.register_number)
        notes = Notification.objects.filter(recipient=dinsos_officer.user)
        reads["notifications"] = " ".join(templates.render(n.template, n.context) for n in notes)

        needles = forbidden(shared, needs)
        hits = scan(needles, *[text for text in reads.values()])
        leaks = {
            (hit.needle, name)
            for hit in hits
            for name, text in reads.items()
            if hit.needle.lower() in text.lower()
        }
        assert not leaks, f"shared {sorted(shared)}, leaked {sorted(leaks)}"

        # Search sees the projection only: an unshared value finds nothing.
        for needle in needles:
            page = client.post(reverse("referrals:inbox"), {"q": needle})
            assertNotContains(page, referral.register_number, msg_prefix=repr((needle, shared)))
            api = client.post(
                "/api/v1/referrals/received/search",
                json.dumps({"q": needle}),
                content_type="application/json",
            ).json()
            assert api == [], (needle, shared)

        # And the test can see: every shared value is there on the page and the letter.
        for field in shared - {F.NEEDS}:
            first = SHOWN[field]
            assert first.lower() in reads["detail page"].lower(), field
            assert first.lower() in reads["letter"].lower(), field
        for domain in needs if F.NEEDS in shared else ():
            for name in ("detail page", "letter", "api detail", "export"):
                assert NEEDS[domain].lower() in reads[name].lower(), (domain, name)
        transaction.set_rollback(True)
