"""Bad input to the API answers a structured 4xx, never a server error (issue 18): a page
number far past the end on every paginated list, a lone surrogate or a NUL byte in text
that is encrypted at rest, and ``null`` where a list is expected."""

import json
from typing import Any

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation, Role
from tests.builders import bearer, post
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db

HUGE_PAGES = ["999999999", str(10**20), "-1", "0", "x"]


def paginated_lists(client: Client) -> list[str]:
    """Every GET operation of the OpenAPI document that takes a ``page`` and no path
    parameter."""
    schema = client.get("/api/v1/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        if any(p.get("name") == "page" for p in get.get("parameters", [])):
            found.append(path)
    return found


def assert_structured(response: Any, url: str) -> None:
    assert response.status_code < 500, (url, response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json"), url
    if response.status_code >= 400:
        assert "detail" in response.json(), url


@pytest.fixture
def coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


def test_every_paginated_list_answers_a_page_past_the_end_or_a_bad_page_without_error(
    coordinator: Persona, city_admin: Persona
) -> None:
    for persona in (coordinator, city_admin):
        client = bearer(persona)
        lists = paginated_lists(client)
        assert len(lists) >= 5
        for path in lists:
            for page in HUGE_PAGES:
                response = client.get(path, {"page": page})
                assert_structured(response, f"{path}?page={page}")
                if page in ("999999999", str(10**20)) and response.status_code == 200:
                    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "text",
    ["x\ud800", "ab\x00cd"],
    ids=["lone surrogate", "NUL byte"],
)
def test_text_that_cannot_be_stored_is_refused_with_a_structured_answer(
    coordinator: Persona, text: str
) -> None:
    """A note is encrypted at rest: a lone surrogate has no UTF-8 form to encrypt."""
    from tests.builders import open_case

    case = open_case(coordinator.membership)
    client = bearer(coordinator)
    body = json.dumps({"body": text})  # escapes the surrogate as a client would
    response = client.post(f"/api/v1/cases/{case.pk}/notes", body, content_type="application/json")
    assert_structured(response, "POST notes")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"
    assert not case.notes.exists()


# Found by tests/test_api_fuzz.py (schemathesis) --------------------------------------


@pytest.mark.parametrize(
    "body", [b"\x00", b"{not json", b"\xff\xfe"], ids=["NUL", "broken", "bytes"]
)
def test_a_body_that_is_not_json_is_a_structured_422(coordinator: Persona, body: bytes) -> None:
    """ninja answered 400 ``{"detail": "Cannot parse request body"}``: no ``code``, and a
    status the document did not declare."""
    for client in (Client(), bearer(coordinator)):
        response = client.post("/api/v1/cases", body, content_type="application/json")
        if response.status_code == 401:  # anonymous: refused before the body is read
            assert response.json()["code"] == "unauthorized"
            continue
        assert_structured(response, "POST /cases")
        assert response.status_code == 422
        assert response.json()["code"] == "invalid"

    response = Client().post("/api/v1/auth/token", b"\x00", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_body_naming_an_unknown_object_answers_a_documented_404(
    coordinator: Persona,
) -> None:
    """POST /social/rules with an unknown programme answers 404, which the document did
    not declare for operations without an id in the path."""
    client = bearer(coordinator)
    schema = client.get("/api/v1/openapi.json").json()
    body = {"programme_code": "NOPE", "expression": "x", "description": "x"}
    response = post(client, "/api/v1/social/rules", body)
    declared = schema["paths"]["/api/v1/social/rules"]["post"]["responses"]
    assert str(response.status_code) in declared, response.content[:200]


@pytest.mark.parametrize("host", ["evil.example", ""])
def test_a_request_refused_before_the_api_answers_json_too(host: str) -> None:
    """A host name not served, or none (Django's DisallowedHost, answered by handler400)
    used to answer the HTML 400 page on API routes."""
    response = Client(HTTP_HOST=host).get("/api/v1/cases")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "bad_request"


def test_every_operation_documents_the_400_a_bad_host_gets(coordinator: Persona) -> None:
    """``make fuzz`` (negative pass) sent an empty Host header to ``POST
    /accounts/users/{user_id}/disable``: Django refuses it before any view, so any
    operation can answer the JSON 400, and the document listed it only for forms."""
    schema = Client().get("/api/v1/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "400" not in operation["responses"]
    ]
    assert missing == []
    # and the one the fuzzing found answers it, as documented
    client = bearer(coordinator)
    client.raise_request_exception = False
    response = client.post("/api/v1/accounts/users/1/disable", HTTP_HOST="")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_an_id_too_large_for_the_database_in_a_body_is_a_structured_422(
    coordinator: Persona,
) -> None:
    """``report_ids: [2**70]`` reached SQLite, whose driver raised OverflowError: a 500
    (found by the long fuzz run on POST /public/inbox/flood)."""
    client = bearer(coordinator)
    client.raise_request_exception = False

    response = post(client, "/api/v1/public/inbox/flood", {"report_ids": [2**70]})

    assert_structured(response, "POST /public/inbox/flood")
    assert response.status_code == 422


def test_a_nul_in_a_multipart_form_is_refused_too(coordinator: Persona) -> None:
    """The JSON guard reads JSON bodies only; an upload's title comes in a multipart form,
    which the service checks (SQLite kept the NUL). A lone surrogate cannot travel in a
    form: its bytes arrive as broken UTF-8, which Django replaces."""
    import io

    from PIL import Image

    from tests.builders import open_case

    case = open_case(coordinator.membership)
    picture = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(picture, format="PNG")
    picture.seek(0)
    picture.name = "foto.png"
    client = bearer(coordinator)
    client.raise_request_exception = False
    response = client.post(
        f"/api/v1/cases/{case.pk}/attachments",
        {"title": "ab\x00cd", "file": picture},
        headers={"Idempotency-Key": "nul-title-1"},  # the layer that hashes the body
    )
    assert_structured(response, "POST attachments")
    assert response.status_code == 422, response.content[:200]
    assert not case.attachments.exists()


@pytest.mark.parametrize("path", ["/api/v1/directory/providers", "/api/v1/public/places"])
def test_a_nul_in_the_address_is_refused_with_a_structured_answer(
    coordinator: Persona, path: str
) -> None:
    client = bearer(coordinator)
    client.raise_request_exception = False

    response = client.get(path, {"q": "ab\x00cd"})

    assert_structured(response, path)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"


@pytest.mark.parametrize("parameter", ["tempat", "wilayah"])
def test_a_nul_in_a_pages_address_is_a_400_page_not_a_server_error(parameter: str) -> None:
    """``/lapor/?tempat=%00`` reached a query: a 500 on PostgreSQL, for anyone."""
    from django.urls import reverse

    client = Client(raise_request_exception=False)

    response = client.get(reverse("public:report"), {parameter: "73\x00"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# --- The constraints the document states are the ones the API applies (issue 18) -------

PERIODS_TAKEN = ["2026-11", " 2026-q4 ", "2026", "1901-01", "9998-12", "", " "]
PERIODS_REFUSED = [
    "0000-Q1",
    "9999-12",
    "9999",
    "1900",
    "2026-13",
    "2026-00",
    "٢٠٢٦-11",
    "2026-Q5",
    "26-11",
]


@pytest.mark.parametrize("period", PERIODS_TAKEN + PERIODS_REFUSED)
def test_the_documented_period_pattern_is_what_the_api_takes(
    coordinator: Persona, period: str
) -> None:
    """schemathesis sends what the pattern allows and expects it taken, and what it
    forbids and expects it refused. ``0000-Q1`` and ``9999-12`` were server errors
    (years 0 and 10000 have no date)."""
    import re

    client = bearer(coordinator)
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/reports/indicators"]["get"]["parameters"]
    pattern = next(p["schema"]["pattern"] for p in parameters if p["name"] == "period")
    response = client.get("/api/v1/reports/indicators", {"period": period})
    documented = re.search(pattern, period) is not None
    assert documented is (period in PERIODS_TAKEN)
    assert response.status_code == (200 if documented else 422), (period, response.content)


@pytest.mark.parametrize(
    ("given", "taken"),
    [("ab" * 32, True), (" " + "AB" * 32 + "\n", True), ("ab" * 31, False), ("g" * 64, False)],
)
def test_the_documented_sha256_pattern_is_what_decree_verify_takes(given: str, taken: bool) -> None:
    import re

    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/mechanisms/decrees/verify"]["get"]["parameters"]
    pattern = next(p["schema"]["pattern"] for p in parameters if p["name"] == "sha256")
    assert (re.search(pattern, given) is not None) is taken
    response = client.get("/api/v1/mechanisms/decrees/verify", {"token": "x", "sha256": given})
    # An unknown token is a 404 (documented now: the operation is public), after the hash.
    assert response.status_code == (404 if taken else 422), response.content


@pytest.mark.parametrize(
    ("given", "taken"),
    [("2026-01-31", True), ("0", False), ("20260131", False), ("2026-01-31T00:00:00", False)],
)
def test_a_date_filter_takes_a_date_only_not_a_number(
    coordinator: Persona, given: str, taken: bool
) -> None:
    """The document says ``format: date``; pydantic's lax mode read ``0`` as a Unix time
    (1970-01-01), so ``?reported_from=0`` was taken (long fuzzing run,
    negative_data_rejection). In the address and in the search body alike."""
    client = bearer(coordinator)
    expected = 200 if taken else 422
    response = client.get("/api/v1/cases", {"reported_from": given, "reported_to": given})
    assert response.status_code == expected, (given, response.content[:200])
    body: Any = int(given) if given.isdigit() else given
    response = post(client, "/api/v1/cases/search", {"reported_from": body})
    assert response.status_code == expected, (given, response.content[:200])


@pytest.mark.parametrize(
    ("given", "taken"), [(1990, True), (1990.0, True), (False, False), ("1990", False)]
)
def test_an_integer_in_a_body_is_a_json_integer_not_a_boolean_or_text(
    coordinator: Persona, given: Any, taken: bool
) -> None:
    """The document says ``integer``: ``false`` was taken as 0 and ``"1990"`` as 1990
    (pydantic's lax mode; long fuzzing run, negative_data_rejection)."""
    client = bearer(coordinator)
    for field in ("birth_year", "exclude_case_id"):
        response = post(client, "/api/v1/cases/duplicates", {"name": "Siti", field: given})
        assert response.status_code == (200 if taken else 422), (field, response.content[:200])


@pytest.mark.parametrize(("given", "taken"), [({}, True), (0, False), ([], False), ("x", False)])
def test_a_body_of_optional_fields_must_still_be_an_object(
    coordinator: Persona, given: Any, taken: bool
) -> None:
    """Every field of the duplicate check is optional; a ninja Schema reads attributes of
    whatever it is given, so ``0`` and ``[[...]]`` were taken as an empty check (long
    fuzzing run, negative_data_rejection)."""
    response = bearer(coordinator).post(
        "/api/v1/cases/duplicates", json.dumps(given), content_type="application/json"
    )
    assert response.status_code == (200 if taken else 422), response.content[:200]


@pytest.mark.parametrize(("given", "taken"), [("Ibu mendukung", True), ("", False), (" \n", False)])
def test_a_note_must_not_be_blank_and_the_document_says_so(
    coordinator: Persona, given: str, taken: bool
) -> None:
    """The service refuses a blank note; the document did not say so, so schemathesis sent
    ``{"body": ""}`` as valid (long fuzzing run, positive_data_acceptance)."""
    import re

    from tests.builders import open_case

    client = bearer(coordinator)
    schema = client.get("/api/v1/openapi.json").json()
    pattern = schema["components"]["schemas"]["NoteIn"]["properties"]["body"]["pattern"]
    assert (re.search(pattern, given) is not None) is taken
    case = open_case(coordinator.membership)
    response = post(client, f"/api/v1/cases/{case.pk}/notes", {"body": given})
    assert response.status_code == (201 if taken else 422), response.content[:200]


def test_a_multipart_body_that_cannot_be_read_answers_a_documented_400(
    coordinator: Persona,
) -> None:
    """A multipart body without its boundary: Django cannot read the form, the API answers
    400 bad_request, which the document did not list (long fuzzing run, negative pass:
    schemathesis sends a body that is not an object as it is)."""
    client = bearer(coordinator)
    schema = client.get("/api/v1/openapi.json").json()
    path = "/api/v1/mapping/questionnaires/{questionnaire_id}/imports"
    documented = schema["paths"][path]["post"]["responses"]
    response = client.generic(
        "POST",
        "/api/v1/mapping/questionnaires/1/imports",
        b"--bb\r\n[{}, 1]--bb--\r\n",
        content_type="multipart/form-data",
    )
    assert_structured(response, "POST imports")
    assert response.status_code == 400
    assert "400" in documented, list(documented)
