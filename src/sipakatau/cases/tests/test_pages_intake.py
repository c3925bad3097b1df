"""A volunteer records a report in three short screens, on the pages."""

import re
import uuid
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty, Consent, Incident, PerpetratorLink
from tests.builders import add_party, open_case, png
from tests.factories import WATANG_SOREANG, Persona, english


def _start(persona: Persona, **extra: object) -> dict[str, object]:
    return {
        "intake_key": str(uuid.uuid4()),
        "channel": "WALK_IN",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def _victim(**extra: object) -> dict[str, object]:
    return {"name": "Siti Aminah", "sex": "P", "age": "30", **extra}


def test_a_volunteer_records_a_report_in_three_screens(bahagia_volunteer: Persona) -> None:
    client = english(bahagia_volunteer.client)
    kelurahan = _kelurahan_pk()

    # Given screen 1: someone is in danger now and needs protection
    page = client.get(reverse("cases:intake_start"))
    assertContains(page, "129")  # the hotlines are on the page (shown when ticked)
    response = client.post(
        reverse("cases:intake_start"),
        _start(bahagia_volunteer, danger_now="on", immediate_needs=["SAFETY", "MEDICAL"]),
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:intake_victim", args=[case.pk])
    assert case.danger_now and case.immediate_needs == ["SAFETY", "MEDICAL"]
    assert case.created_by == bahagia_volunteer.user

    # Screen 2: the victim, where she lives and how to reach her safely
    page = client.get(reverse("cases:intake_victim", args=[case.pk]))
    assertContains(page, "08111-129-129")  # danger now: hotlines stay in view
    response = client.post(
        reverse("cases:intake_victim", args=[case.pk]),
        _victim(
            kelurahan=kelurahan,
            rt="2",
            rw="3",
            contact_channels=["SMS"],
            contact_times="Setelah 17:00",
        ),
    )
    assert response["Location"] == reverse("cases:intake_incident", args=[case.pk])
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM)
    assert victim.person.name == "Siti Aminah"
    # The RT of the pilot kelurahan is a known area; elsewhere the numbers go in the address.
    assert victim.person.area is not None
    assert victim.person.area.code == f"{WATANG_SOREANG}.003.002"
    assert victim.person.address is None
    assert victim.person.safe_contact["channels"] == ["SMS"]

    # Screen 3: what happened, the suspected perpetrator, and spoken consent with a witness
    response = client.post(
        reverse("cases:intake_incident", args=[case.pk]),
        {
            "narrative": "Dipukul di rumah",
            "occurred_on": (date.today() - timedelta(days=3)).isoformat(),
            "occurred_on_is_estimate": "on",
            "place_type": "RUMAH_TANGGA",
            "area": kelurahan,
            "violence_forms": ["FISIK", "PSIKIS"],
            "perp-name": "Budi",
            "perp-sex": "L",
            "perp-relationship": "SUAMI_ISTRI",
            "perp-victim": victim.pk,
            "consent-method": "VERBAL_WITNESSED",
            "consent-witness_name": "Ibu RT",
        },
    )

    # Then the report is complete and the finish page gives the register number
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("cases:intake_done", args=[case.pk])
    incident = Incident.objects.get(case=case)
    assert incident.narrative == "Dipukul di rumah"
    assert incident.occurred_on_is_estimate and incident.violence_forms == ["FISIK", "PSIKIS"]
    link = PerpetratorLink.objects.get(case=case)
    assert link.victim == victim and link.relationship == "SUAMI_ISTRI"
    assert link.perpetrator.person.name == "Budi"
    consent = Consent.objects.get(case=case)
    assert consent.subject == victim and consent.witness_name == "Ibu RT"
    case.refresh_from_db()
    assert case.register_number is not None and not case.is_draft
    done = client.get(response["Location"])
    assertContains(done, case.register_number)
    assertContains(done, "What happens next")


def test_a_volunteer_who_stops_after_screen_one_loses_nothing(bahagia_volunteer: Persona) -> None:
    client = english(bahagia_volunteer.client)
    client.post(reverse("cases:intake_start"), _start(bahagia_volunteer))

    # The draft is in her list, as a draft, and its page takes her back to the intake.
    case = Case.objects.get()
    page = client.get(reverse("cases:case_list"))
    assertContains(page, "Draft — not complete")
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response["Location"] == reverse("cases:intake_victim", args=[case.pk])


def test_sending_screen_one_twice_opens_one_case(bahagia_volunteer: Persona) -> None:
    data = _start(bahagia_volunteer)

    first = bahagia_volunteer.client.post(reverse("cases:intake_start"), data)
    second = bahagia_volunteer.client.post(reverse("cases:intake_start"), data)

    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_screen_one_shows_a_fresh_key_each_time(bahagia_volunteer: Persona) -> None:
    pages = [
        bahagia_volunteer.client.get(reverse("cases:intake_start")).content.decode()
        for _ in range(2)
    ]
    keys = [re.search(r'name="intake_key" value="([0-9a-f-]+)"', page) for page in pages]
    assert keys[0] and keys[1] and keys[0].group(1) != keys[1].group(1)


def test_a_malformed_nik_is_shown_as_an_error_and_nothing_is_saved(
    bahagia_volunteer: Persona,
) -> None:
    case = open_case(bahagia_volunteer.membership)
    client = english(bahagia_volunteer.client)

    response = client.post(reverse("cases:intake_victim", args=[case.pk]), _victim(nik="12345"))

    assertContains(response, "NIK must have exactly 16 digits.")
    assert not CaseParty.objects.exists()


def test_an_odd_nik_is_saved_with_a_warning(bahagia_volunteer: Persona) -> None:
    case = open_case(bahagia_volunteer.membership)
    client = english(bahagia_volunteer.client)

    # A NIK whose region is not a known one: possible for old NIKs, so only a warning.
    response = client.post(
        reverse("cases:intake_victim", args=[case.pk]), _victim(nik="9900004505900001"), follow=True
    )

    assert CaseParty.objects.filter(case=case, role=PartyRole.VICTIM).exists()
    assertContains(response, "The first six digits of the NIK are not a known region.")


def test_a_likely_duplicate_in_the_unit_is_shown_before_saving(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    earlier = open_case(bahagia_caseworker.membership)
    add_party(bahagia_caseworker.membership, earlier, nik="7372034505900001")
    case = open_case(bahagia_caseworker.membership)
    client = english(bahagia_caseworker.client)
    url = reverse("cases:intake_victim", args=[case.pk])

    warned = client.post(url, _victim(nik="7372034505900001"))

    assertContains(warned, earlier.register_number)
    assert not CaseParty.objects.filter(case=case).exists()

    saved = client.post(url, _victim(nik="7372034505900001", confirm_duplicate="1"))
    assert saved.status_code == 302
    assert CaseParty.objects.filter(case=case, role=PartyRole.VICTIM).exists()


def test_a_case_of_another_unit_is_never_hinted_at(
    bahagia_volunteer: Persona, ikhlas_caseworker: Persona
) -> None:
    theirs = open_case(ikhlas_caseworker.membership)
    add_party(ikhlas_caseworker.membership, theirs, nik="7372034505900001")
    case = open_case(bahagia_volunteer.membership)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_victim", args=[case.pk]), _victim(nik="7372034505900001")
    )

    # Saved straight away: no warning, no register number of the other unit.
    assert response.status_code == 302
    assertNotContains(bahagia_volunteer.client.get(response["Location"]), theirs.register_number)


def test_a_volunteers_own_earlier_intake_is_a_duplicate_but_not_another_volunteers(
    bahagia: Organisation, bahagia_volunteer: Persona
) -> None:
    from sipakatau.accounts.models import Role
    from tests.factories import make_persona

    other_volunteer = make_persona(bahagia, Role.VOLUNTEER)
    theirs = open_case(other_volunteer.membership)
    add_party(other_volunteer.membership, theirs, nik="7372034505900001")
    case = open_case(bahagia_volunteer.membership)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_victim", args=[case.pk]), _victim(nik="7372034505900001")
    )

    assert response.status_code == 302  # she may not see that case, so no hint of it


def test_consent_for_a_child_needs_a_guardian_who_is_not_the_suspect(
    bahagia_volunteer: Persona,
) -> None:
    actor = bahagia_volunteer.membership
    case = open_case(actor)
    add_party(actor, case, name="Ani", age=9)
    father = add_party(actor, case, PartyRole.PERPETRATOR, name="Ayah Ani", sex="L", age=40)
    client = english(bahagia_volunteer.client)
    url = reverse("cases:intake_incident", args=[case.pk])
    base = {
        "narrative": "",
        "perp-sex": "U",
        "consent-method": "VERBAL_WITNESSED",
        "consent-witness_name": "Bu RT",
    }

    without_guardian = client.post(url, base)
    assertContains(without_guardian, "a parent or guardian gives the consent")

    the_suspect = client.post(url, {**base, "consent-guardian": str(father.pk)})
    assertContains(the_suspect, "suspected perpetrator in this case and cannot give consent")
    assert not Consent.objects.exists()
    assert not CaseParty.objects.filter(case=case, role=PartyRole.GUARDIAN).exists()

    mother = client.post(
        url,
        {
            **base,
            "consent-guardian": "new",
            "consent-guardian_name": "Ibu Ani",
            "consent-guardian_sex": "P",
        },
    )
    assert mother.status_code == 302
    consent = Consent.objects.get()
    assert (
        consent.given_by_guardian is not None and consent.given_by_guardian.person.name == "Ibu Ani"
    )


def test_consent_with_a_photo_of_the_signed_form(bahagia_volunteer: Persona) -> None:
    actor = bahagia_volunteer.membership
    case = open_case(actor)
    add_party(actor, case)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_incident", args=[case.pk]),
        {
            "perp-sex": "U",
            "consent-method": "SIGNATURE",
            "consent-proof": SimpleUploadedFile("formulir.png", png(), content_type="image/png"),
        },
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.proof is not None and consent.proof.content_type == "image/png"


def _kelurahan_pk() -> int:
    from sipakatau.areas.models import Area

    return Area.objects.get(code=WATANG_SOREANG).pk
