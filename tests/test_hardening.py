"""Hardening that holds for every page (issue 18): production cookies are Secure, HttpOnly
and SameSite with the __Host- prefix; the Content Security Policy allows no inline script
or style and nothing from another host; a form sent without its CSRF token changes
nothing. (The deploy check: tests/test_settings.py; session fixation at the second factor:
accounts/tests/test_sign_in.py; login timing: accounts/tests/test_login_timing.py.)"""

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sipakatau.cases.models import Note
from tests.builders import open_case
from tests.factories import Persona
from tests.test_settings import _manage, _production_keys

SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "session": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
    "csrf": [settings.CSRF_COOKIE_NAME, settings.CSRF_COOKIE_SECURE,
             settings.CSRF_COOKIE_HTTPONLY, settings.CSRF_COOKIE_SAMESITE],
    "hsts": settings.SECURE_HSTS_SECONDS,
    "ssl": settings.SECURE_SSL_REDIRECT,
}))
"""


def test_production_cookies_are_secure_httponly_samesite_and_host_bound(tmp_path: Path) -> None:
    audit_key = tmp_path / "audit_key"
    audit_key.write_text("x" * 64)
    result = _manage(
        "shell",
        "-c",
        SHOW,
        SIPAKATAU_ENV="production",
        SIPAKATAU_SECRET_KEY="k" * 20 + "-production-secret-that-is-long-and-random-1234567890",
        SIPAKATAU_AUDIT_KEY_FILE=str(audit_key),
        SIPAKATAU_ALLOWED_HOSTS="sipakatau.example.go.id",
        SIPAKATAU_BASE_URL="https://sipakatau.example.go.id",
        SIPAKATAU_VAR_DIR=str(tmp_path),
        **_production_keys(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])

    assert shown["session"] == ["__Host-sessionid", True, True, "Lax"]
    name, secure, httponly, samesite = shown["csrf"]
    assert (name, secure, httponly, samesite) == ("__Host-csrftoken", True, True, "Lax")
    assert shown["hsts"] >= 31536000
    assert shown["ssl"] is True


@pytest.mark.parametrize("path", ["/", "/lapor/", "/akun/masuk/"])
def test_the_content_security_policy_allows_no_inline_code_and_no_other_host(
    db: None, path: str
) -> None:
    policy = Client().get(path)["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, _space, sources = part.strip().partition(" ")
        directives[name] = sources

    assert directives["default-src"] == "'none'"
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "*" not in policy.replace("*.", "")  # no wildcard source
    for name in ("script-src", "style-src"):
        assert directives[name].split() == ["'self'"], (name, directives[name])
    assert "http:" not in policy and "https:" not in policy  # no other host named


def test_a_form_sent_without_its_csrf_token_is_refused_and_changes_nothing(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    client = Client(enforce_csrf_checks=True)
    client.cookies = bahagia_caseworker.client.cookies

    answer = client.post(reverse("cases:note_add", args=[case.pk]), {"body": "Dari situs lain"})

    assert answer.status_code == 403
    assert not Note.objects.filter(case=case).exists()
