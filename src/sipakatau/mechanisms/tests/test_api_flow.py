"""The whole way through the API, as a client would go: start from the template, edit,
discuss, approve, issue, download the decree and check its hash in public."""

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms.codes import CommentStatus, Status
from sipakatau.mechanisms.models import Decree
from tests.builders import bearer as bearer_client
from tests.builders import created_id, post
from tests.factories import WATANG_SOREANG, Persona, english, make_persona

pytestmark = pytest.mark.django_db

API = "/api/v1/mechanisms"


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    """A kelurahan officer who drafts but does not sign."""
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


def bearer(persona: Persona) -> Client:
    """A bearer-token client that reads the messages in English."""
    return english(bearer_client(persona))


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    call = client.put if method == "PUT" else client.patch
    return call(url, json.dumps(body), content_type="application/json")


def errors(response: Any) -> dict[str | None, str]:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid"
    return {item["field"]: item["message"] for item in body["detail"]}


def test_the_whole_way_from_template_to_a_verified_decree(
    staff: Persona, lurah: Persona, dp3a_officer: Persona
) -> None:
    drafter, signer, dp3a = bearer(staff), bearer(lurah), bearer(dp3a_officer)

    # Given a draft started from the template by the kelurahan's staff member
    response = post(drafter, API, {"area_code": WATANG_SOREANG})
    version_id = created_id(response)
    draft = response.json()
    assert draft["status"] == Status.DRAFT and draft["number"] == 1
    assert len(draft["steps"]) == 11 and draft["may_draft"] and not draft["may_sign"]
    assert any(step["deadlines"] for step in draft["steps"])
    first_contact = next(s for s in draft["steps"] if s["action"] == "first_contact")

    # When the staff member shortens the first contact's deadline for high risk
    body = {
        key: first_contact[key]
        for key in ("title", "description", "responsible", "action", "trigger", "escalate_to")
    }
    body["deadlines"] = [{"risk_level": "HIGH", "amount": 2, "unit": "hours"}]
    response = send(drafter, "PUT", f"{API}/steps/{first_contact['id']}", body)
    assert response.status_code == 200, response.content
    assert response.json()["deadlines"] == [{"risk_level": "HIGH", "amount": 2, "unit": "hours"}]

    # And opens the discussion, where DP3A comments and the staff member resolves it
    response = post(drafter, f"{API}/versions/{version_id}/transition", {"to": "in_discussion"})
    assert response.json()["status"] == Status.IN_DISCUSSION
    comment_id = created_id(
        post(dp3a, f"{API}/versions/{version_id}/comments", {"text": "Tambahkan SAPA 129."})
    )
    comments = dp3a.get(f"{API}/versions/{version_id}/comments").json()
    assert comments[0]["organisation_name"] == "DP3A Kota Parepare"
    assert comments[0]["status"] == CommentStatus.OPEN
    response = post(drafter, f"{API}/comments/{comment_id}/resolve")
    assert response.status_code == 200 and response.json()["status"] == CommentStatus.RESOLVED

    # And records the meeting with its attendance list
    response = post(
        drafter,
        f"{API}/versions/{version_id}/meetings",
        {
            "held_on": "2026-11-02",
            "place": "Aula Kantor Kelurahan",
            "decisions": "Draf disepakati.",
            "attendees": [
                {"name": "Ibu Sari", "organisation": "LBK-KK Bahagia", "gender": "P"},
                {
                    "name": "Pak Amir",
                    "organisation": "RT 02",
                    "gender": "L",
                    "has_disability": True,
                },
            ],
        },
    )
    meeting = response.json()
    assert response.status_code == 201, meeting
    assert (meeting["women"], meeting["men"], meeting["with_disability"]) == (1, 1, 1)
    assert dp3a.get(f"{API}/meetings/{meeting['id']}").json()["place"] == "Aula Kantor Kelurahan"

    # Then the Lurah approves and issues
    response = post(signer, f"{API}/versions/{version_id}/transition", {"to": "approved"})
    assert response.status_code == 200, response.content
    assert response.json()["approved_by_name"] == str(lurah.user)
    response = post(
        signer,
        f"{API}/versions/{version_id}/issue",
        {
            "issued_on": "2026-11-20",
            "signer_name": "Andi Lurah",
            "signer_nip": "198001012005011001",
        },
    )
    assert response.status_code == 201, response.content
    decree = response.json()
    assert decree["number"] == "400/01/Kel-WS/2026"
    assert decree["verification_url"].startswith("http://testserver/")
    assert decree["verification_url"].endswith(f"/{decree['verification_token']}/")
    assert dp3a.get(f"{API}/versions/{version_id}/decree").json() == decree
    version = dp3a.get(f"{API}/versions/{version_id}").json()
    assert version["status"] == Status.ISSUED and version["activated_at"]
    assert version["decree"]["number"] == decree["number"]

    # And the PDF downloaded is the one whose hash the public check confirms
    response = dp3a.get(f"{API}/versions/{version_id}/decree.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == decree["sha256"]
    assert bytes(Decree.objects.get().pdf) == pdf

    public = Client()
    verify = f"{API}/decrees/verify"
    response = public.get(
        verify, {"token": decree["verification_token"], "sha256": decree["sha256"]}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "number": "400/01/Kel-WS/2026",
        "issued_on": "2026-11-20",
        "kelurahan": "Watang Soreang",
        "title": version["title"],
        "status": Status.ISSUED,
        "sha256": decree["sha256"],
        "match": True,
    }
    tampered = hashlib.sha256(pdf + b"x").hexdigest()
    response = public.get(verify, {"token": decree["verification_token"], "sha256": tampered})
    assert response.status_code == 200 and response.json()["match"] is False
    # An upper-case hash is the same hash
    response = public.get(
        verify, {"token": decree["verification_token"], "sha256": decree["sha256"].upper()}
    )
    assert response.json()["match"] is True

    # And the mechanism lists the active version with its decree number
    listed = dp3a.get(API).json()["items"]
    assert listed[0]["active_version"] == {
        "id": version_id,
        "number": 1,
        "status": Status.ISSUED,
        "decree_number": "400/01/Kel-WS/2026",
    }
    assert listed[0]["working_version"] is None


def test_the_public_check_refuses_an_unknown_token_and_a_malformed_hash(lurah: Persona) -> None:
    from tests.builders import issued_version

    version = issued_version(lurah.organisation)
    token = version.decree.verification_token
    verify = f"{API}/decrees/verify"
    public = Client()

    unknown = public.get(verify, {"token": "nope" + token, "sha256": "0" * 64})
    malformed = public.get(verify, {"token": token, "sha256": "not-a-hash"})
    missing = public.get(verify, {"token": token})

    assert unknown.status_code == 404
    assert set(errors(malformed)) == {"sha256"}
    assert set(errors(missing)) == {"sha256"}


def test_refusals_answer_422_with_the_field(staff: Persona, lurah: Persona) -> None:
    drafter = bearer(staff)
    version_id = created_id(post(drafter, API, {"area_code": WATANG_SOREANG}))

    # A step with a deadline but nothing it counts from
    no_trigger = post(
        drafter,
        f"{API}/versions/{version_id}/steps",
        {
            "title": "Kunjungan rumah",
            "responsible": "kader",
            "deadlines": [{"risk_level": "", "amount": 2, "unit": "days"}],
        },
    )
    # Issuing a draft
    issue_draft = post(
        bearer(lurah),
        f"{API}/versions/{version_id}/issue",
        {"issued_on": "2026-11-20", "signer_name": "Andi Lurah"},
    )
    # A second start for the same kelurahan, and a place that is no kelurahan
    again = post(drafter, API, {"area_code": WATANG_SOREANG})
    nowhere = post(drafter, API, {"area_code": "99.99"})
    # A malformed body (a list where a text is expected)
    malformed = post(drafter, f"{API}/versions/{version_id}/duties", {"party": "lpmk"})
    # A status the version cannot take
    jump = post(drafter, f"{API}/versions/{version_id}/transition", {"to": "draft"})

    assert errors(no_trigger) == {"trigger": "Say from which event the deadline counts."}
    assert errors(issue_draft) == {None: "Only an approved version can be issued."}
    assert None in errors(again)
    assert set(errors(nowhere)) == {"area_code"}
    assert set(errors(malformed)) == {"duties"}
    assert None in errors(jump)


def test_an_issued_version_cannot_be_changed(staff: Persona, lurah: Persona) -> None:
    from tests.builders import issued_version

    version = issued_version(lurah.organisation)
    drafter = bearer(staff)
    step = version.steps.first()
    duty = version.duties.first()
    assert step is not None and duty is not None
    text = {
        "title": "Judul lain",
        "considerations": ["bahwa"],
        "legal_bases": ["UU"],
    }

    edit = send(drafter, "PATCH", f"{API}/versions/{version.pk}", text)
    step_edit = send(
        drafter, "PUT", f"{API}/steps/{step.pk}", {"title": "Lain", "responsible": "kader"}
    )
    step_delete = drafter.delete(f"{API}/steps/{step.pk}")
    duty_delete = drafter.delete(f"{API}/duties/{duty.pk}")
    comment = post(bearer(lurah), f"{API}/versions/{version.pk}/comments", {"text": "Terlambat"})

    for response in (edit, step_edit, step_delete, duty_delete, comment):
        assert response.status_code == 422, response.content
    assert "can no longer be changed" in errors(edit)[None]
    version.refresh_from_db()
    assert version.title != "Judul lain" and version.steps.count() == 11


def test_the_offices_contacts_are_set_and_read_back_through_the_api(
    staff: Persona, kelurahan_ws: Organisation
) -> None:
    drafter = bearer(staff)
    version_id = created_id(post(drafter, API, {"area_code": WATANG_SOREANG}))
    mechanism_id = drafter.get(f"{API}/versions/{version_id}").json()["mechanism_id"]
    contacts = {
        "office_address": "Jl. Bau Massepe No. 10",
        "office_phone": "(0421) 21001",
        "office_postcode": "91131",
        "office_email": "kel-ws@example.org",
    }
    changed = send(drafter, "PATCH", f"{API}/{mechanism_id}", contacts)
    assert changed.status_code == 200, changed.content[:300]
    read = drafter.get(f"{API}/{mechanism_id}").json()
    assert {key: read[key] for key in contacts} == contacts
