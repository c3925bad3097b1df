"""Guesses sent together cannot all slip through the moment a wait ends."""

import threading
import time
from datetime import datetime, timedelta
from unittest import mock

from django.db import connections
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.public import tracking
from sipakatau.public.services import public_report_track
from sipakatau.public.tracking import TrackingRefused, TryKeys

from .support import submit

THREADS = 8
_real_wait = tracking.tracking_wait


def _slow_wait(keys: TryKeys, now: datetime | None = None) -> int:
    """The wait, read a little slowly: without the lock every thread would read it
    before any had counted its try."""
    seconds = _real_wait(keys, now)
    time.sleep(0.2)
    return seconds


def test_guesses_sent_together_take_one_opening(
    bahagia: Organisation, shared_database: None
) -> None:
    # Given a code with five wrong tries: the next try on it must wait a second
    reporter = submit()
    code = reporter.report.tracking_code
    wrong = "111111" if reporter.pin != "111111" else "222222"
    for n in range(5):
        assert public_report_track(code=code, pin=wrong, address=f"10.8.0.{n}") is None
    answers: list[str] = []
    start = threading.Barrier(THREADS)

    def guess(n: int) -> None:
        try:
            start.wait()
            public_report_track(code=code, pin=wrong, address=f"10.8.1.{n}")
            answers.append("checked")
        except TrackingRefused:
            answers.append("refused")
        except BaseException as error:
            answers.append(repr(error))
        finally:
            connections.close_all()

    # When, the moment the wait is over, eight addresses guess at once
    opening = timezone.now() + timedelta(seconds=2)
    with (
        mock.patch("django.utils.timezone.now", return_value=opening),
        mock.patch.object(tracking, "tracking_wait", _slow_wait),
    ):
        threads = [threading.Thread(target=guess, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Then one guess is checked; the others are told to wait
    assert sorted(answers) == ["checked"] + ["refused"] * (THREADS - 1)
