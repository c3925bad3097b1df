"""Guessing a PIN costs the guesser time; the reporter with the right PIN still gets in.

Time is moved with a clock that stands in for ``django.utils.timezone.now``: nothing in
the tracking code sleeps, it only compares times.
"""

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import TrackingFailure
from sipakatau.public.services import Submitted, public_report_track
from sipakatau.public.tracking import (
    ADDRESS_MAX_WAIT,
    CODE_MAX_WAIT,
    PAIR_MAX_WAIT,
    TrackingRefused,
    client_network,
)
from tests.factories import english

from .support import submit, track

pytestmark = pytest.mark.django_db
WAIT = re.compile(r"wait (\d+) seconds?")


class Clock:
    def __init__(self) -> None:
        self.now: datetime = timezone.now()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    moving = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moving.now):
        yield moving


def _wrong(submitted: Submitted) -> str:
    return "111111" if submitted.pin != "111111" else "222222"


def _try(code: str, pin: str, address: str) -> int:
    """0 when the try was let through (right or wrong), else the seconds to wait."""
    try:
        public_report_track(code=code, pin=pin, address=address)
    except TrackingRefused as refusal:
        assert refusal.seconds > 0
        return refusal.seconds
    return 0


def _guess(clock: Clock, code: str, pin: str, address: str, times: int) -> int:
    """A patient guesser: ``times`` wrong tries, each as soon as it is allowed. Returns
    the seconds the next try from ``address`` would have to wait."""
    for _n in range(times):
        while wait := _try(code, pin, address):
            clock.advance(wait)
    return _try(code, pin, address)


def _page_wait(response: Any) -> int:
    assert response.status_code == 429
    found = WAIT.search(response.content.decode())
    assert found is not None, "the page does not say how long to wait"
    assert response["Retry-After"] == found.group(1)
    return int(found.group(1))


def test_the_right_pin_gets_in_after_a_short_wait_while_many_addresses_guess(
    bahagia: Organisation, clock: Clock
) -> None:
    reporter = submit()
    assert reporter.pin is not None
    code, wrong = reporter.report.tracking_code, _wrong(reporter)
    # Given 40 wrong PINs on her code from 40 addresses, each sent as soon as allowed
    for n in range(40):
        _guess(clock, code, wrong, f"10.1.0.{n}", times=1)

    # When she tries with the right PIN from her own address, at once
    first = track(english(Client()), code, reporter.pin, "10.2.0.1")

    # Then she is asked to wait no more than the code's short wait, and then gets in
    wait = _page_wait(first)
    assert 0 < wait <= CODE_MAX_WAIT
    clock.advance(wait)
    assert track(Client(), code, reporter.pin, "10.2.0.1").status_code == 302


def test_one_address_guessing_a_code_waits_an_hour_while_the_reporter_does_not(
    bahagia: Organisation, clock: Clock
) -> None:
    reporter = submit()
    assert reporter.pin is not None
    code = reporter.report.tracking_code
    # Given one address that guessed her PIN 20 times, each try as soon as allowed
    guesser_wait = _guess(clock, code, _wrong(reporter), "10.3.0.1", times=20)

    # Then that address waits an hour before its next guess
    assert guesser_wait == PAIR_MAX_WAIT
    # while the reporter, from her own address, waits the short per-code wait at most
    reporter_wait = _try(code, reporter.pin, "10.3.0.2")
    assert reporter_wait <= CODE_MAX_WAIT
    clock.advance(reporter_wait)
    assert public_report_track(code=code, pin=reporter.pin, address="10.3.0.2") is not None
    # and the guesser still waits (his own tries, not hers, set his clock)
    assert _try(code, _wrong(reporter), "10.3.0.1") > CODE_MAX_WAIT


def test_a_guesser_on_a_shared_address_does_not_lock_out_another_codes_reporter(
    bahagia: Organisation, clock: Clock
) -> None:
    neighbour, reporter = submit(), submit()
    assert reporter.pin is not None
    # Given someone on a shared Wi-Fi who guessed another report's PIN 15 times
    guesser_wait = _guess(
        clock, neighbour.report.tracking_code, _wrong(neighbour), "10.4.0.1", times=15
    )

    # When the reporter on the same Wi-Fi follows her own report
    wait = _try(reporter.report.tracking_code, reporter.pin, "10.4.0.1")

    # Then she waits half a minute at most, and gets in; the guesser waits far longer
    assert wait <= ADDRESS_MAX_WAIT < guesser_wait
    clock.advance(wait)
    found = public_report_track(
        code=reporter.report.tracking_code, pin=reporter.pin, address="10.4.0.1"
    )
    assert found == reporter.report


def test_an_early_try_is_answered_with_the_wait_and_is_not_counted(
    bahagia: Organisation, clock: Clock
) -> None:
    reporter = submit()
    assert reporter.pin is not None
    code = reporter.report.tracking_code
    for _n in range(5):
        assert track(Client(), code, _wrong(reporter), "10.5.0.1").status_code == 400
    counted = TrackingFailure.objects.count()

    # When more tries come before the wait is over
    answers = [track(english(Client()), code, "123456", "10.5.0.1") for _n in range(3)]

    # Then each says to wait 1 second; none is counted, so the wait does not grow
    assert [_page_wait(answer) for answer in answers] == [1, 1, 1]
    assert TrackingFailure.objects.count() == counted


def test_the_right_pin_is_not_counted_as_a_try(bahagia: Organisation) -> None:
    reporter = submit()
    assert reporter.pin is not None

    for _n in range(8):
        found = public_report_track(
            code=reporter.report.tracking_code, pin=reporter.pin, address="10.6.0.1"
        )
        assert found == reporter.report

    assert not TrackingFailure.objects.exists()


def test_the_api_answers_an_early_try_with_429_and_the_wait(
    anonymous: Client, bahagia: Organisation, clock: Clock
) -> None:
    reporter = submit()
    assert reporter.pin is not None

    def api(pin: str) -> Any:
        body = {"code": reporter.report.tracking_code, "pin": pin}
        return english(Client()).post(
            "/api/v1/public/track",
            json.dumps(body),
            content_type="application/json",
            REMOTE_ADDR="10.7.0.1",
        )

    wrong = [api(_wrong(reporter)).status_code for _n in range(5)]
    early = api(reporter.pin)
    clock.advance(early.json()["retry_after"])
    later = api(reporter.pin)

    assert wrong == [404] * 5
    assert early.status_code == 429
    assert early.json()["code"] == "too_many_tries"
    assert early.json()["retry_after"] == 1
    assert early["Retry-After"] == "1"
    assert "wait 1 second " in early.json()["detail"]
    assert later.status_code == 200
    assert later.json()["tracking_code"].replace("-", "") == reporter.report.tracking_code


def test_the_addresses_of_one_ipv6_network_count_as_one(
    bahagia: Organisation, clock: Clock
) -> None:
    reporter = submit()
    assert reporter.pin is not None
    # Given five wrong tries from five addresses of one /64 network, on other codes
    for n in range(5):
        assert _try(submit().report.tracking_code, "000000", f"2001:db8:0:1::{n + 1}") == 0

    # Then a sixth address of that network must wait; another network need not
    assert _try(reporter.report.tracking_code, reporter.pin, "2001:db8:0:1::99") > 0
    assert _try(reporter.report.tracking_code, reporter.pin, "2001:db8:0:2::1") == 0


def test_an_address_is_counted_by_its_network() -> None:
    assert client_network("10.0.0.7") == "10.0.0.7"
    assert client_network("2001:db8:0:1:aa:bb:cc:dd") == "2001:db8:0:1::/64"
    assert client_network("::ffff:10.0.0.7") == "10.0.0.7"
    assert client_network("") == "unknown"
