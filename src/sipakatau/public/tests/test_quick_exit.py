"""The quick exit leads to the page the installation chose on another site, from every
public page; a wrong address stops the start; and no public answer may be kept by the
browser (Cache-Control: no-store), whatever the route, the step or the error."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from sipakatau.accounts.models import Organisation
from tests.test_settings import _manage

from .support import first_focusable, form_data, submit, track

pytestmark = pytest.mark.django_db

NEUTRAL = "https://cuaca.example.org/prakiraan?kota=parepare&hari=ini"


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[str]:
    """Every path of the URLconf with its namespace, parameters filled in ("1", "x")."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            filled = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m[1] == "int" else "x", route)
            yield f"{namespace}|/{filled}"


def public_routes() -> list[str]:
    """The portal's pages and API, the inbox of public reports included: anything a
    reporter's browser may reach on the public side."""
    paths = []
    for found in _routes(get_resolver()):
        namespace, path = found.split("|", 1)
        if namespace == "public" or path == "/" or path.startswith("/api/v1/public/"):
            paths.append(path)
    return sorted(set(paths))


def _pages_with_the_portal_frame(client: Client) -> dict[str, str]:
    """Every public page a reporter can see, with its HTML: each GET route that answers
    200, the refused and the challenged report, the done page and a followed report."""
    pages = {}
    for path in public_routes():
        response = client.get(path)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            pages[path] = response.content.decode()
    refused = client.post(reverse("public:report"), form_data(what_happened=""))
    pages["refused report"] = refused.content.decode()
    client.post(reverse("public:report"), form_data())
    pages["done"] = client.get(reverse("public:report_done")).content.decode()
    sent = submit()
    track(client, sent.report.tracking_code, sent.pin or "")
    pages["followed report"] = client.get(reverse("public:track")).content.decode()
    return pages


@override_settings(QUICK_EXIT_URL=NEUTRAL)
def test_quick_exit_leads_to_the_configured_page_from_every_public_page(
    anonymous: Client, bahagia: Organisation
) -> None:
    pages = _pages_with_the_portal_frame(anonymous)

    assert {"/", reverse("public:report"), reverse("public:track"), "done"} <= set(pages)
    for name, html in pages.items():
        if 'id="quick-exit"' not in html:
            continue  # not drawn in the portal's frame (none is, today)
        first = first_focusable(html)
        assert 'id="quick-exit"' in first, name
        assert f'href="{escape(NEUTRAL)}"' in first, name
        assert 'rel="noreferrer"' in first, name
    framed = [name for name, html in pages.items() if 'id="quick-exit"' in html]
    assert len(framed) == len(pages)


def test_the_neutral_page_is_no_longer_on_this_site(anonymous: Client) -> None:
    assert anonymous.get("/cuaca/").status_code == 404


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)", "is not an absolute http(s) URL"),
        ("/cuaca/", "is not an absolute http(s) URL"),
        ("ftp://cuaca.example.org/", "is not an absolute http(s) URL"),
        ("https://someone:secret@cuaca.example.org/", "is not an absolute http(s) URL"),
        ('https://cuaca.example.org/"><script>', "is not an absolute http(s) URL"),
        ("https://localhost/cuaca/", "must lead to another site"),
    ],
)
def test_a_wrong_quick_exit_address_stops_the_start(value: str, message: str) -> None:
    result = _manage("check", SIPAKATAU_QUICK_EXIT_URL=value)

    assert result.returncode != 0
    assert "SIPAKATAU_QUICK_EXIT_URL" in result.stderr
    assert message in result.stderr


def test_an_installation_chooses_its_quick_exit_page() -> None:
    code = "from django.conf import settings; print(settings.QUICK_EXIT_URL)"
    chosen = _manage("shell", "--no-imports", "-c", code, SIPAKATAU_QUICK_EXIT_URL=NEUTRAL)
    default = _manage("shell", "--no-imports", "-c", code)

    assert chosen.stdout.strip() == NEUTRAL, chosen.stderr
    assert default.stdout.strip().startswith("https://www.bmkg.go.id/"), default.stderr


# --- Nothing kept by the browser --------------------------------------------------------


def _no_store(response: Any, what: str) -> None:
    assert "no-store" in response.get("Cache-Control", ""), (what, response.status_code)


def test_every_public_route_answers_no_store(anonymous: Client, bahagia: Organisation) -> None:
    routes = public_routes()
    assert reverse("public:report") in routes and reverse("public:track") in routes

    for path in routes:
        for method in ("get", "post"):
            _no_store(getattr(anonymous, method)(path), f"{method.upper()} {path}")


def test_every_step_and_error_of_a_report_answers_no_store(
    anonymous: Client, bahagia: Organisation, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = reverse("public:report")
    # the steps: the form, a refusal, the done page, a report followed with its code
    _no_store(anonymous.get(report), "form")
    _no_store(anonymous.post(report, form_data(what_happened="")), "refused")
    _no_store(anonymous.post(report, form_data()), "sent")
    _no_store(anonymous.get(reverse("public:report_done")), "done")
    sent = submit()
    _no_store(track(anonymous, sent.report.tracking_code, sent.pin or ""), "tracked")
    _no_store(anonymous.get(reverse("public:track")), "followed")
    # the flood limit's question
    settings.PUBLIC_REPORTS_PER_ADDRESS = 1
    challenged = anonymous.post(report, form_data())
    assert challenged.status_code == 429
    _no_store(challenged, "challenge")
    # the errors: a page that does not exist, a wrong method, an expired form, a crash
    _no_store(anonymous.get(report + "tidak-ada/"), "404")
    _no_store(anonymous.put(report), "405")
    _no_store(Client(enforce_csrf_checks=True).post(report, form_data()), "csrf")
    monkeypatch.setattr("sipakatau.public.views.render", _crash)
    crashed = Client(raise_request_exception=False).get(reverse("public:track"))
    assert crashed.status_code == 500
    _no_store(crashed, "500")


def _crash(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")
