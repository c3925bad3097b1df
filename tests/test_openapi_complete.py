"""The OpenAPI document declares every refusal an operation can give (issue 18): a client
generated from it must know the 401, 403, 404 and 422 answers and their shape, and that
the public report needs an Idempotency-Key."""

import inspect
import json
import sys
from collections import defaultdict
from typing import Any

import pytest
from django.test import Client
from pydantic import BaseModel

pytestmark = pytest.mark.django_db

ERROR_FIELDS = {"detail", "code"}


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas ``schema`` may be (following $ref and anyOf)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(document, document["components"]["schemas"][name])
    if "anyOf" in schema:
        return [found for part in schema["anyOf"] for found in resolve(document, part)]
    return [schema]


def error_shaped(document: dict[str, Any], answer: dict[str, Any]) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return False
    return any(
        set(option.get("required", [])) >= ERROR_FIELDS for option in resolve(document, schema)
    )


def expected_refusals(path: str, operation: dict[str, Any]) -> set[str]:
    expected = set()
    if operation.get("security"):
        expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        takes_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if "requestBody" in operation or takes_query:
            expected.add("422")
    return expected


def test_every_authenticated_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    missing = []
    authenticated = 0
    for method, path, operation in operations(document):
        expected = expected_refusals(path, operation)
        authenticated += bool(operation.get("security"))
        for code in sorted(expected):
            answer = operation["responses"].get(code)
            if answer is None or not error_shaped(document, answer):
                missing.append(f"{method.upper()} {path}: {code}")
    assert authenticated > 90
    assert missing == []


def test_every_operation_documents_the_busy_answer(document: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(document)
        if not error_shaped(document, operation["responses"].get("503", {}))
    ]
    assert missing == []


def idempotency_header(operation: dict[str, Any]) -> dict[str, Any] | None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter.get("name") == "Idempotency-Key":
            return dict(parameter)
    return None


def test_the_public_report_declares_its_idempotency_key_required_and_needs_it(
    document: dict[str, Any],
) -> None:
    operation = document["paths"]["/api/v1/public/reports"]["post"]
    header = idempotency_header(operation)
    assert header is not None and header["required"] is True

    # The declaration matches what the operation does: without the key, no report.
    report = {"kelurahan_code": "73.72.03.1003", "what_happened": "Ada pemukulan."}
    response = Client().post("/api/v1/public/reports", report, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "key_required"


def test_an_operation_that_says_the_key_is_required_declares_it_so(
    document: dict[str, Any],
) -> None:
    optional = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(document)
        if "Idempotency-Key header required" in operation.get("summary", "")
        and not (idempotency_header(operation) or {}).get("required")
    ]
    assert optional == []


def test_token_writes_declare_the_optional_idempotency_key(document: dict[str, Any]) -> None:
    undeclared = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(document)
        if method in ("post", "put", "patch", "delete")
        and operation.get("security")
        and idempotency_header(operation) is None
    ]
    assert undeclared == []


def test_the_docs_page_uses_this_servers_copy_of_swagger_ui() -> None:
    """django-ninja is not an installed app (so that workers serving pages never import it);
    the docs page must still come with its scripts from here, which the CSP allows, not
    from a CDN, which it refuses."""
    page = Client().get("/api/v1/docs").content.decode()

    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert "cdn" not in page.lower()


# What an operation may take in its address (the query string lands in access logs and
# proxies' logs): paging, filters by code, dates and places, never a person's name, NIK,
# KK or telephone. A search by identity goes in a POST body (``POST /api/v1/cases/search``,
# ``POST /api/v1/referrals/received/search``). A new query parameter must be added here on
# purpose, after asking whether it can carry an identity.
ADDRESS_PARAMETERS = {
    "page", "page_size", "cursor",  # paging
    "status", "show", "due", "mine", "flood", "risk_level", "violence_form", "service",
    "service_type", "period", "reported_from", "reported_to",  # filters by code or date
    "area", "parent", "unit", "kelurahan_code", "rw", "rt",  # places and units by code
    "by", "other", "sha256", "token",  # analysis axis, version to compare, decree check
}  # fmt: skip
# Free text in the address only where it names a public place or service, never a person.
FREE_TEXT_IN_ADDRESS = {
    ("get", "/api/v1/directory/providers", "q"),  # a provider's name (public directory)
    ("get", "/api/v1/public/places", "q"),  # a kelurahan's or desa's name
    ("get", "/api/v1/mapping/questionnaires/{questionnaire_id}/analysis", "q"),  # a question
}


def test_no_operation_takes_a_persons_identity_in_its_address(document: dict[str, Any]) -> None:
    found = {
        (method, path, parameter["name"])
        for method, path, operation in operations(document)
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query"
    }
    unexpected = {
        found_one
        for found_one in found
        if found_one[2] not in ADDRESS_PARAMETERS and found_one not in FREE_TEXT_IN_ADDRESS
    }
    assert not unexpected, f"query parameters that could carry an identity: {sorted(unexpected)}"
    # The searches by identity are there, and take their words in the body.
    for path in ("/api/v1/cases/search", "/api/v1/referrals/received/search"):
        assert set(document["paths"][path]) == {"post"}, path
        assert "requestBody" in document["paths"][path]["post"], path


def test_every_bound_reaches_the_document_as_json_schema() -> None:
    """A pydantic bound put on an annotated type (``Field(ge=1)`` on ``JsonInt``) is
    checked but reaches the document as ``"ge"``, which JSON Schema ignores: schemathesis
    then sent ``position: 0`` as valid. Bounds go inside (``lib.api_types``)."""
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            found.extend(f"{path}/{k}" for k in ("ge", "le", "gt", "lt") if k in node)
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(Client().get("/api/v1/openapi.json").json(), "")
    assert found == []


def test_no_two_schemas_share_a_name_in_the_document() -> None:
    """The document names each schema by its class: two classes of one name (a public
    report's ``ReportIn`` and a mapping report's) become one component, and one operation
    then documents the other's body (schemathesis sent a public report to the mapping
    report's operation). Two classes of one name must be the same schema."""
    import sipakatau.api.urls  # noqa: F401  (every API module, imported)

    by_name: dict[str, list[type[BaseModel]]] = defaultdict(list)
    for name, module in list(sys.modules.items()):
        if not name.startswith("sipakatau.") or module is None:
            continue
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == name:
                by_name[value.__name__].append(value)
    clashes = [
        f"{name}: {', '.join(c.__module__ for c in classes)}"
        for name, classes in sorted(by_name.items())
        if len({json.dumps(c.model_json_schema(), sort_keys=True) for c in classes}) > 1
    ]
    assert clashes == []
