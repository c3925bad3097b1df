"""Signing in: password, then the second factor; lockout that tells nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from tests.factories import PASSWORD, make_user

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")


def _code_for(user: object) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_signs_in_with_password_and_totp(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()

    response = client.post(LOGIN, {"username": "siti", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")

    response = client.post(reverse("accounts:verify"), {"token": _code_for(user)})
    assert response.status_code == 302
    assert response["Location"] == HOME
    page = client.get(HOME)
    assertContains(page, "LBK-KK Bahagia")
    assert AuditEvent.objects.filter(
        action="auth.second_factor_accepted", actor_id=user.pk
    ).exists()


def test_a_password_alone_does_not_open_any_page(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()
    client.post(LOGIN, {"username": "siti", "password": PASSWORD})

    for url in (HOME, reverse("accounts:user_list"), reverse("accounts:security")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:verify")
    assert client.get("/api/v1/me").status_code == 401


def test_it_refuses_a_wrong_totp_code(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()
    client.post(LOGIN, {"username": "siti", "password": PASSWORD})

    response = client.post(reverse("accounts:verify"), {"token": "000000"})

    assert response.status_code == 200
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()


def test_a_backup_code_works_once(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    device = StaticDevice.objects.create(user=user, name="backup")
    StaticToken.objects.create(device=device, token="abcd1234")

    first = Client()
    first.post(LOGIN, {"username": "siti", "password": PASSWORD})
    assert first.post(reverse("accounts:verify"), {"token": "abcd 1234"})["Location"] == HOME

    second = Client()
    second.post(LOGIN, {"username": "siti", "password": PASSWORD})
    assert second.post(reverse("accounts:verify"), {"token": "abcd1234"}).status_code == 200


def test_a_new_user_enrols_an_authenticator_and_gets_backup_codes(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.VOLUNTEER, username="baru", with_totp=False)
    client = Client()
    response = client.post(LOGIN, {"username": "baru", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:setup")
    assert client.get(HOME)["Location"] == reverse("accounts:setup")

    page = client.get(reverse("accounts:setup"))
    assertContains(page, "<svg")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("accounts:setup"), {"token": code})

    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{8})</code>", response.content.decode())
    assert len(codes) == 10
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("username", ["siti", "nobody-by-this-name"])
def test_lockout_answers_the_same_for_known_and_unknown_usernames(
    bahagia: Organisation, username: str
) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()

    answers = [
        client.post(LOGIN, {"username": username, "password": "wrong password"}) for _ in range(6)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    # Even the right password is refused while locked.
    locked = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get(HOME).status_code == 302


def test_lockout_pages_are_identical_for_known_and_unknown_usernames(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")

    def last_answers(username: str) -> tuple[str, str]:
        client = Client()
        bodies = [
            client.post(
                LOGIN, {"username": username, "password": "wrong password"}
            ).content.decode()
            for _ in range(6)
        ]
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"')
        return strip.sub("", bodies[0]), strip.sub("", bodies[-1])

    assert last_answers("siti") == last_answers("no-such-user")


def test_the_session_id_changes_at_the_second_factor(bahagia: Organisation) -> None:
    """Session fixation: the id known after the password (or planted before it) opens
    nothing once the second factor is given."""
    from django.conf import settings

    cookie = settings.SESSION_COOKIE_NAME
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()
    client.post(LOGIN, {"username": "siti", "password": PASSWORD})
    after_password = client.cookies[cookie].value
    assert client.post(reverse("accounts:verify"), {"token": _code_for(user)})["Location"] == HOME
    assert client.cookies[cookie].value != after_password
    assert client.get(HOME).status_code == 200
    stale = Client()
    stale.cookies[cookie] = after_password
    assert stale.get(HOME).status_code == 302


def test_the_session_id_changes_when_a_new_user_enrols(bahagia: Organisation) -> None:
    from django.conf import settings

    cookie = settings.SESSION_COOKIE_NAME
    user = make_user(bahagia, Role.VOLUNTEER, username="baru", with_totp=False)
    client = Client()
    client.post(LOGIN, {"username": "baru", "password": PASSWORD})
    client.get(reverse("accounts:setup"))
    after_password = client.cookies[cookie].value
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("accounts:setup"), {"token": code}).status_code == 200
    assert client.cookies[cookie].value != after_password
