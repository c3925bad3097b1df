"""The OpenAPI document says every answer an operation can give, in one place.

The refusals are not written by the operations: a request Django cannot read or a Host
it does not serve (400), authentication (401), a role or CSRF
check (403), an object out of scope (404), a malformed request or a service's refusal
(422) and a locked database or a full disk (503) are answered by the API's exception
handlers and the middleware, whatever the operation. So they are added here, to every
operation they can reach, after ninja has built the document — instead of on each of
about a hundred decorators, where one would always be missing. Headers the middleware
reads are declared here too: ``Idempotency-Key``, required where a write refuses to run
without it, optional on every other write a token makes.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.openapi.schema import OpenAPISchema

ERROR = "ApiError"
INVALID = "ApiInvalid"
FIELD_ERROR = "ApiFieldError"

_SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "title": ERROR,
        "type": "object",
        "properties": {
            "detail": {"type": "string", "title": "Detail"},
            "code": {"type": "string", "title": "Code"},
        },
        "required": ["detail", "code"],
    },
    FIELD_ERROR: {
        "title": FIELD_ERROR,
        "type": "object",
        "properties": {
            "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Field"},
            "message": {"type": "string", "title": "Message"},
        },
        "required": ["field", "message"],
    },
    INVALID: {
        "title": INVALID,
        "type": "object",
        "description": "A list of field errors, or one sentence (unstorable text, a reused "
        "Idempotency-Key).",
        "properties": {
            "detail": {
                "anyOf": [
                    {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERROR}"}},
                    {"type": "string"},
                ],
                "title": "Detail",
            },
            "code": {"type": "string", "title": "Code"},
        },
        "required": ["detail", "code"],
    },
}

_DESCRIPTIONS = {
    "400": "The request could not be read: a form Django cannot parse, or a Host header "
    "this server does not answer to (code `bad_request`)",
    "401": "Not signed in, or no valid token (code `unauthorized`)",
    "403": "Signed in, but this role may not do this (code `forbidden`)",
    "404": "Not found, or not shared with you: the object in the address or one named in "
    "the request (code `not_found`)",
    "422": "The request was refused: fields with their messages (code `invalid`)",
    "503": "The database is busy or the disk is full: nothing was done; try again after "
    "Retry-After seconds (code `unavailable`)",
}

WRITES = {"post", "put", "patch", "delete"}

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Writes that refuse to run without the header (the public report: a report sent twice
# on a weak signal must be stored once). The method and the path as the document has it.
IDEMPOTENCY_REQUIRED = {("post", "/public/reports")}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(code: str, schema: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": _DESCRIPTIONS[code],
        "content": {"application/json": {"schema": _ref(schema)}},
    }
    if code == "503":
        answer["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    return answer


def _add(responses: dict[str, Any], code: str, schema: str) -> None:
    """Declare ``code`` with ``schema``; where the operation declares its own answer for
    that code, the handlers' shape is accepted next to it."""
    existing = responses.get(code)
    if existing is None:
        responses[code] = _answer(code, schema)
        return
    content = existing.setdefault("content", {}).setdefault("application/json", {})
    own = content.get("schema")
    if own is None:
        content["schema"] = _ref(schema)
    elif own != _ref(schema) and _ref(schema) not in own.get("anyOf", []):
        content["schema"] = {"anyOf": [own, _ref(schema)]}


def _takes_input(operation: dict[str, Any]) -> bool:
    return "requestBody" in operation or bool(operation.get("parameters"))


def _declare_idempotency_key(method: str, path: str, operation: dict[str, Any]) -> None:
    required = (method, path) in IDEMPOTENCY_REQUIRED
    if not required and not (method in WRITES and operation.get("security")):
        return
    parameters = operation.setdefault("parameters", [])
    for parameter in parameters:
        if parameter.get("in") == "header" and parameter.get("name") == IDEMPOTENCY_HEADER:
            parameter["required"] = parameter.get("required", False) or required
            return
    parameters.append(
        {
            "in": "header",
            "name": IDEMPOTENCY_HEADER,
            "required": required,
            "description": "The same key sent again answers the first answer and does "
            "nothing twice.",
            "schema": (
                {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"}
                if required
                else {"type": "string", "minLength": 1, "maxLength": 200}
            ),
        }
    )


def _declare_files_not_empty(form: dict[str, Any]) -> None:
    """Every upload refuses an empty file (422, "The file is empty."): the services say so
    to the pages and the API alike. ``minLength`` counts a binary string's bytes."""
    for field in form.get("properties", {}).values():
        if field.get("type") == "string" and field.get("format") == "binary":
            field["minLength"] = 1


def complete(schema: OpenAPISchema, prefix: str) -> OpenAPISchema:
    """Add the refusals, the error shapes and the middleware's headers to ``schema``."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(_SCHEMAS)
    for path, operations in schema.get("paths", {}).items():
        relative = path.removeprefix(prefix.rstrip("/"))
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _declare_idempotency_key(method, relative, operation)
            # ninja keys the answers by int; JSON makes them strings anyway.
            responses = {str(code): answer for code, answer in operation["responses"].items()}
            operation["responses"] = responses
            if operation.get("security"):
                _add(responses, "401", ERROR)
                _add(responses, "403", ERROR)
            # Not found, or out of scope: the object in the path, or one the request
            # names in its body or query.
            if "{" in path or (operation.get("security") and _takes_input(operation)):
                _add(responses, "404", ERROR)
            if _takes_input(operation) or method in WRITES:
                _add(responses, "422", INVALID)
            # Refused before the view, whatever the operation: a Host header that is not
            # in ALLOWED_HOSTS (empty, or another site's) and a multipart body Django
            # cannot read (a part without headers, a broken boundary): 400 bad_request.
            _add(responses, "400", ERROR)
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if form is not None:
                _declare_files_not_empty(form.get("schema", {}))
            _add(responses, "503", ERROR)
    return schema


class CompleteNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares what the handlers answer (``complete``)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        prefix = path_prefix if path_prefix is not None else self.get_root_path(path_params or {})
        return complete(schema, prefix)


class SelfHostedSwagger(Swagger):
    """The docs page with this server's copy of Swagger UI, as ninja serves it when it is an
    installed app (it is not: see NINJA_DIR in the settings); otherwise ninja would link the
    scripts from a CDN, which the Content Security Policy refuses."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)
