"""Calling the cases API as a client would: with a bearer token and JSON."""

import json
from typing import Any

from django.test import Client

from sipakatau.accounts.tokens import api_token_issue
from tests.factories import Persona

API = "/api/v1/cases"


def bearer(persona: Persona) -> Client:
    """A client with a fresh token of ``persona`` and no cookies; CSRF is enforced, to
    show that a bearer request needs none."""
    issued = api_token_issue(membership=persona.membership)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issued.token}")


def post(client: Client, url: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def created_id(response: Any) -> int:
    assert response.status_code == 201, response.content[:300]
    return int(response.json()["id"])
