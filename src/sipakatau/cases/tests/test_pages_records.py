"""The forms on a case: a caseworker assesses, plans, follows up; a coordinator closes."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Attachment, Closure, Incident, Status
from sipakatau.cases.services import intake
from tests.builders import full_case, open_case, png
from tests.factories import Persona, english, make_persona


def test_a_caseworker_carries_a_case_to_an_approved_closure(
    bahagia: Organisation, bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    coordinator = make_persona(bahagia, Role.COORDINATOR)
    case = full_case(bahagia_volunteer.membership)
    client = english(bahagia_caseworker.client)

    # The caseworker takes the case, assesses it, plans a service and starts it
    assert (
        client.post(
            reverse("cases:case_assign", args=[case.pk]), {"worker": bahagia_caseworker.user.pk}
        ).status_code
        == 302
    )
    refused = client.post(
        reverse("cases:case_status", args=[case.pk]), {"to": "active"}, follow=True
    )
    assertContains(refused, "Only an assessed case")
    response = client.post(
        reverse("cases:assessment_add", args=[case.pk]),
        {
            "risk_level": "HIGH",
            "risk_criteria": ["LIVES_WITH_PERPETRATOR"],
            "need_PSYCHOLOGICAL": "Konseling",
        },
    )
    assert response.status_code == 302
    no_plan = client.post(
        reverse("cases:case_status", args=[case.pk]), {"to": "active"}, follow=True
    )
    assertContains(no_plan, "Add at least one item to the service plan first.")
    client.post(
        reverse("cases:plan_item_add", args=[case.pk]),
        {
            "service_type": "PSIKOSOSIAL",
            "owner": bahagia_caseworker.user.pk,
            "due_on": date.today().isoformat(),
        },
    )
    client.post(reverse("cases:case_status", args=[case.pk]), {"to": "active"})
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.assigned_to == bahagia_caseworker.user

    # She plans a follow-up for the volunteer, who records it
    client.post(
        reverse("cases:follow_up_plan", args=[case.pk]),
        {"assigned_to": bahagia_volunteer.user.pk, "due_on": date.today().isoformat()},
    )
    follow_up = case.follow_ups.get()
    bahagia_volunteer.client.post(
        reverse("cases:follow_up_detail", args=[follow_up.pk]), {"summary": "Aman"}
    )
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None

    # Then she asks to close it, and a coordinator approves
    client.post(reverse("cases:case_status", args=[case.pk]), {"to": "monitoring"})
    client.post(
        reverse("cases:closure_request", args=[case.pk]),
        {"reason": "SERVICES_COMPLETED", "summary": "Selesai"},
    )
    closure = Closure.objects.get(case=case)
    assert client.get(reverse("cases:closure_decide", args=[closure.pk])).status_code == 403
    decided = coordinator.client.post(
        reverse("cases:closure_decide", args=[closure.pk]), {"decision": "approve"}
    )
    assert decided.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    # And the coordinator can open it again
    coordinator.client.post(
        reverse("cases:case_reopen", args=[case.pk]), {"reason": "Kekerasan terulang"}
    )
    case.refresh_from_db()
    assert case.status == Status.REOPENED


def test_mediation_is_never_offered_to_close_a_sexual_violence_case(
    bahagia_caseworker: Persona,
) -> None:
    actor = bahagia_caseworker.membership
    physical = open_case(actor)
    intake.incident_record(actor=actor, case=physical, occurred_on=None, violence_forms=["FISIK"])
    sexual = open_case(actor)
    intake.incident_record(actor=actor, case=sexual, occurred_on=None, violence_forms=["SEKSUAL"])

    offered = bahagia_caseworker.client.get(reverse("cases:closure_request", args=[physical.pk]))
    refused = bahagia_caseworker.client.get(reverse("cases:closure_request", args=[sexual.pk]))

    assertContains(offered, 'value="MEDIATION"')
    assertNotContains(refused, 'value="MEDIATION"')
    forced = bahagia_caseworker.client.post(
        reverse("cases:closure_request", args=[sexual.pk]),
        {"reason": "MEDIATION", "summary": "Damai"},
    )
    assert forced.status_code == 200
    assert not Closure.objects.exists()


def test_the_gbvims_questions_are_asked_in_order_and_the_first_yes_wins(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    url = reverse("cases:case_classify", args=[case.pk])
    response = english(bahagia_caseworker.client).get(url)
    page = response.content.decode()
    keys = [
        "penetration",
        "sexual_contact",
        "physical",
        "forced_marriage",
        "denial",
        "psychological",
    ]
    positions = [page.index(f'name="{key}"') for key in keys]
    assert positions == sorted(positions)
    assertNotContains(response, 'name="tpks_offences"')  # no sexual violence known yet

    answers = dict.fromkeys(keys, "no") | {"physical": "yes", "psychological": "yes"}
    bahagia_caseworker.client.post(url, answers)
    assert Incident.objects.get(case=case).gbvims_type == "PHYSICAL_ASSAULT"

    # "Yes" to penetration: the sexual-violence questions are asked before saving
    answers |= {"penetration": "yes"}
    more = english(bahagia_caseworker.client).post(url, answers)
    assertContains(more, 'name="tpks_offences"')
    assert Incident.objects.get(case=case).gbvims_type == "PHYSICAL_ASSAULT"
    bahagia_caseworker.client.post(
        url,
        answers
        | {
            "with_sexual": "True",
            "goods_exchanged": "no",
            "abduction": "yes",
            "tpks_offences": ["PERKOSAAN"],
        },
    )
    incident = Incident.objects.get(case=case)
    assert incident.gbvims_type == "RAPE"
    assert incident.tpks_offences == ["PERKOSAAN"]
    assert "SEXUAL_SLAVERY" in incident.gbvims_context


def test_a_file_of_the_wrong_type_is_refused_with_a_translatable_message(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)

    response = bahagia_caseworker.client.post(
        reverse("cases:attachment_add", args=[case.pk]),
        {"title": "Program", "file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)},
    )

    assert response.status_code == 200
    assert not Attachment.objects.exists()
    # Rendered in the default language, Bahasa Indonesia, from the translation catalogue.
    from sipakatau.lib.uploads import UploadError, clean_upload

    with translation.override("id"):
        try:
            clean_upload(filename="virus.exe", data=b"MZ\x90\x00" * 10)
        except UploadError as error:
            expected = str(error)
    assertContains(response, expected)
    english_page = english(bahagia_caseworker.client).post(
        reverse("cases:attachment_add", args=[case.pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)},
    )
    assertContains(english_page, 'class="errorlist')


def test_the_units_caseworker_downloads_a_file_and_an_outsider_gets_404(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    bahagia_caseworker.client.post(
        reverse("cases:attachment_add", args=[case.pk]),
        {
            "title": "Foto luka",
            "file": SimpleUploadedFile("luka.png", png((8, 8)), content_type="image/png"),
        },
    )
    attachment = Attachment.objects.get()
    url = reverse("cases:attachment_download", args=[attachment.pk])

    response = bahagia_caseworker.client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "luka" not in response["Content-Disposition"].lower()
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(
        action="attachment.downloaded", object_id=str(attachment.pk)
    ).exists()
    assert ikhlas_caseworker.client.get(url).status_code == 404


def test_notes_and_consent_withdrawal_from_the_case_page(bahagia_caseworker: Persona) -> None:
    case = full_case(bahagia_caseworker.membership)
    client = english(bahagia_caseworker.client)

    client.post(reverse("cases:note_add", args=[case.pk]), {"body": "Sudah ditelepon"})
    consent = case.consents.get()
    client.post(reverse("cases:consent_withdraw", args=[consent.pk]), {"reason": "Tidak mau lagi"})

    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assertContains(page, "Sudah ditelepon")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assertContains(page, "Withdrawn on")
