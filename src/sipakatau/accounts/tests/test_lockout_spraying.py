"""Guessing, measured: a pause per username and address, per address (spraying) and per
username (a distributed attack), and second-factor codes per account. Nobody but the owner
can lock the owner out, and no answer tells which usernames exist (issue 18)."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role, User
from tests.factories import PASSWORD, english, make_user

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
HOME = reverse("accounts:home")
TOKEN_URL = "/api/v1/auth/token"
WRONG = "not the password at all"

ATTACKER = "198.51.100.7"
OWNER_HOME = "203.0.113.5"


@dataclass
class Clock:
    """django.utils.timezone.now, held still and moved by hand: axes' failure times,
    django-otp's throttle and the pauses all read it. Authenticator codes follow the real
    time.time(), so a code made by the test stays right."""

    now: datetime = field(default_factory=timezone.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    held = Clock()
    with (
        mock.patch("django.utils.timezone.now", side_effect=lambda: held.now),
        # axes took its own reference to now() when it was imported.
        mock.patch("axes.handlers.proxy.now", side_effect=lambda: held.now),
        mock.patch("axes.attempts.now", side_effect=lambda: held.now),
    ):
        yield held


def _code_for(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _backup_code(user: User, code: str = "abcd1234") -> str:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    StaticToken.objects.create(device=device, token=code)
    return code


def _from(address: str) -> Client:
    return english(Client(REMOTE_ADDR=address))


def _try(client: Client, username: str, password: str = WRONG, **extra: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _ask_api(client: Client, **body: Any) -> Any:
    return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")


def _page(response: Any) -> str:
    """The page without what differs from one request to the next (the CSRF token and the
    form's send-once key)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'value="[0-9a-f]{32}"', "", page)


def _signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def _distributed_attack(username: str, addresses: int) -> None:
    """One wrong password for the username from each of many addresses (a botnet): never
    enough from one address to pause that pair."""
    for number in range(addresses):
        assert _try(_from(f"192.0.2.{number + 1}"), username).status_code == 200


# --- (a) The pair: failures elsewhere do not lock the owner out ------------------------


def test_five_failures_from_one_address_do_not_stop_the_owner_at_another(
    bahagia: Organisation,
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="caseworker")
    attacker = _from(ATTACKER)

    # Given five wrong passwords for her from the attacker's address,
    answers = [_try(attacker, "caseworker").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    # the pair is paused there, even for the right password;
    assert _try(attacker, "caseworker", PASSWORD).status_code == 429
    assert not _signed_in(attacker)

    # when she signs in from her own address, she gets in (password, then code).
    owner = _from(OWNER_HOME)
    assert _try(owner, "caseworker", PASSWORD)["Location"] == VERIFY
    assert owner.post(VERIFY, {"token": _code_for(user)})["Location"] == HOME
    assert _signed_in(owner)


def test_a_known_device_does_not_lift_the_pause_of_its_own_pair(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="caseworker")
    device = _from(OWNER_HOME)
    _try(device, "caseworker", PASSWORD)
    device.post(VERIFY, {"token": _code_for(user)})
    device.post(reverse("accounts:logout"))

    answers = [_try(device, "caseworker").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    assert _try(device, "caseworker", PASSWORD).status_code == 429


# --- (b) Spraying: one address, many usernames -----------------------------------------


def test_spraying_from_one_address_is_stopped_at_the_address_limit(
    bahagia: Organisation,
) -> None:
    """The probe of issue 18: 4 wrong passwords each for 19 accounts (76 tries) from one
    address. Today the address is paused after SIPAKATAU_LOCKOUT_ADDRESS_FAILURES (20)."""
    limit = settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES
    usernames = [make_user(bahagia, Role.CASEWORKER).username for _ in range(19)]
    attacker = _from(ATTACKER)

    answers = [_try(attacker, name).status_code for _round in range(4) for name in usernames]

    # The first limit - 1 tries answer "wrong", the limit-th pauses the address, and every
    # later try is refused before any password is checked.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert answers[limit - 1 :] == [429] * (76 - limit + 1)
    # Refused means not checked: the right password of a real account opens nothing now.
    assert _try(attacker, usernames[0], PASSWORD).status_code == 429
    assert not _signed_in(attacker)
    # Another address is not affected.
    elsewhere = _from(OWNER_HOME)
    assert _try(elsewhere, usernames[0], PASSWORD)["Location"] == VERIFY


def test_the_limit_th_try_is_still_checked_and_no_more(bahagia: Organisation) -> None:
    """The bound is exact: the limit-th try from an address is checked (a right password
    gets in), the one after it is not."""
    limit = settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES
    make_user(bahagia, Role.CASEWORKER, username="siti")
    make_user(bahagia, Role.CASEWORKER, username="rina")
    sprayer = _from(ATTACKER)
    for number in range(limit - 1):
        assert _try(sprayer, f"someone{number}").status_code == 200

    assert _try(sprayer, "siti", PASSWORD)["Location"] == VERIFY

    second = _from(ATTACKER)
    assert _try(second, "nobody").status_code == 429  # the limit-th failure
    assert _try(second, "rina", PASSWORD).status_code == 429
    assert not _signed_in(second)


@pytest.mark.parametrize("patient", [True, False], ids=["waits-as-told", "hammers"])
def test_an_attacker_gets_the_address_limit_each_hour_at_most(
    bahagia: Organisation, clock: Clock, patient: bool
) -> None:
    """The figure for docs/security.md: passwords checked per address per hour, over three
    hours. A patient attacker waits exactly as long as Retry-After says before each try; an
    impatient one tries every minute whatever the answer (and so keeps the pause going).
    Every try names a real account, so each check of a password is seen."""
    limit = settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES
    usernames = [make_user(bahagia, Role.CASEWORKER).username for _ in range(19)]
    attacker = _from(ATTACKER)
    start = clock.now
    checked_per_hour = [0, 0, 0]
    check_password = User.check_password

    def counted(user: User, raw_password: str) -> bool:
        checked_per_hour[int((clock.now - start) / timedelta(hours=1))] += 1
        return check_password(user, raw_password)

    tries = 0
    with mock.patch.object(User, "check_password", counted):
        while clock.now - start < timedelta(hours=3):
            answer = _try(attacker, usernames[tries % len(usernames)])
            tries += 1
            assert answer.status_code in {200, 429}
            if patient and answer.status_code == 429:
                clock.advance(int(answer["Retry-After"]))
            else:
                clock.advance(1 if patient else 60)

    if patient:
        assert checked_per_hour == [limit, limit, limit]
    else:
        assert checked_per_hour == [limit, 0, 0]


def test_a_known_device_behind_a_paused_address_still_signs_in(bahagia: Organisation) -> None:
    """Colleagues behind one address (a posko's connection, a mobile operator's shared
    address): the sprayer pauses the address, the owner's own device still gets in; a
    device that never signed in as her waits like the sprayer."""
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    code = _backup_code(user)
    laptop = _from(ATTACKER)
    _try(laptop, "siti", PASSWORD)
    laptop.post(VERIFY, {"token": _code_for(user)})
    laptop.post(reverse("accounts:logout"))

    sprayer = _from(ATTACKER)
    for number in range(settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES):
        _try(sprayer, f"someone{number}")
    assert _try(_from(ATTACKER), "siti", PASSWORD).status_code == 429

    assert _try(laptop, "siti", PASSWORD)["Location"] == VERIFY
    assert laptop.post(VERIFY, {"token": code})["Location"] == HOME


# --- (c) Second-factor codes: throttled per account -------------------------------------


def test_wrong_codes_slow_the_account_down_even_for_the_right_code(
    bahagia: Organisation, clock: Clock
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    attacker = _from(ATTACKER)  # has stolen the password
    assert _try(attacker, "siti", PASSWORD)["Location"] == VERIFY

    # Given three wrong codes, each sent as soon as the previous wait (1 s, 2 s) is over,
    for wait in (1, 2, 0):
        assertContains(attacker.post(VERIFY, {"token": "000000"}), "This code is not right")
        clock.advance(wait)
    # the next code is not checked for 4 s after the third: not even the right one,
    clock.advance(3)
    refused = attacker.post(VERIFY, {"token": _code_for(user)})
    assertContains(refused, "Too many wrong codes")
    assert not _signed_in(attacker)
    # and the wait is the account's, not the session's or the address's.
    owner = _from(OWNER_HOME)
    _try(owner, "siti", PASSWORD)
    assertContains(owner.post(VERIFY, {"token": _code_for(user)}), "Too many wrong codes")
    assert not _signed_in(owner)

    clock.advance(1)
    assert owner.post(VERIFY, {"token": _code_for(user)})["Location"] == HOME


def test_the_throttle_doubles_with_each_wrong_code(bahagia: Organisation, clock: Clock) -> None:
    """The figure for docs/security.md: codes checked per account in the first hour by
    someone who knows the password and sends each guess the moment it is allowed."""
    make_user(bahagia, Role.CASEWORKER, username="siti")
    attacker = _from(ATTACKER)
    _try(attacker, "siti", PASSWORD)
    device = TOTPDevice.objects.get(user__username="siti")
    start = clock.now
    checked = 0

    while clock.now - start < timedelta(hours=1):
        before = device.throttling_failure_count
        if attacker.post(VERIFY, {"token": "000000"}).status_code == 302:
            # The session ran out while waiting (30 idle minutes): the password again.
            _try(attacker, "siti", PASSWORD)
            attacker.post(VERIFY, {"token": "000000"})
        device.refresh_from_db()
        assert device.throttling_failure_count == before + 1  # it was checked
        checked += 1
        clock.advance(2 ** (device.throttling_failure_count - 1))

    # 1 + 2 + 4 + ... + 2**11 = 4095 s > 1 h: twelve codes in the first hour, then one
    # per doubling (the 20th waits six days).
    assert checked == 12


def test_guessing_authenticator_codes_leaves_the_backup_codes_working(
    bahagia: Organisation, clock: Clock
) -> None:
    """Someone with the stolen password slows the authenticator down; the owner still
    has her backup codes, which have a throttle of their own."""
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    code = _backup_code(user)
    attacker = _from(ATTACKER)
    _try(attacker, "siti", PASSWORD)
    for _guess in range(5):
        attacker.post(VERIFY, {"token": "123456"})
        clock.advance(60)

    owner = _from(OWNER_HOME)
    _try(owner, "siti", PASSWORD)
    assert owner.post(VERIFY, {"token": code})["Location"] == HOME


def test_wrong_codes_are_throttled_for_the_api_too(bahagia: Organisation, clock: Clock) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    attacker = _from(ATTACKER)
    assert _ask_api(attacker, username="siti", password=PASSWORD, totp="000000").status_code == 401

    refused = _ask_api(attacker, username="siti", password=PASSWORD, totp=_code_for(user))
    assert refused.status_code == 401

    clock.advance(1)
    assert (
        _ask_api(attacker, username="siti", password=PASSWORD, totp=_code_for(user)).status_code
        == 201
    )


# --- (d) Nothing tells which usernames exist --------------------------------------------


def test_a_paused_address_answers_the_same_for_real_and_made_up_usernames(
    bahagia: Organisation, clock: Clock
) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    sprayer = _from(ATTACKER)
    for number in range(settings.SIPAKATAU_LOCKOUT_ADDRESS_FAILURES):
        _try(sprayer, f"someone{number}")

    real, made_up = _try(sprayer, "siti"), _try(sprayer, "nobody-by-this-name")

    assert real.status_code == made_up.status_code == 429
    assert real["Retry-After"] == made_up["Retry-After"]
    assert 0 < int(real["Retry-After"]) <= 3600
    assert _page(real) == _page(made_up)
    assertContains(real, "sign-in is paused", status_code=429)
    assertNotContains(real, "siti", status_code=429)

    api_real = _ask_api(sprayer, username="siti", password=WRONG, totp="000000")
    api_made_up = _ask_api(sprayer, username="nobody-by-this-name", password=WRONG, totp="000000")
    assert api_real.status_code == api_made_up.status_code == 429
    assert api_real.json() == api_made_up.json()
    assert set(api_real.json()) == {"detail", "code"}
    assert api_real.json()["code"] == "locked_out"
    assert api_real["Retry-After"] == api_made_up["Retry-After"]


def test_a_paused_pair_tells_when_to_try_again(bahagia: Organisation, clock: Clock) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    attacker = _from(ATTACKER)
    answers = [_ask_api(attacker, username="siti", password=WRONG, totp="000000") for _ in range(5)]

    assert answers[-1].status_code == 429
    # Fifteen minutes after the last failure, and one second: axes still counts a failure
    # exactly fifteen minutes old.
    assert answers[-1]["Retry-After"] == str(15 * 60 + 1)
    clock.advance(15 * 60 + 1)
    assert _ask_api(attacker, username="siti", password=WRONG, totp="000000").status_code == 401


@pytest.mark.parametrize("username", ["siti", "nobody-by-this-name"])
def test_under_a_distributed_attack_the_password_alone_answers_nothing(
    bahagia: Organisation, clock: Clock, username: str
) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    _distributed_attack(username, settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)
    attacker = _from(ATTACKER)

    # The password alone, right or wrong, gets the same page asking for the code with it,
    right, wrong = _try(attacker, username, PASSWORD), _try(attacker, username)
    assert right.status_code == wrong.status_code == 200
    assert _page(right) == _page(wrong)
    assertContains(right, 'name="token"')
    # and with a wrong code, right and wrong passwords get the same refusal.
    right = _try(attacker, username, PASSWORD, token="000000")
    wrong = _try(attacker, username, token="000000")
    assert right.status_code == wrong.status_code == 200
    assert _page(right) == _page(wrong)
    assertContains(right, "password or code is wrong")
    assert not _signed_in(attacker)


def test_spaces_around_the_username_do_not_escape_the_count(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    _distributed_attack("siti", settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)

    answer = _try(_from(ATTACKER), "  siti ", PASSWORD)

    assert answer.status_code == 200
    assertContains(answer, 'name="token"')


def test_the_distributed_attack_page_is_the_same_for_real_and_made_up_usernames(
    bahagia: Organisation, clock: Clock
) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    limit = settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES
    _distributed_attack("siti", limit)
    _distributed_attack("nobody", limit)

    real = _try(_from(ATTACKER), "siti", token="000000")
    made_up = _try(_from(ATTACKER), "nobody", token="000000")

    assert real.status_code == made_up.status_code
    assert _page(real).replace("siti", "nobody") == _page(made_up)


# --- (e) The owner under a distributed attack -------------------------------------------


def test_the_owner_signs_in_with_password_and_code_from_a_new_device(
    bahagia: Organisation,
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    _distributed_attack("siti", settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)
    owner = _from(OWNER_HOME)

    answer = _try(owner, "siti", PASSWORD, token=_code_for(user))

    assert answer["Location"] == HOME
    assert _signed_in(owner)


def test_the_owners_own_device_signs_in_as_usual_under_a_distributed_attack(
    bahagia: Organisation,
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    code = _backup_code(user)
    phone = _from(OWNER_HOME)
    _try(phone, "siti", PASSWORD)
    phone.post(VERIFY, {"token": _code_for(user)})
    phone.post(reverse("accounts:logout"))

    # Given many addresses failing for her, enough that a stranger's device is asked for
    # the code with the password,
    _distributed_attack("siti", 3 * settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)
    assertContains(_try(_from(OWNER_HOME), "siti", PASSWORD), 'name="token"')
    # her own phone signs in the usual way: password, then code.
    assert _try(phone, "siti", PASSWORD)["Location"] == VERIFY
    assert phone.post(VERIFY, {"token": code})["Location"] == HOME


def test_a_forged_device_cookie_is_ignored(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti")
    _distributed_attack("siti", settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)
    forger = _from(ATTACKER)
    forger.cookies["sipakatau_device"] = '["siti"]:forged:signature'

    assertContains(_try(forger, "siti", PASSWORD), 'name="token"')


def test_the_api_needs_the_code_anyway_and_is_not_paused_by_a_distributed_attack(
    bahagia: Organisation,
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    _distributed_attack("siti", 3 * settings.SIPAKATAU_LOCKOUT_ACCOUNT_FAILURES)

    answer = _ask_api(_from(OWNER_HOME), username="siti", password=PASSWORD, totp=_code_for(user))

    assert answer.status_code == 201
