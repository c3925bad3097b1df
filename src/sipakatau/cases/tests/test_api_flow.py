"""A whole case through the API with bearer tokens, idempotent intake, and refusals that
answer 422 per field and change nothing."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Assessment, Case, Status
from sipakatau.people.models import Person
from tests.builders import API, add_party, bearer, created_id, open_case, png, post
from tests.factories import WATANG_SOREANG, Persona


def test_a_case_goes_from_intake_to_approved_closure_through_the_api(
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    second_coordinator: Persona,
) -> None:
    volunteer, worker = bearer(bahagia_volunteer), bearer(bahagia_caseworker)
    today = timezone.localdate()

    # Given a volunteer's intake: case, victim with safe contact, perpetrator, incident,
    # consent.
    case_id = created_id(
        post(
            volunteer,
            API,
            {"channel": "WALK_IN", "danger_now": True, "immediate_needs": ["SAFETY"]},
        )
    )
    victim_id = created_id(
        post(
            volunteer,
            f"{API}/{case_id}/parties",
            {
                "role": "VICTIM",
                "person": {"name": "Siti Aminah", "sex": "P", "age_estimate": 30},
                "profile": {
                    "area_code": WATANG_SOREANG,
                    "contact_channels": ["SMS"],
                    "contact_times": "setelah jam 17",
                },
            },
        )
    )
    perpetrator_id = created_id(
        post(
            volunteer,
            f"{API}/{case_id}/parties",
            {"role": "PERPETRATOR", "person": {"name": "Budi", "sex": "L"}},
        )
    )
    link = post(
        volunteer,
        f"{API}/{case_id}/relationships",
        {
            "victim_party_id": victim_id,
            "perpetrator_party_id": perpetrator_id,
            "relationship": "SUAMI_ISTRI",
        },
    )
    assert link.status_code == 200, link.content
    incident = post(
        volunteer,
        f"{API}/{case_id}/incident",
        {
            "occurred_on": str(today - timedelta(days=1)),
            "place_type": "RUMAH_TANGGA",
            "narrative": "Dipukul di rumah",
            "violence_forms": ["FISIK"],
        },
    )
    assert incident.status_code == 200, incident.content
    classified = post(volunteer, f"{API}/{case_id}/classification", {"answers": {"physical": True}})
    assert classified.json()["gbvims_type"] == "PHYSICAL_ASSAULT"
    assert classified.json()["gbvims_context"] == ["INTIMATE_PARTNER"]
    created_id(
        post(
            volunteer,
            f"{API}/{case_id}/consents",
            {
                "subject_party_id": victim_id,
                "purpose": "SERVICES",
                "method": "VERBAL_WITNESSED",
                "witness_name": "Ibu RT",
            },
        )
    )

    # When the caseworker assesses, plans, activates and plans a follow-up,
    created_id(
        post(
            worker,
            f"{API}/{case_id}/assessments",
            {
                "risk_level": "HIGH",
                "risk_criteria": ["LIVES_WITH_PERPETRATOR"],
                "needs": {"PSYCHOLOGICAL": "konseling"},
            },
        )
    )
    item_id = created_id(
        post(
            worker,
            f"{API}/{case_id}/plan-items",
            {
                "service_type": "PSIKOSOSIAL",
                "due_on": str(today),
                "owner_id": bahagia_caseworker.user.pk,
            },
        )
    )
    assert post(worker, f"{API}/{case_id}/activate").json()["status"] == Status.ACTIVE
    follow_up_id = created_id(
        post(
            worker,
            f"{API}/{case_id}/follow-ups",
            {"assigned_to_id": bahagia_volunteer.user.pk, "due_on": str(today)},
        )
    )
    created_id(post(worker, f"{API}/{case_id}/notes", {"body": "Ibu korban mendukung"}))
    recorded = post(
        volunteer, f"{API}/follow-ups/{follow_up_id}/record", {"summary": "Aman di rumah ibunya"}
    )
    assert recorded.status_code == 200, recorded.content
    assert (
        post(worker, f"{API}/plan-items/{item_id}/status", {"status": "done"}).json()["status"]
        == "done"
    )
    assert post(worker, f"{API}/{case_id}/monitor").json()["status"] == Status.MONITORING

    # and a coordinator asks for closure, which only another coordinator may approve,
    first, second = bearer(coordinator), bearer(second_coordinator)
    closure_id = created_id(
        post(
            first,
            f"{API}/{case_id}/closures",
            {"reason": "SERVICES_COMPLETED", "summary": "Layanan selesai"},
        )
    )
    own = post(first, f"{API}/closures/{closure_id}/decide", {"approve": True})
    assert own.status_code == 422
    approved = post(second, f"{API}/closures/{closure_id}/decide", {"approve": True})
    assert approved.status_code == 200, approved.content
    assert approved.json()["decision"] == "approved"

    # then the case is closed, and its page through the API shows everything.
    detail = worker.get(f"{API}/{case_id}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == Status.CLOSED
    assert body["browsable"] is True
    victim = next(p for p in body["parties"] if p["role"] == "VICTIM")
    assert victim["person"]["name"] == "Siti Aminah"
    assert victim["person"]["area_code"] == WATANG_SOREANG
    assert victim["person"]["safe_contact"]["channels"] == ["SMS"]
    assert body["incident"]["narrative"] == "Dipukul di rumah"
    assert body["relationships"] == [
        {
            "victim_party_id": victim_id,
            "perpetrator_party_id": perpetrator_id,
            "relationship": "SUAMI_ISTRI",
            "relation_detail": "",
        }
    ]
    assert [c["purpose"] for c in body["consents"]] == ["SERVICES"]
    assert body["follow_ups"][0]["summary"] == "Aman di rumah ibunya"
    assert body["notes"][0]["body"] == "Ibu korban mendukung"
    assert body["closures"][0]["decision"] == "approved"
    # Deadlines left open at closure stay unmet (honest compliance figures).
    assert body["status"] == "closed"
    assert AuditEvent.objects.filter(
        action="case.viewed",
        object_type="cases.case",
        object_id=str(case_id),
        actor_id=bahagia_caseworker.user.pk,
    ).exists()

    # A coordinator can reopen it.
    reopened = post(second, f"{API}/{case_id}/reopen", {"reason": "Kekerasan terulang"})
    assert reopened.json()["status"] == Status.REOPENED


def test_the_same_idempotency_key_opens_one_case(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    client = bearer(bahagia_volunteer)
    body = {"channel": "PHONE"}

    first = post(client, API, body, HTTP_IDEMPOTENCY_KEY="intake-42")
    again = post(client, API, body, HTTP_IDEMPOTENCY_KEY="intake-42")
    other_key = post(client, API, body, HTTP_IDEMPOTENCY_KEY="intake-43")
    # A key is the client's own: someone else's same key is another intake.
    colleague = post(bearer(bahagia_caseworker), API, body, HTTP_IDEMPOTENCY_KEY="intake-42")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert other_key.json()["id"] != first.json()["id"]
    assert colleague.json()["id"] != first.json()["id"]
    assert Case.objects.count() == 3


def test_the_intake_key_in_the_body_works_like_the_header(bahagia_volunteer: Persona) -> None:
    client = bearer(bahagia_volunteer)
    body = {"channel": "PHONE", "intake_key": "0b7f1c2e-1111-4a4a-9b9b-123456789abc"}

    first = post(client, API, body)
    again = post(client, API, body)

    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1


def test_a_refused_write_answers_422_per_field_and_changes_nothing(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_volunteer.membership)
    worker = bearer(bahagia_caseworker)
    events = AuditEvent.objects.count()

    # A sign of high risk cannot be rated low.
    response = post(
        worker, f"{API}/{case.pk}/assessments", {"risk_level": "LOW", "risk_criteria": ["WEAPON"]}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert [error["field"] for error in response.json()["detail"]] == ["risk_level"]
    assert response.json()["detail"][0]["message"]
    assert not Assessment.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.NEW
    assert AuditEvent.objects.count() == events


def test_a_refused_profile_leaves_no_person_behind(bahagia_volunteer: Persona) -> None:
    client = bearer(bahagia_volunteer)
    case = open_case(bahagia_volunteer.membership)

    response = post(
        client,
        f"{API}/{case.pk}/parties",
        {"role": "VICTIM", "person": {"name": "Siti"}, "profile": {"contact_channels": ["PIGEON"]}},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "contact_channels", "message": response.json()["detail"][0]["message"]}
    ]
    assert not Person.objects.exists()
    assert not case.parties.exists()


def test_an_unknown_code_in_the_body_is_refused(bahagia_volunteer: Persona) -> None:
    client = bearer(bahagia_volunteer)

    response = post(client, API, {"channel": "CARRIER_PIGEON"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "channel"
    assert not Case.objects.exists()


def test_a_session_client_still_works_for_the_pages_javascript(bahagia_volunteer: Persona) -> None:
    response = post(bahagia_volunteer.client, API, {"channel": "WALK_IN"})

    assert response.status_code == 201


def test_an_anonymous_client_gets_401(db: None) -> None:
    assert Client().get(API).status_code == 401
    assert post(Client(), API, {"channel": "WALK_IN"}).status_code == 401


def test_a_volunteer_with_only_a_follow_up_sees_only_that(
    bahagia: Organisation, bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    from sipakatau.cases.services import care

    worker = bahagia_caseworker.membership
    case = open_case(worker)
    add_party(worker, case)
    mine = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_volunteer.user, due_on=timezone.localdate()
    )
    care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_caseworker.user, due_on=timezone.localdate()
    )
    client = bearer(bahagia_volunteer)

    detail = client.get(f"{API}/{case.pk}").json()

    assert detail["browsable"] is False
    assert [f["id"] for f in detail["follow_ups"]] == [mine.pk]
    assert detail["parties"] == [] and detail["incident"] is None
    assert "Siti" not in str(detail)
    assert post(client, f"{API}/{case.pk}/notes", {"body": "x"}).status_code == 404
    assert (
        post(
            client, f"{API}/follow-ups/{mine.pk}/record", {"summary": "Sudah ditelepon"}
        ).status_code
        == 200
    )


def test_files_go_up_cleaned_and_come_down_only_through_the_api(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_volunteer.membership)
    client = bearer(bahagia_volunteer)
    image = png()

    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post(
        f"{API}/{case.pk}/attachments",
        {
            "title": "Formulir persetujuan",
            "file": SimpleUploadedFile("form.png", image, "image/png"),
        },
    )
    attachment_id = created_id(uploaded)
    fake = client.post(
        f"{API}/{case.pk}/attachments",
        {"file": SimpleUploadedFile("letter.pdf", b"just text, not a PDF", "application/pdf")},
    )
    download = bearer(bahagia_caseworker).get(f"{API}/attachments/{attachment_id}")

    assert uploaded.json()["content_type"] == "image/png"
    assert fake.status_code == 422
    assert fake.json()["detail"][0]["field"] == "file"
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == f'attachment; filename="lampiran-{attachment_id}.png"'
    assert download.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert AuditEvent.objects.filter(
        action="attachment.downloaded", object_type="cases.attachment", object_id=str(attachment_id)
    ).exists()
