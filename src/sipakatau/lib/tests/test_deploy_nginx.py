"""deploy/nginx/sipakatau.conf in front of the production site: every visitor keeps her
own address, so one visitor's failures never lock out another, and the address a client
writes in X-Forwarded-For is never believed."""

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .proxied_site import (
    APP_PORT,
    HOST,
    HTTP_PORT,
    Site,
    nginx,
    production_site,
    request,
    sign_in_fails,
)

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (Debian package nginx, .ci/system-packages)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("nginx")
    with production_site(directory) as (running, _server), nginx(directory):
        yield running


def username() -> str:
    return f"nobody-{uuid.uuid4().hex[:10]}"


def test_two_clients_through_nginx_are_locked_out_separately(site: Site) -> None:
    name = username()
    # Given: 127.0.0.2 fails four times for one username, each time claiming another
    # address in X-Forwarded-For (were the claim believed, no pair would ever fill up).
    first = [sign_in_fails(name, source="127.0.0.2", forged=f"198.51.100.{n}") for n in range(4)]
    assert first == [401] * 4

    # When: its fifth failure reaches the limit (AXES_FAILURE_LIMIT), it tries again, and
    # another client tries the same username.
    fifth = sign_in_fails(name, source="127.0.0.2", forged="198.51.100.98")
    again = sign_in_fails(name, source="127.0.0.2", forged="198.51.100.99")
    other = sign_in_fails(name, source="127.0.0.3")

    # Then: the first is paused, the second is answered as usual.
    assert (fifth, again) == (429, 429)
    assert other == 401
    assert site.addresses_seen(name) == ["127.0.0.2", "127.0.0.3"]


def test_a_forged_header_sent_straight_to_the_app_is_ignored(site: Site) -> None:
    # 127.0.0.4 is not the trusted proxy (127.0.0.1): what it claims means nothing.
    name = username()
    status = sign_in_fails(name, source="127.0.0.4", forged="127.0.0.9", port=APP_PORT, tls=False)
    assert status == 401
    assert site.addresses_seen(name) == ["127.0.0.4"]


def test_plain_http_is_sent_to_https(site: Site) -> None:
    response = request("GET", "/lapor/", source="127.0.0.2", port=HTTP_PORT, tls=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/lapor/"


def test_a_body_over_the_upload_limit_is_refused_by_nginx(site: Site) -> None:
    response = request(
        "POST",
        "/api/v1/auth/token",
        source="127.0.0.2",
        body=b"x" * (13 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413


def test_the_app_answers_through_nginx_with_its_security_headers(site: Site) -> None:
    response = request("GET", "/api/v1/openapi.json", source="127.0.0.2")
    assert response.status in {200, 401, 404}
    assert response.getheader("Strict-Transport-Security", "").startswith("max-age=")
