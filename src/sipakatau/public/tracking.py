"""How often a report's code and PIN may be tried: waits that grow with wrong tries.

A hard lock punished the wrong people: five wrong PINs locked a whole address (everyone
on the same Wi-Fi or mobile network behind one address) and the code itself (anyone who
had seen the code could lock the reporter out of her own report). Now each wrong try is
counted under three keys, and a try that comes before the key's wait is over is answered
"wait N seconds" (429) *before* the PIN is looked at, so an early try tells nothing:

========================  ================================  =========================
key                       counts wrong tries …              longest wait (after 5 free)
========================  ================================  =========================
``pair``                  on this code from this address    1 hour
``code``                  on this code from any address     3 minutes
``addr``                  from this address, any code       30 seconds
========================  ================================  =========================

After ``FREE_TRIES`` wrong tries within ``FAILURE_WINDOW`` on a key, the next try on it
waits ``2 ** (n - FREE_TRIES)`` seconds after the latest one (1, 2, 4, … s), up to the
key's longest wait. Nothing sleeps: the try is refused and the message says how long.

Why the right PIN still gets in while her code is under attack: only the ``pair`` key
grows long, and it holds only the attacker's own tries. What other people's wrong tries
can make the reporter wait is capped by the short keys — at most 3 minutes for her code
(``code``), at most 30 seconds for a neighbour on her network guessing other codes
(``addr``) — and her own first typing slips are free. A try that is not a guess (a
malformed code, a try refused for coming early) is never counted, so waiting and trying
again never makes the wait longer.

Why the ``code`` key cannot be shorter: a PIN check that anybody can ask for is a guess,
whoever sends it, so the pace at which a stranger may try her code is the pace at which
an attacker with many addresses guesses it. With a 6-digit PIN (10**6 values; half of
them tried on average):

- from one address: 5 free tries, 12 more within about 68 minutes, then one an hour —
  about 40 on the first day and 24 a day after, so on average more than 50 years to
  find the PIN (under 1% in a year);
- from any number of addresses: one try per 3 minutes on the code, 480 a day (as many
  as the old "5 per 15 minutes" lock allowed, while the reporter waited 15 minutes),
  so on average about 2.9 years, and about 1.4% in a month.

An IPv6 network (a /64, what one phone or home is given) counts as one address, or a
single attacker would have billions.

The tries are counted before the PIN is checked (the right PIN takes its marks back), in
a transaction that holds a lock on each key, so tries sent together cannot all slip
through the same opening.
"""

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from .models import TrackingFailure

FREE_TRIES = 5
FAILURE_WINDOW = timedelta(hours=24)
PAIR_MAX_WAIT = 3600
CODE_MAX_WAIT = 180
ADDRESS_MAX_WAIT = 30


class TrackingRefused(Exception):
    """A try that came before its wait was over: the message says how many seconds to
    wait, in the reporter's language."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(
            ngettext(
                "Too many wrong tries. Please wait %(seconds)s second and try again, or "
                "call SAPA 129.",
                "Too many wrong tries. Please wait %(seconds)s seconds and try again, or "
                "call SAPA 129.",
                seconds,
            )
            % {"seconds": seconds}
        )


@dataclass(frozen=True)
class TryKeys:
    pair: str
    code: str
    address: str

    def waits(self) -> dict[str, int]:
        """Each key with its longest wait."""
        return {self.pair: PAIR_MAX_WAIT, self.code: CODE_MAX_WAIT, self.address: ADDRESS_MAX_WAIT}


def client_network(address: str) -> str:
    """The address that counts: an IPv4 address itself, an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def try_keys(code: str, address_key: str) -> TryKeys:
    """The keys of a try on ``code`` (normalised) from the address hashed as ``address_key``.
    The pair is hashed too, so the table never pairs a code with an address."""
    pair = salted_hmac("sipakatau.public.track-pair", f"{code}|{address_key}").hexdigest()
    return TryKeys(pair=f"pair:{pair[:40]}", code=f"code:{code[:32]}", address=address_key)


def _wait(failures: int, last: datetime, longest: int, now: datetime) -> int:
    if failures < FREE_TRIES:
        return 0
    delay = min(longest, 2 ** min(failures - FREE_TRIES, 30))
    remaining = (last + timedelta(seconds=delay) - now).total_seconds()
    # Rounded up: "wait 0 seconds" would be refused again.
    return max(0, math.ceil(remaining))


def tracking_wait(keys: TryKeys, now: datetime | None = None) -> int:
    """Seconds before a try with these keys is allowed (0: now)."""
    now = now or timezone.now()
    longest = keys.waits()
    rows = (
        TrackingFailure.objects.filter(key__in=list(longest), at__gte=now - FAILURE_WINDOW)
        .values("key")
        .annotate(failures=Count("pk"), last=Max("at"))
    )
    return max(
        [_wait(row["failures"], row["last"], longest[row["key"]], now) for row in rows],
        default=0,
    )


def _lock(keys: TryKeys) -> None:
    # SQLite's immediate transactions already admit one writer at a time.
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        int.from_bytes(hashlib.sha256(f"sipakatau.track:{key}".encode()).digest()[:8], "big")
        - 2**63
        for key in keys.waits()
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def tracking_try_begin(keys: TryKeys) -> list[int]:
    """Refuse a try that comes too early (``TrackingRefused``); else count it as wrong
    until ``tracking_try_succeeded`` takes it back, and return the marks to take."""
    with transaction.atomic():
        _lock(keys)
        now = timezone.now()
        seconds = tracking_wait(keys, now)
        if seconds > 0:
            raise TrackingRefused(seconds)
        marks = TrackingFailure.objects.bulk_create(
            [TrackingFailure(key=key, at=now) for key in keys.waits()]
        )
        TrackingFailure.objects.filter(at__lt=now - FAILURE_WINDOW).delete()
    return [mark.pk for mark in marks]


def tracking_try_succeeded(marks: list[int]) -> None:
    """The right code and PIN: this try was no guess, and is not counted."""
    TrackingFailure.objects.filter(pk__in=marks).delete()
