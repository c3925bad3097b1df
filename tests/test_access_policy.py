"""The access policy (src/sipakatau/access_policy.yaml) is complete and true.

Every route Django can resolve and every operation in the OpenAPI document must have a
row; every row is checked with real users: one per role in LBK-KK Bahagia, acting on
objects of their own organisation and of LBK-KK Ikhlas. Each answer also carries the
security headers.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from tests.factories import (
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    make_organisation,
    make_persona,
    make_user,
)

POLICY_FILE = Path(__file__).resolve().parent.parent / "src" / "sipakatau" / "access_policy.yaml"
POLICY = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
API_META_ROUTES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def _walk(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from _walk(
                pattern.url_patterns,
                f"{namespace}:{inner}" if namespace and inner else inner or namespace,
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def page_routes() -> list[str]:
    names = sorted(set(_walk(get_resolver().url_patterns)))
    return [n for n in names if not n.startswith("api:") or n in API_META_ROUTES]


def api_operations() -> list[str]:
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    )


def test_every_route_is_in_the_policy() -> None:
    missing = [name for name in page_routes() if name not in POLICY["routes"]]
    assert not missing, f"Add these routes to {POLICY_FILE.name}: {missing}"


def test_every_api_operation_is_in_the_policy(db: None) -> None:
    missing = [op for op in api_operations() if op not in POLICY["api"]]
    assert not missing, f"Add these API operations to {POLICY_FILE.name}: {missing}"


def test_the_policy_names_no_route_that_does_not_exist(db: None) -> None:
    assert set(POLICY["routes"]) <= set(page_routes())
    assert set(POLICY["api"]) <= set(api_operations())


# --- Checking every cell ------------------------------------------------------------------


def _expected(row: dict[str, Any], role: str, scope: str) -> int:
    answer = row.get("roles", {}).get(role, row.get("others"))
    if isinstance(answer, dict):
        return int(answer[scope])
    assert answer is not None, f"no answer for role {role}"
    return int(answer)


def _target(kind: str, actor_org: Organisation, other_org: Organisation, scope: str) -> int:
    organisation = actor_org if scope == "own" else other_org
    if kind == "organisation":
        return organisation.pk
    target = make_user(organisation, Role.VOLUNTEER)
    if kind == "user":
        return target.pk
    if kind == "membership":
        return Membership.objects.get(user=target, organisation=organisation).pk
    raise AssertionError(f"unknown object kind {kind}")


def assert_security_headers(response: Any, where: str) -> None:
    headers = response.headers
    assert "default-src 'none'" in headers.get("Content-Security-Policy", ""), where
    assert "script-src 'self'" in headers["Content-Security-Policy"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert "no-store" in headers.get("Cache-Control", ""), where
    assert headers.get("X-Frame-Options") == "DENY", where


def _organisations() -> tuple[Organisation, Organisation]:
    own = make_organisation(
        "LBK-KK Bahagia", type=OrganisationType.LBK_KK, area_code=WATANG_SOREANG
    )
    other = make_organisation(
        "LBK-KK Ikhlas", type=OrganisationType.LBK_KK, area_code=WATANG_BACUKIKI
    )
    return own, other


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    if method == "POST":
        if body is not None:
            return client.post(url, json.dumps(body), content_type="application/json")
        return client.post(url)
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(POLICY["routes"]))
def test_route_answers_as_the_policy_says(route: str) -> None:
    row = POLICY["routes"][route]
    method = row.get("method", "GET")
    own_org, other_org = _organisations()
    kind = row.get("object")
    scopes = ["own", "other"] if kind else ["own"]

    def url(scope: str) -> str:
        if not kind:
            return reverse(route)
        return reverse(route, kwargs={"pk": _target(kind, own_org, other_org, scope)})

    response = _send(Client(), method, url("own"))
    assert response.status_code == row["anonymous"], f"{route} anonymous"
    assert_security_headers(response, f"{route} anonymous")

    for role in Role.values:
        for scope in scopes:
            persona = make_persona(own_org, role)
            response = _send(persona.client, method, url(scope))
            where = f"{route} as {role} on {scope}"
            assert response.status_code == _expected(row, role, scope), where
            assert_security_headers(response, where)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(POLICY["api"]))
def test_api_operation_answers_as_the_policy_says(operation: str) -> None:
    row = POLICY["api"][operation]
    method, path = operation.split(" ", 1)
    own_org, other_org = _organisations()
    kind = row.get("object")
    scopes = ["own", "other"] if kind else ["own"]

    def url(scope: str) -> str:
        if not kind:
            return path
        pk = _target(kind, own_org, other_org, scope)
        return path.replace("{user_id}", str(pk)).replace("{organisation_id}", str(pk))

    counter = iter(range(1000))

    def body() -> dict[str, Any] | None:
        if "body" not in row:
            return None
        text = json.dumps(row["body"]).replace('"{own_organisation}"', str(own_org.pk))
        return json.loads(text.replace("{n}", str(next(counter))))  # type: ignore[no-any-return]

    response = _send(Client(), method, url("own"), body())
    assert response.status_code == row["anonymous"], f"{operation} anonymous"

    for role in Role.values:
        for scope in scopes:
            persona = make_persona(own_org, role)
            response = _send(persona.client, method, url(scope), body())
            where = f"{operation} as {role} on {scope}"
            assert response.status_code == _expected(row, role, scope), (
                f"{where}: {response.content[:200]!r}"
            )
            assert_security_headers(response, where)
