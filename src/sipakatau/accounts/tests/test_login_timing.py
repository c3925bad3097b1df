"""A wrong password takes as long to refuse for a real username as for one that does not
exist (issue 18, hardening checks): otherwise the answer time tells an attacker which
usernames to spray. Django's ModelBackend hashes the password for an unknown username
too; these tests hold the sign-in page and the API's token endpoint to that.

A shape test, not a performance target: medians of interleaved tries, each from its own
address (no limit of accounts.lockout is ever reached), compared within
max(30 % of the slower, 20 ms). The test settings use a fast MD5 hasher, against which
no difference could show, so these tests put PBKDF2 back with the rounds that make one
hash cost about 100 ms on the machine at hand (measured first: a fixed number of rounds
took 90 ms on one machine and 19 ms on a faster one, under the 20 ms margin). A path
that skipped the hash would lose those 100 ms at once (the last timing test checks that
the measurement sees exactly that), and the first test counts the hashes themselves,
with no clock at all.
"""

import json
import statistics
import time
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import hashers
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils.crypto import pbkdf2

from sipakatau.accounts.models import Organisation, Role, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
TOKEN_URL = "/api/v1/auth/token"
TRIES = 15
WARM_UP = 2
KNOWN_USERS = 6  # at most 3 tries each: far under the 10 failures per username


HASH_SECONDS = 0.100  # what one hash should cost: far above the 20 ms margin and the noise
PROBE_ROUNDS = 20_000


class TimingHasher(PBKDF2PasswordHasher):
    """Production's algorithm with the rounds set by `real_hasher`: costly enough to
    show, cheap enough to run 60 times in a test."""

    iterations = 100_000


def _rounds_for(seconds: float) -> int:
    """The PBKDF2 rounds that take `seconds` here (the fastest of three probes)."""
    probes = []
    for _ in range(3):
        started = time.perf_counter()
        pbkdf2("probe-password", "probe-salt", PROBE_ROUNDS, digest=TimingHasher.digest)
        probes.append(time.perf_counter() - started)
    return max(PROBE_ROUNDS, round(PROBE_ROUNDS * seconds / min(probes)))


@pytest.fixture
def real_hasher(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> int:
    rounds = _rounds_for(HASH_SECONDS)
    monkeypatch.setattr(TimingHasher, "iterations", rounds)
    settings.PASSWORD_HASHERS = [f"{__name__}.TimingHasher"]
    return rounds


@pytest.fixture
def known_usernames(real_hasher: int, bahagia: Organisation) -> list[str]:
    users = [make_user(bahagia, Role.CASEWORKER) for _ in range(KNOWN_USERS)]
    for user in users:
        assert User.objects.get(pk=user.pk).password.startswith(f"pbkdf2_sha256${real_hasher}$")
    return [user.username for user in users]


_addresses = count(1)


def _fresh_client() -> Client:
    """A browser at an address of its own: the limits per address never come into play."""
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def _page_try(username: str) -> float:
    client = _fresh_client()
    started = time.perf_counter()
    response = client.post(LOGIN, {"username": username, "password": "wrong-password-1"})
    elapsed = time.perf_counter() - started
    # Refused as a wrong password: the form again, not a pause or the code form.
    assert response.status_code == 200
    assert b'name="token"' not in response.content
    return elapsed


def _token_try(username: str) -> float:
    client = _fresh_client()
    body = json.dumps({"username": username, "password": "wrong-password-1", "totp": "123456"})
    started = time.perf_counter()
    response = client.post(TOKEN_URL, body, content_type="application/json")
    elapsed = time.perf_counter() - started
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    return elapsed


def _medians(attempt: Callable[[str], float], known: list[str]) -> tuple[float, float]:
    """Median answer times (known, unknown), the two kinds interleaved so that a busy
    machine slows both alike."""
    known_cycle: Iterator[str] = iter(known * TRIES)
    unknown = (f"nobody.{n}" for n in count())
    for _ in range(WARM_UP):
        attempt(next(known_cycle))
        attempt(next(unknown))
    known_times, unknown_times = [], []
    for n in range(TRIES):
        pair = [(known_times, next(known_cycle)), (unknown_times, next(unknown))]
        for times, username in pair if n % 2 else reversed(pair):
            times.append(attempt(username))
    return statistics.median(known_times), statistics.median(unknown_times)


def _close(known: float, unknown: float) -> bool:
    return abs(known - unknown) < max(0.3 * max(known, unknown), 0.020)


def _report(known: float, unknown: float) -> str:
    return f"known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms"


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rounds of every PBKDF2 hash computed while the test runs."""
    rounds: list[int] = []

    def counted(password: Any, salt: Any, iterations: int, *args: Any, **kwargs: Any) -> bytes:
        rounds.append(iterations)
        return pbkdf2(password, salt, iterations, *args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", counted)
    return rounds


@pytest.mark.parametrize("attempt", [_page_try, _token_try], ids=["page", "token"])
def test_an_unknown_username_costs_one_full_hash_like_a_known_one(
    known_usernames: list[str], real_hasher: int, hashes: list[int], attempt: Callable[[str], float]
) -> None:
    # When a known and an unknown username each try a wrong password
    attempt(known_usernames[0])
    for_known = list(hashes)
    hashes.clear()
    attempt("nobody.counted")

    # Then each cost exactly one hash of the same rounds
    assert for_known == [real_hasher]
    assert hashes == [real_hasher]


def test_the_sign_in_page_answers_as_fast_for_an_unknown_username(
    known_usernames: list[str],
) -> None:
    known, unknown = _medians(_page_try, known_usernames)

    print(f"{_page_try.__name__}: {_report(known, unknown)}")  # the figure for security.md (-s)
    assert _close(known, unknown), _report(known, unknown)


def test_the_token_endpoint_answers_as_fast_for_an_unknown_username(
    known_usernames: list[str],
) -> None:
    known, unknown = _medians(_token_try, known_usernames)

    print(f"{_token_try.__name__}: {_report(known, unknown)}")  # the figure for security.md (-s)
    assert _close(known, unknown), _report(known, unknown)


def test_the_measurement_sees_a_missing_hash(
    known_usernames: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a backend that, like a naive one, skips the hash for an unknown username
    # (ModelBackend's dummy hash is the set_password() of an unsaved user)
    real_set_password = AbstractBaseUser.set_password

    def skip_for_unsaved(self: AbstractBaseUser, raw_password: Any) -> None:
        if self.pk is not None:
            real_set_password(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "set_password", skip_for_unsaved)

    # When the answer times are measured: then the same measurement tells the usernames apart
    known, unknown = _medians(_page_try, known_usernames)

    assert not _close(known, unknown), _report(known, unknown)
    assert unknown < known
