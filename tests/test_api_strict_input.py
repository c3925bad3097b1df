"""Bad input gets a clear structured error and changes nothing (issue 18, the API fuzzing
with every schemathesis check): a date-time is an RFC 3339 string with its offset, and a
JSON body is an object."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case, Consent
from tests.builders import add_party, bearer, open_case, post
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


def assert_refused(response: Any, field: str | None = None) -> None:
    """The API's one 422 shape: a list of field errors and ``code: invalid``."""
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["code"] == "invalid"
    assert isinstance(answer["detail"], list) and answer["detail"], answer
    if field is not None:
        assert field in [error["field"] for error in answer["detail"]], answer


# --- Date-times -------------------------------------------------------------------------

NOT_A_DATE_TIME = [
    1733554200,  # a Unix time: pydantic's lax mode read it as one
    1733554200.5,
    True,
    "1733554200",
    "2026-12-01 10:00:00+08:00",  # ISO 8601 allows the space, RFC 3339's grammar does not
    "2026-12-01T10:00+08:00",  # no seconds
    "2026-12-01T10:00:00+0800",  # an offset without its colon
    "2026-12-01T10:00:00",  # no offset: which zone? (refused, see lib/api_types.py)
    "2026-12-01",
    "01/12/2026 10:00",
    "kemarin",
    "2026-13-01T10:00:00Z",
    "2026-12-31T23:59:60Z",  # a leap second Python cannot hold
    "0001-01-01T00:00:00+08:00",  # before year 1 in UTC
]


@pytest.mark.parametrize("given", NOT_A_DATE_TIME, ids=repr)
def test_a_case_is_not_opened_with_a_report_time_that_is_not_rfc_3339(
    coordinator: Persona, given: Any
) -> None:
    # Given a coordinator's token and the counts before
    client = bearer(coordinator)
    cases, events = Case.objects.count(), AuditEvent.objects.count()

    # When she opens a case with a report time that is a number, a boolean or loose text
    response = post(client, "/api/v1/cases", {"channel": "WALK_IN", "reported_at": given})

    # Then the answer is the structured 422 naming the field, and nothing was written
    assert_refused(response, "reported_at")
    assert Case.objects.count() == cases
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("given", "utc"),
    [
        ("2026-12-01T10:00:00+08:00", datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        ("2026-12-01t02:00:00.5z", datetime(2026, 12, 1, 2, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-01T09:00:00.123456789+07:00", datetime(2026, 12, 1, 2, 0, 0, 123456, tzinfo=UTC)),
        # Offsets RFC 3339 allows and PostgreSQL cannot store (past 15:59): a 500 there
        # until the moment was put in UTC (make fuzz on PostgreSQL).
        ("2026-11-20T21:07:14-23:39", datetime(2026, 11, 21, 20, 46, 14, tzinfo=UTC)),
        ("2026-11-20T21:07:14+23:59", datetime(2026, 11, 19, 21, 8, 14, tzinfo=UTC)),
    ],
)
def test_a_case_is_opened_with_a_report_time_in_rfc_3339(
    coordinator: Persona, given: str, utc: datetime
) -> None:
    response = post(
        bearer(coordinator), "/api/v1/cases", {"channel": "WALK_IN", "reported_at": given}
    )

    assert response.status_code == 201, response.content[:300]
    assert Case.objects.get(pk=response.json()["id"]).reported_at == utc


def test_the_document_says_date_time_where_the_api_takes_one() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    for name, field in (("CaseOpenIn", "reported_at"), ("ConsentIn", "given_at")):
        options = schemas[name]["properties"][field]["anyOf"]
        assert {"type": "string", "format": "date-time"} in options, options


@pytest.mark.parametrize("given", [1733554200, True, "2026-12-01 10:00", "2026-12-01T10:00:00"])
def test_a_consent_is_not_recorded_with_a_time_that_is_not_rfc_3339(
    coordinator: Persona, given: Any
) -> None:
    # Given a case with a victim, an adult
    case = open_case(coordinator.membership)
    victim = add_party(coordinator.membership, case)
    client = bearer(coordinator)
    body = {
        "subject_party_id": victim.pk,
        "purpose": "SERVICES",
        "method": "VERBAL_WITNESSED",
        "witness_name": "Ibu RT",
    }
    events = AuditEvent.objects.count()

    # When her consent is recorded with a time that is a number, a boolean or loose text
    response = post(client, f"/api/v1/cases/{case.pk}/consents", {**body, "given_at": given})

    # Then it is refused and nothing is recorded; with a proper time it is
    assert_refused(response, "given_at")
    assert not Consent.objects.filter(case=case).exists()
    assert AuditEvent.objects.count() == events
    taken = post(
        client, f"/api/v1/cases/{case.pk}/consents", {**body, "given_at": "2026-12-01T10:00:00Z"}
    )
    assert taken.status_code == 201, taken.content[:300]
    assert Consent.objects.get(case=case).given_at == datetime(2026, 12, 1, 10, tzinfo=UTC)


# --- A JSON body is an object -------------------------------------------------------------


def json_operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def test_a_json_body_that_is_not_an_object_is_refused_by_every_operation(
    coordinator: Persona, city_admin: Persona, dp3a_officer: Persona, lurah: Persona
) -> None:
    """Every operation of the document that takes a JSON body, as a role that may call it
    (its token: a coordinator for the unit's work, an admin for accounts and the
    directory, an agency officer for the referral inbox, the lurah for the mechanism).
    The path names ids that need not exist: the body is read before the object is
    fetched, and an unknown id would answer 404, which is also a refusal but not the one
    tested; so the answer must be the structured 422, never 2xx, never a server error."""
    document = Client().get("/api/v1/openapi.json").json()
    operations = json_operations(document)
    assert len(operations) >= 70
    clients = [bearer(persona) for persona in (coordinator, city_admin, dp3a_officer, lurah)]
    anonymous = Client()
    taken = []
    unreached = []
    for method, path in operations:
        url = path.replace("{", "").replace("}", "")  # "{case_id}" -> "case_id"
        url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
        secured = bool(document["paths"][path][method].get("security"))
        reached = False
        for body in ("0", "[]", '"x"', "null", "true", "[{}]"):
            for client in clients if secured else [anonymous]:
                client.raise_request_exception = False
                response = client.generic(
                    method.upper(),
                    url,
                    body,
                    content_type="application/json",
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                )
                if response.status_code in (401, 403):
                    continue  # not this role's operation; another role's is tried
                reached = True
                structured = response["Content-Type"].startswith("application/json")
                if (
                    response.status_code != 422
                    or not structured
                    or response.json().get("code") != "invalid"
                ):
                    taken.append(f"{method.upper()} {path} {body}: {response.status_code}")
        if not reached:
            unreached.append(f"{method.upper()} {path}")
    assert taken == []
    assert unreached == []


@pytest.mark.parametrize("given", [0, [], "x", True])
def test_an_object_inside_a_body_must_be_an_object_too(coordinator: Persona, given: Any) -> None:
    """A victim's profile and particulars and an incident's GBVIMS fields are all optional:
    ``"profile": 0`` was taken as an empty profile, as a top-level ``0`` was."""
    # Given a case of her unit
    case = open_case(coordinator.membership)
    client = bearer(coordinator)
    events = AuditEvent.objects.count()
    person = {"name": "Siti Aminah", "sex": "P", "age_estimate": 30}

    # When a party is added with a profile or particulars that are not objects
    for field in ("profile", "particulars"):
        response = post(
            client,
            f"/api/v1/cases/{case.pk}/parties",
            {"role": "VICTIM", "person": person, field: given},
        )
        # Then it is refused, naming the field, and no party is added
        assert_refused(response, field)
        assert not case.parties.exists()

    # And so is an incident whose GBVIMS fields are not an object
    response = post(client, f"/api/v1/cases/{case.pk}/incident", {"gbvims": given})
    assert_refused(response, "gbvims")
    assert AuditEvent.objects.count() == events


def test_every_object_inside_an_input_with_no_required_field_is_an_object_in() -> None:
    """The parser checks the body itself (``api/parser.py``); an object inside it is read
    by its own schema, which must refuse what is not an object when no required field
    would (``lib.api_types.ObjectIn``). Found from the document, so a new one is not
    forgotten."""
    from ninja import Schema

    from sipakatau.lib.api_types import ObjectIn

    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    nested: set[str] = set()

    def walk(node: Any, top: bool) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if not top and name not in nested:
                    nested.add(name)
                    walk(schemas[name], False)
                elif top:
                    walk(schemas[name], False)
                return
            for value in node.values():
                walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, False)

    for methods in document["paths"].values():
        for operation in methods.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], True)
    optional = {
        name
        for name in nested
        if schemas[name].get("type") == "object" and not schemas[name].get("required")
    }
    assert {"ProfileIn", "ParticularsIn", "IncidentDetailsIn"} <= optional

    def subclasses(cls: type) -> list[type]:
        return [cls, *(found for sub in cls.__subclasses__() for found in subclasses(sub))]

    classes = {
        cls.__name__: cls
        for cls in subclasses(Schema)
        if cls.__module__.startswith("sipakatau.") and cls.__name__ in optional
    }
    assert set(classes) == optional
    assert [name for name, cls in sorted(classes.items()) if not issubclass(cls, ObjectIn)] == []


# --- An uploaded file is not empty ----------------------------------------------------------

EMPTY_MESSAGES = {"The file is empty.", "Berkasnya kosong."}


def empty_file(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"")


def assert_empty_file_refused(response: Any, field: str = "file") -> None:
    assert_refused(response, field)
    messages = {error["message"] for error in response.json()["detail"]}
    assert messages & EMPTY_MESSAGES, messages


@pytest.mark.parametrize("name", ["foto.png", "surat.pdf"])
def test_an_empty_attachment_is_refused_and_nothing_is_stored(
    coordinator: Persona, name: str
) -> None:
    # Given a case of her unit
    case = open_case(coordinator.membership)
    client = bearer(coordinator)
    events = AuditEvent.objects.count()

    # When she uploads an empty file to it
    response = client.post(
        f"/api/v1/cases/{case.pk}/attachments", {"title": "Bukti", "file": empty_file(name)}
    )

    # Then the answer says the file is empty, and nothing is stored
    assert_empty_file_refused(response)
    assert not case.attachments.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["formulir.xlsx", "formulir.xls", "formulir"])
def test_an_empty_xlsform_is_refused_and_no_questionnaire_is_made(
    coordinator: Persona, name: str
) -> None:
    from sipakatau.mapping.models import Questionnaire

    client = bearer(coordinator)
    events = AuditEvent.objects.count()

    response = client.post(
        "/api/v1/mapping/questionnaires", {"title": "Pemetaan", "file": empty_file(name)}
    )

    assert_empty_file_refused(response)
    assert not Questionnaire.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["kiriman.csv", "kiriman.xlsx"])
def test_an_empty_file_of_submissions_is_refused_and_no_import_is_queued(
    coordinator: Persona, bahagia: Organisation, name: str
) -> None:
    from sipakatau.mapping.models import ImportRun
    from sipakatau.mapping.tests.support import active_questionnaire

    # Given the kelurahan's open questionnaire
    questionnaire = active_questionnaire(bahagia)
    client = bearer(coordinator)
    events = AuditEvent.objects.count()

    # When an empty export is sent to it
    response = client.post(
        f"/api/v1/mapping/questionnaires/{questionnaire.pk}/imports", {"file": empty_file(name)}
    )

    # Then no import is queued (a run that would fail later), and the answer says why
    assert_empty_file_refused(response)
    assert not ImportRun.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["penyedia.csv", "penyedia.xlsx"])
def test_an_empty_directory_import_is_refused(city_admin: Persona, name: str) -> None:
    from sipakatau.directory.models import Provider

    client = bearer(city_admin)
    providers, events = Provider.objects.count(), AuditEvent.objects.count()

    response = client.post("/api/v1/directory/import", {"file": empty_file(name)})

    assert_empty_file_refused(response)
    assert Provider.objects.count() == providers
    assert AuditEvent.objects.count() == events


def test_an_empty_crest_is_refused(bahagia: Organisation, lurah: Persona) -> None:
    from sipakatau.areas.models import RegionalCrest
    from tests.builders import draft_version

    version = draft_version(bahagia)
    client = bearer(lurah)
    events = AuditEvent.objects.count()

    response = client.put(
        f"/api/v1/mechanisms/{version.mechanism_id}/crest",
        json.dumps({"filename": "lambang.png", "content_base64": ""}),
        content_type="application/json",
    )

    assert_empty_file_refused(response)
    assert not RegionalCrest.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_pages_refuse_an_empty_upload_in_indonesian(
    coordinator: Persona, bahagia: Organisation
) -> None:
    """The pages' forms refuse an empty file before any service (Django's FileField), in
    Bahasa Indonesia; nothing is made."""
    from django.urls import reverse

    from sipakatau.mapping.models import ImportRun, Questionnaire
    from sipakatau.mapping.tests.support import active_questionnaire

    questionnaire = active_questionnaire(bahagia)
    pages = [
        (reverse("mapping:questionnaire_upload"), {"title": "", "file": empty_file("f.xlsx")}),
        (
            reverse("mapping:submissions_upload", args=[questionnaire.pk]),
            {"file": empty_file("kiriman.csv")},
        ),
    ]
    for url, form in pages:
        response = coordinator.client.post(url, form)

        assert response.status_code == 200, (url, response.status_code)
        assert "Berkas yang dikirimkan kosong." in response.content.decode(), url
    assert Questionnaire.objects.count() == 1
    assert not ImportRun.objects.exists()


def test_the_document_says_an_uploaded_file_is_not_empty() -> None:
    """The upload operations refuse an empty file (above); the document says so, so the
    fuzzing sends one as invalid, not as valid data to be taken."""
    document = Client().get("/api/v1/openapi.json").json()
    files = [
        (path, name, field)
        for path, methods in document["paths"].items()
        for operation in methods.values()
        for content, body in operation.get("requestBody", {}).get("content", {}).items()
        if content == "multipart/form-data"
        for name, field in body["schema"]["properties"].items()
        if field.get("format") == "binary"
    ]
    assert len(files) >= 4
    assert [(path, name) for path, name, field in files if field.get("minLength") != 1] == []


def test_the_documented_channels_and_needs_are_what_a_case_opens_with(
    coordinator: Persona,
) -> None:
    """The document lists the channel and immediate-need codes, so a client (and
    schemathesis' chains) can open a case; each listed code is taken, another is not."""
    client = bearer(coordinator)
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["CaseOpenIn"]
    channels = schema["properties"]["channel"]["enum"]
    needs = schema["properties"]["immediate_needs"]["items"]["enum"]
    assert "WALK_IN" in channels and "SHELTER" in needs

    for channel in channels:
        response = post(client, "/api/v1/cases", {"channel": channel, "immediate_needs": needs})
        assert response.status_code == 201, (channel, response.content[:200])
    cases = Case.objects.count()
    assert_refused(post(client, "/api/v1/cases", {"channel": "WALKIN"}), "channel")
    refused = post(client, "/api/v1/cases", {"channel": "PHONE", "immediate_needs": ["FOOD"]})
    assert_refused(refused, "immediate_needs")
    assert Case.objects.count() == cases


# --- A boolean is true or false ---------------------------------------------------------


@pytest.mark.parametrize("given", [0, 1, "false", "no", "", None, [], 0.0])
def test_a_case_is_not_opened_with_a_danger_flag_that_is_not_a_boolean(
    coordinator: Persona, given: Any
) -> None:
    """``make fuzz`` opened a case with ``"danger_now": 0``, read as "no danger now": for
    the flag that raises a same-day deadline, a client's 0 or "false" must be refused,
    never guessed."""
    client = bearer(coordinator)
    cases, events = Case.objects.count(), AuditEvent.objects.count()

    response = post(client, "/api/v1/cases", {"channel": "WALK_IN", "danger_now": given})

    assert_refused(response, "danger_now")
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)
    taken = post(client, "/api/v1/cases", {"channel": "WALK_IN", "danger_now": True})
    assert taken.status_code == 201, taken.content[:300]
    assert Case.objects.get(pk=taken.json()["id"]).danger_now is True


def _unchecked(model: type, walked: set[type]) -> list[str]:
    """The booleans, integers, dates and date-times of ``model`` and the objects inside it
    that no validator of ``lib.api_types`` guards (pydantic's lax mode would take 0 for
    false, "7" for 7), as ``module.Model.field: type``."""
    import typing
    from datetime import date, datetime

    from pydantic import BaseModel, BeforeValidator

    def guarded(metadata: Any) -> bool:
        return any(isinstance(item, BeforeValidator) for item in metadata)

    def scalars(annotation: Any, checked: bool, where: str) -> list[str]:
        if typing.get_origin(annotation) is typing.Annotated:
            base, *metadata = typing.get_args(annotation)
            return scalars(base, checked or guarded(metadata), where)
        if annotation in (bool, int, float, date, datetime):
            return [] if checked else [f"{where}: {annotation.__name__}"]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return _unchecked(annotation, walked)
        return [
            found
            for argument in typing.get_args(annotation)
            for found in scalars(argument, checked, where)
        ]

    if model in walked:
        return []
    walked.add(model)
    return [
        found
        for name, field in model.model_fields.items()  # type: ignore[attr-defined]
        for found in scalars(
            field.annotation,
            guarded(field.metadata),
            f"{model.__module__}.{model.__qualname__}.{name}",
        )
    ]


def test_every_scalar_of_a_json_body_is_read_strictly() -> None:
    """Every boolean, integer, date and date-time of every JSON body the API takes (nested
    objects too) is one of ``JsonBool``, ``JsonInt``, ``IsoDate``, ``IsoDateTime``: a plain
    ``bool`` or ``int`` is read in pydantic's lax mode. Forms and query strings send text
    and are not walked."""
    from sipakatau.api.urls import api

    bodies = [
        model
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        for model in operation.models
        if model.__ninja_param_source__ == "body"
    ]
    walked: set[type] = set()
    found = [unchecked for model in bodies for unchecked in _unchecked(model, walked)]
    assert len(bodies) >= 70
    assert found == []
