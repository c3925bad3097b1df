"""How hard the challenge is: it grows with the flood (issue 18).

One address once put 312 reports into one unit's inbox in 120 s, each through a 16-bit
proof of work (61 ms for a script). So the work asked now doubles with every few reports
sent in the last ``WINDOW`` from the same address, and with every ten for the same
kelurahan from any address: the n-th report of a flood costs about 2**(n / step) times
the first, and a script that keeps its rate up soon spends minutes of computing on each.

A person at normal rates is not slowed: under the hourly limits (settings
``PUBLIC_REPORTS_PER_ADDRESS`` and ``PUBLIC_REPORTS_PER_KELURAHAN``) nothing is asked;
just over them the work is ``WORK_BITS`` (a second or two on a cheap phone) and the sum
in words is accepted instead. The sum is refused once the work passes ``SUM_MAX_BITS``:
a script reads a sum in words as easily as a person, so at flood rates only work counts.

The counts are ``SubmissionMark`` rows (one per accepted report, per address and per
kelurahan), read in one query on their (key, at) index, so every app process sees the
same flood. Nothing is written to count a refusal: a refused report costs one read.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .challenge import WORK_BITS
from .models import SubmissionMark

HOUR = timedelta(hours=1)
WINDOW = timedelta(minutes=10)
# One more bit (twice the work) per this many reports in ``WINDOW``.
ADDRESS_STEP = 3
KELURAHAN_STEP = 10
# The most work asked: 2**26 hashes is about a minute for a script on one core; the
# kelurahan's ceiling is lower because it is also what a person there meets during a flood
# (2**22: about 4 s for a script, a minute or three on a cheap phone).
MAX_ADDRESS_BITS = 26
MAX_KELURAHAN_BITS = 22
# Up to this much work the sum in words is accepted instead (a person without JavaScript).
SUM_MAX_BITS = 18


@dataclass(frozen=True)
class Rate:
    """Reports accepted in the last hour and in the last ``WINDOW``, per key."""

    address_hour: int
    kelurahan_hour: int
    address_recent: int
    kelurahan_recent: int


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def rate_of(*, address_key: str, kelurahan_key: str) -> Rate:
    """One grouped count on the (key, at) index. Written in SQL: it runs on every report,
    refused ones included, and the ORM's four filtered aggregates cost several times
    more to build than the database takes to answer."""
    now = timezone.now()
    hour, recent = now - HOUR, now - WINDOW
    ops = connection.ops
    table = ops.quote_name(SubmissionMark._meta.db_table)
    key, at = ops.quote_name("key"), ops.quote_name("at")
    sql = (
        f"SELECT {key}, COUNT(*), SUM(CASE WHEN {at} >= %s THEN 1 ELSE 0 END) "  # noqa: S608
        f"FROM {table} WHERE {key} IN (%s, %s) AND {at} >= %s GROUP BY {key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                ops.adapt_datetimefield_value(recent),
                address_key,
                kelurahan_key,
                ops.adapt_datetimefield_value(hour),
            ],
        )
        counts = {row[0]: (int(row[1]), int(row[2] or 0)) for row in cursor.fetchall()}
    address = counts.get(address_key, (0, 0))
    kelurahan = counts.get(kelurahan_key, (0, 0))
    return Rate(
        address_hour=address[0],
        kelurahan_hour=kelurahan[0],
        address_recent=address[1],
        kelurahan_recent=kelurahan[1],
    )


def bits_for(rate: Rate) -> int:
    """The work asked at this rate; 0 when nothing is asked."""
    if (
        rate.address_hour < settings.PUBLIC_REPORTS_PER_ADDRESS
        and rate.kelurahan_hour < settings.PUBLIC_REPORTS_PER_KELURAHAN
    ):
        return 0
    address = WORK_BITS + rate.address_recent // _setting("PUBLIC_FLOOD_ADDRESS_STEP", ADDRESS_STEP)
    kelurahan = WORK_BITS + rate.kelurahan_recent // _setting(
        "PUBLIC_FLOOD_KELURAHAN_STEP", KELURAHAN_STEP
    )
    return max(
        min(address, _setting("PUBLIC_FLOOD_MAX_ADDRESS_BITS", MAX_ADDRESS_BITS)),
        min(kelurahan, _setting("PUBLIC_FLOOD_MAX_KELURAHAN_BITS", MAX_KELURAHAN_BITS)),
    )


def sum_accepted(bits: int) -> bool:
    return bits <= _setting("PUBLIC_FLOOD_SUM_MAX_BITS", SUM_MAX_BITS)


def required_bits(*, address_key: str, kelurahan_key: str) -> int:
    return bits_for(rate_of(address_key=address_key, kelurahan_key=kelurahan_key))
