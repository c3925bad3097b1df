"""deploy/nginx/sipakatau.conf and deploy/caddy/Caddyfile in front of the production site:
every visitor keeps her own address, so one visitor's failures never lock out another,
and the address a client writes in X-Forwarded-For is never believed."""

import http.client
import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .proxied_site import (
    APP_PORT,
    CADDY_HTTP_PORT,
    CADDY_HTTPS_PORT,
    HOST,
    HTTP_PORT,
    HTTPS_PORT,
    Site,
    caddy,
    nginx,
    production_site,
    request,
    sign_in_fails,
)


@dataclass(frozen=True)
class Proxy:
    name: str
    port: int
    http_port: int


def _installed(program: str) -> bool:
    return shutil.which(program) is not None or Path(f"/usr/sbin/{program}").exists()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("site")
    with production_site(directory) as (running, _server):
        yield running


PROXIES: dict[str, tuple[int, int, Any]] = {
    "nginx": (HTTPS_PORT, HTTP_PORT, nginx),
    "caddy": (CADDY_HTTPS_PORT, CADDY_HTTP_PORT, caddy),
}


@pytest.fixture(scope="module", params=sorted(PROXIES))
def proxy(
    request: pytest.FixtureRequest, site: Site, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Proxy]:
    name: str = request.param
    if not _installed(name):
        pytest.skip(f"{name} is not installed (Debian package {name}, .ci/system-packages)")
    port, http_port, start = PROXIES[name]
    running: AbstractContextManager[object] = start(tmp_path_factory.mktemp(name))
    with running:
        yield Proxy(name, port, http_port)


def username() -> str:
    return f"nobody-{uuid.uuid4().hex[:10]}"


def test_two_clients_through_the_proxy_are_locked_out_separately(site: Site, proxy: Proxy) -> None:
    name = username()
    # Given: 127.0.0.2 fails four times for one username, each time claiming another
    # address in X-Forwarded-For (were the claim believed, no pair would ever fill up).
    first = [
        sign_in_fails(name, source="127.0.0.2", forged=f"198.51.100.{n}", port=proxy.port)
        for n in range(4)
    ]
    assert first == [401] * 4

    # When: its fifth failure reaches the limit (AXES_FAILURE_LIMIT), it tries again, and
    # another client tries the same username.
    fifth = sign_in_fails(name, source="127.0.0.2", forged="198.51.100.98", port=proxy.port)
    again = sign_in_fails(name, source="127.0.0.2", forged="198.51.100.99", port=proxy.port)
    other = sign_in_fails(name, source="127.0.0.3", port=proxy.port)

    # Then: the first is paused, the second is answered as usual, and the app saw the
    # addresses the proxy saw, never a claimed one.
    assert (fifth, again) == (429, 429)
    assert other == 401
    assert site.addresses_seen(name) == ["127.0.0.2", "127.0.0.3"]


def test_a_body_over_the_upload_limit_is_refused_by_the_proxy(proxy: Proxy) -> None:
    def send() -> int:
        return request(
            "POST",
            "/api/v1/auth/token",
            source="127.0.0.2",
            port=proxy.port,
            body=b"x" * (13 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        ).status

    if proxy.name == "nginx":
        # nginx reads Content-Length and answers before the body is sent on.
        assert send() == 413
    else:
        # Caddy 2.6 cuts the body at the limit while passing it on: the request fails
        # (413, or the connection closed), it never reaches the app whole.
        try:
            status = send()
        except (OSError, http.client.HTTPException):
            status = 0
        assert status in {0, 413}


def test_the_app_answers_through_the_proxy_with_its_security_headers(proxy: Proxy) -> None:
    response = request("GET", "/api/v1/openapi.json", source="127.0.0.2", port=proxy.port)
    assert response.status in {200, 401, 404}
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")


def test_plain_http_is_sent_to_https(proxy: Proxy) -> None:
    response = request("GET", "/lapor/", source="127.0.0.2", port=proxy.http_port, tls=False)
    assert response.status in {301, 308}
    location = response.getheader("Location", "")
    assert location.startswith(f"https://{HOST}")
    assert location.endswith("/lapor/")


def test_a_forged_header_sent_straight_to_the_app_is_ignored(site: Site) -> None:
    # 127.0.0.4 is not the trusted proxy (127.0.0.1): what it claims means nothing.
    name = username()
    status = sign_in_fails(name, source="127.0.0.4", forged="127.0.0.9", port=APP_PORT, tls=False)
    assert status == 401
    assert site.addresses_seen(name) == ["127.0.0.4"]


def test_the_site_started_by_init_production_and_serve_is_healthy(site: Site) -> None:
    # Given the site started by the two commands (the site fixture), when a monitor on
    # the server asks /healthz over plain HTTP
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
    connection.request("GET", "/healthz", headers={"Host": HOST})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()

    # Then every check is green: the database serve migrated, the job queue serve
    # started, the disks, the key files init_production wrote, and the backup (none yet
    # on a new installation, which is not a failure on its first day)
    assert response.status == 200, answer
    checks = {check["name"]: check["ok"] for check in answer["checks"]}
    assert {"database", "queue", "key_files", "backup"} <= set(checks), checks
    assert all(checks.values()), answer
