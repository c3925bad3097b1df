"""The comparison of two versions and the decree as a Word document, through the API."""

import io
import json
import zipfile

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from tests.builders import bearer as bearer_client
from tests.builders import created_id, draft_version, issued_version, post
from tests.factories import WATANG_BACUKIKI, Persona, english, make_organisation, make_persona

pytestmark = pytest.mark.django_db

API = "/api/v1/mechanisms"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def bearer(persona: Persona) -> Client:
    return english(bearer_client(persona))


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


def test_the_diff_names_what_changed_in_the_new_version(
    staff: Persona, kelurahan_ws: Organisation, dp3a_officer: Persona
) -> None:
    # Given the issued version 1 and a version 2 with a shorter first-contact deadline
    issued = issued_version(kelurahan_ws)
    drafter = bearer(staff)
    new_id = created_id(post(drafter, f"{API}/versions/{issued.pk}/new-version"))
    new = drafter.get(f"{API}/versions/{new_id}").json()
    step = next(s for s in new["steps"] if s["action"] == "first_contact")
    fields = ("title", "description", "responsible", "action", "trigger", "escalate_to")
    body = {k: step[k] for k in fields}
    body["deadlines"] = [
        {**d, "amount": 1} if d["risk_level"] == "HIGH" else d for d in step["deadlines"]
    ]
    response = drafter.put(
        f"{API}/steps/{step['id']}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content

    # When a reader compares them, either way round
    reader = bearer(dp3a_officer)
    by_default = reader.get(f"{API}/versions/{new_id}/diff")
    from_old = reader.get(f"{API}/versions/{issued.pk}/diff", {"other": new_id})

    # Then the change of the step is named once, old before new
    assert by_default.status_code == 200, by_default.content
    diff = by_default.json()
    assert (diff["old_version_id"], diff["new_version_id"]) == (issued.pk, new_id)
    assert from_old.json() == diff
    [change] = diff["changes"]
    assert change["section"] == "step" and change["kind"] == "changed"
    assert "Deadline (high)" in change["label"]
    assert change["before"] == "2 hours" and change["after"].startswith("1 hour")


def test_the_diff_needs_a_version_of_the_same_mechanism(
    kelurahan_ws: Organisation, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = draft_version(kelurahan_ws)
    office = make_organisation(
        "Kantor Kelurahan Watang Bacukiki",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_BACUKIKI,
    )
    theirs = draft_version(office)
    reader = bearer(dp3a_officer)

    first = reader.get(f"{API}/versions/{ours.pk}/diff")
    elsewhere = reader.get(f"{API}/versions/{ours.pk}/diff", {"other": theirs.pk})
    outsider = bearer(ikhlas_caseworker).get(f"{API}/versions/{ours.pk}/diff", {"other": ours.pk})
    # An outsider learns nothing from ``other`` either
    hidden = bearer(ikhlas_caseworker).get(f"{API}/versions/{theirs.pk}/diff", {"other": ours.pk})

    assert first.status_code == 422 and first.json()["detail"][0]["field"] == "other"
    assert elsewhere.status_code == 422 and elsewhere.json()["detail"][0]["field"] == "other"
    assert outsider.status_code == 404
    assert hidden.status_code == 404


def test_the_decree_downloads_as_a_word_document(
    lurah: Persona, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    version = issued_version(lurah.organisation)
    url = f"{API}/versions/{version.pk}/decree.docx"

    response = bearer(dp3a_officer).get(url)

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == DOCX
    assert "sk-lurah-400-01-kel-ws-2026.docx" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        text = docx.read("word/document.xml").decode()
    assert "MEMUTUSKAN" in text and version.decree.number in text
    assert bearer(ikhlas_caseworker).get(url).status_code == 404


def test_a_draft_has_no_word_document(kelurahan_ws: Organisation, dp3a_officer: Persona) -> None:
    version = draft_version(kelurahan_ws)
    response = bearer(dp3a_officer).get(f"{API}/versions/{version.pk}/decree.docx")
    assert response.status_code == 404
