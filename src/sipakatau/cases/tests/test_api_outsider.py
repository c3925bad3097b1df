"""Whoever is not in the case's scope gets 404 from every case endpoint — by token and by
session — and finds nothing in lists, search or duplicate warnings."""

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sipakatau.cases.models import Case
from sipakatau.cases.services import care, workflow
from tests.builders import API, bearer, png, post, ready_case
from tests.factories import Persona

OUTSIDERS = ["ikhlas_caseworker", "dp3a_officer", "lurah", "auditor", "bahagia_admin"]
TODAY = str(timezone.localdate())

# A valid body for every operation that takes an object id: the answer must come from
# the scope check (404), not from a refused body (422).
BODIES: dict[str, dict[str, Any] | None] = {
    "GET /cases/{case_id}": None,
    "GET /cases/attachments/{attachment_id}": None,
    "POST /cases/{case_id}/parties": {"role": "WITNESS", "person": {"name": "Ani"}},
    "POST /cases/{case_id}/identity": {"party_id": 1},
    "POST /cases/{case_id}/incident": {"narrative": "x", "violence_forms": ["PSIKIS"]},
    "POST /cases/{case_id}/relationships": {
        "victim_party_id": 1,
        "perpetrator_party_id": 2,
        "relationship": "TETANGGA",
    },
    "POST /cases/{case_id}/classification": {"answers": {"psychological": True}},
    "POST /cases/{case_id}/assessments": {"risk_level": "LOW"},
    "POST /cases/{case_id}/consents": {
        "subject_party_id": 1,
        "purpose": "STATISTICS",
        "method": "VERBAL_WITNESSED",
        "witness_name": "Pak RW",
    },
    "POST /cases/consents/{consent_id}/withdraw": {"reason": "x"},
    "POST /cases/{case_id}/plan-items": {"service_type": "KESEHATAN"},
    "POST /cases/plan-items/{item_id}/status": {"status": "done"},
    "POST /cases/{case_id}/follow-ups": {"assigned_to_id": 1, "due_on": TODAY},
    "POST /cases/follow-ups/{follow_up_id}/record": {"summary": "x"},
    "POST /cases/{case_id}/notes": {"body": "x"},
    "POST /cases/{case_id}/attachments": {},  # multipart, see _send
    "POST /cases/{case_id}/assign": {"worker_id": 1},
    "POST /cases/{case_id}/activate": {},
    "POST /cases/{case_id}/monitor": {},
    "POST /cases/{case_id}/police-forwarding": {},
    "POST /cases/{case_id}/closures": {"reason": "SERVICES_COMPLETED", "summary": "x"},
    "POST /cases/closures/{closure_id}/decide": {"approve": False, "comment": "x"},
    "POST /cases/{case_id}/reopen": {"reason": "x"},
    "PUT /cases/{case_id}/incident/details": {"time_of_day": "MORNING"},
    "PUT /cases/parties/{party_id}/particulars": {"education": "SD"},
    "PUT /cases/parties/{party_id}/perpetrator": {"occupation": "LAINNYA"},
}


def _object_operations() -> list[str]:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    return sorted(
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in document["paths"].items()
        for method in operations
        # The monitoring figures take a mechanism version, not a case: their scope is
        # the mechanism's (tests/test_access_policy.py and test_mechanism_activation.py).
        if path.startswith("/api/v1/cases") and "{" in path and "mechanism-monitoring" not in path
    )


@pytest.fixture
def bahagia_case(
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
) -> dict[str, int]:
    """A Bahagia case with one of everything an endpoint can point at."""
    worker = bahagia_caseworker.membership
    case = ready_case(bahagia_volunteer.membership, worker)
    attachment = care.attachment_add(
        actor=worker, case=case, title="Bukti", filename="bukti.png", data=png()
    )
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_caseworker.user, due_on=timezone.localdate()
    )
    closure = workflow.closure_request(
        actor=worker, case=case, reason="SERVICES_COMPLETED", summary="Selesai"
    )
    return {
        "case_id": case.pk,
        "attachment_id": attachment.pk,
        "consent_id": case.consents.get().pk,
        "item_id": case.plan_items.get().pk,
        "follow_up_id": follow_up.pk,
        "closure_id": closure.pk,
        "party_id": case.parties.order_by("pk").first().pk,  # type: ignore[union-attr]
    }


def _send(client: Client, operation: str, ids: dict[str, int]) -> Any:
    method, path = operation.split(" ", 1)
    url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda match: str(ids[match.group(1)]), path)
    if method == "GET":
        return client.get(url)
    if path.endswith("/attachments"):
        upload = SimpleUploadedFile("bukti.png", png(), "image/png")
        return client.post(url, {"title": "x", "file": upload})
    if method == "PUT":
        return client.put(url, json.dumps(BODIES[operation]), content_type="application/json")
    return post(client, url, BODIES[operation])


def test_every_object_operation_has_a_body_here(db: None) -> None:
    assert set(_object_operations()) == set(BODIES)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_gets_404_on_every_case_endpoint(
    request: pytest.FixtureRequest, outsider: str, bahagia_case: dict[str, int]
) -> None:
    persona: Persona = request.getfixturevalue(outsider)
    before = Case.objects.get(pk=bahagia_case["case_id"]).updated_at

    for client in (bearer(persona), persona.client):
        for operation in BODIES:
            response = _send(client, operation, bahagia_case)
            assert response.status_code == 404, (
                f"{outsider} {operation}: {response.content[:200]!r}"
            )
            assert b"Siti" not in response.content

    assert Case.objects.get(pk=bahagia_case["case_id"]).updated_at == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_finds_nothing_in_lists_search_and_duplicates(
    request: pytest.FixtureRequest, outsider: str, bahagia_case: dict[str, int]
) -> None:
    client = bearer(request.getfixturevalue(outsider))
    register_number = Case.objects.get(pk=bahagia_case["case_id"]).register_number

    listed = client.get(API)
    searched = post(client, f"{API}/search", {"search": "Siti Aminah"})
    by_number = post(client, f"{API}/search", {"search": register_number})
    duplicates = post(client, f"{API}/duplicates", {"name": "Siti Aminah", "birth_year": 1995})

    for response in (listed, searched, by_number):
        assert response.status_code == 200
        assert response.json()["items"] == []
    assert duplicates.json() == []


def test_the_unit_finds_its_own_case_by_name(
    bahagia_case: dict[str, int], bahagia_caseworker: Persona
) -> None:
    client = bearer(bahagia_caseworker)

    searched = post(client, f"{API}/search", {"search": "Siti Aminah"})

    assert [item["id"] for item in searched.json()["items"]] == [bahagia_case["case_id"]]
