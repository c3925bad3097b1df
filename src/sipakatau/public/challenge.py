"""A small question that lets a person through when the flood limits are reached.

The limits (``flood.py``) stop a robot that sends hundreds of fake reports; they must
not stop a woman whose neighbours reported from the same café Wi-Fi an hour ago. So
instead of only refusing, the form asks a sum written in words ("how much is three plus
five?"), which needs no JavaScript and no third-party service (no CAPTCHA host may learn
who visits, DESIGN.md §3).

A browser with JavaScript may instead prove some work (``WORK_BITS`` or more), so that
most people never see the question; without JavaScript the sum is there at normal rates
(during a flood only the work is accepted: ``flood.SUM_MAX_BITS``).

The question travels in a signed, time-stamped token (django.core.signing): the page
holds a random nonce and a keyed hash of nonce + answer, never the answer itself, and a
token older than ``MAX_AGE`` is refused. Each token is good for one report: an answer
to the sum writes its nonce to ``ChallengeUse`` (unique) whether it was right or wrong,
so a token can neither be replayed after a success nor used to guess the answer again
and again; a proof of work is written there when its report is stored (a false one is
refused without any write: trying again costs the client the work again).

How much work is asked grows with the flood (``flood.py``). The number of bits is part of
the nonce ("<bits>-<random>"), which is inside the signed token and is what the work
hashes, so a client can neither lower it nor reuse work done for another nonce. A proof
of work is checked before anything costly — one HMAC for the token and one SHA-256 for
the work, no database write — so refusing a report costs the server far less than the
work cost the client (bench/public_flood_bench.py measures both).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from .models import ChallengeUse

SALT = "sipakatau.public.challenge"
MAX_AGE = timedelta(minutes=20)

NUMBER_WORDS = [
    gettext_lazy("zero"),
    gettext_lazy("one"),
    gettext_lazy("two"),
    gettext_lazy("three"),
    gettext_lazy("four"),
    gettext_lazy("five"),
    gettext_lazy("six"),
    gettext_lazy("seven"),
    gettext_lazy("eight"),
    gettext_lazy("nine"),
    gettext_lazy("ten"),
    gettext_lazy("eleven"),
    gettext_lazy("twelve"),
    gettext_lazy("thirteen"),
    gettext_lazy("fourteen"),
    gettext_lazy("fifteen"),
    gettext_lazy("sixteen"),
    gettext_lazy("seventeen"),
    gettext_lazy("eighteen"),
]


# The proof of work a browser with JavaScript may give instead of the answer: a number
# ``work`` such that SHA-256("<nonce>:<work>") starts with this many zero bits. About
# 2**16 hashes: a second or two on a cheap phone (static/sipakatau/public-form.js), but a
# real cost for a robot that sends thousands of reports.
WORK_BITS = 16


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str
    nonce: str
    work_bits: int = WORK_BITS
    # False during a flood (flood.SUM_MAX_BITS): only the proof of work is accepted.
    answer_accepted: bool = True


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}").hexdigest()


def work_done(nonce: str, work: str, bits: int = WORK_BITS) -> bool:
    if not work.isdigit() or len(work) > 12:
        return False
    value = int.from_bytes(hashlib.sha256(f"{nonce}:{work}".encode()).digest(), "big")
    return value >> (256 - bits) == 0


def bits_of(nonce: str) -> int:
    """The work a nonce asks for: its "<bits>-" prefix (a token from before the prefix
    asks ``WORK_BITS``)."""
    head, _sep, _rest = nonce.partition("-")
    return int(head) if head.isdigit() and len(head) <= 2 else WORK_BITS


def challenge_new(bits: int = WORK_BITS, *, answer_accepted: bool = True) -> Challenge:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    bits = max(bits, WORK_BITS)
    nonce = f"{bits}-{secrets.token_urlsafe(16)}"
    token = signing.dumps({"n": nonce, "h": _digest(nonce, first + second)}, salt=SALT)
    question = _(
        "To show that you are a person, answer: how much is %(first)s plus %(second)s?"
    ) % {
        "first": NUMBER_WORDS[first],
        "second": NUMBER_WORDS[second],
    }
    return Challenge(
        question=question if answer_accepted else "",
        token=token,
        nonce=nonce,
        work_bits=bits,
        answer_accepted=answer_accepted,
    )


def parse_answer(text: str) -> int | None:
    """Digits, or the number as a word in the page's language or in English."""
    cleaned = (text or "").strip().lower()
    if cleaned.isdigit() and len(cleaned) <= 3:
        return int(cleaned)
    words = [str(word).lower() for word in NUMBER_WORDS]
    with override("en"):
        english = [str(word).lower() for word in NUMBER_WORDS]
    for vocabulary in (words, english):
        if cleaned in vocabulary:
            return vocabulary.index(cleaned)
    return None


class ChallengeFailed(Exception):
    """The answer was wrong, or the token was old, forged or used before; ``reason`` says
    which, so the reporter reads what to do:

    - ``wrong``: a wrong answer, or a token forged, expired or used before;
    - ``harder``: the token asks less work than is needed now (more reports arrived);
    - ``work``: the work sent does not have the zero bits the token asks;
    - ``no_answer``: during a flood only the work is accepted, not the sum.
    """

    def __init__(self, reason: str = "wrong") -> None:
        super().__init__(reason)
        self.reason = reason


def _spend(nonce: str) -> None:
    """Record the one try of this nonce, committed at once (outside any caller's
    transaction that a refusal would roll back: otherwise the token could be tried
    again)."""
    try:
        with transaction.atomic():
            ChallengeUse.objects.create(nonce=nonce[:40], at=timezone.now())
    except IntegrityError:
        raise ChallengeFailed from None
    ChallengeUse.objects.filter(at__lt=timezone.now() - MAX_AGE).delete()


def challenge_verify(
    *, token: str, answer: str, work: str = "", bits: int = WORK_BITS, answer_accepted: bool = True
) -> str | None:
    """Check a try against the work needed now (``bits``) and raise ``ChallengeFailed``
    unless it passes. A proof of work is checked with one HMAC and one SHA-256 and
    nothing is written: its nonce is returned, to be spent with ``challenge_spend`` just
    before the report is stored. An answer to the sum (only when ``answer_accepted``)
    spends the token at once, right or wrong, so that it cannot be guessed; then None is
    returned."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        nonce, digest = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        raise ChallengeFailed from None
    asked = bits_of(nonce)
    if asked < bits:
        raise ChallengeFailed("harder")
    if work and work_done(nonce, work, asked):
        if ChallengeUse.objects.filter(nonce=nonce[:40]).exists():
            raise ChallengeFailed  # a replay: refused with one read, before any other work
        return nonce
    if not (answer or "").strip():
        raise ChallengeFailed("work" if work else "wrong")
    if not answer_accepted:
        raise ChallengeFailed("no_answer")
    _spend(nonce)
    number = parse_answer(answer)
    if number is None or not constant_time_compare(_digest(nonce, number), digest):
        raise ChallengeFailed
    return None


def work_refused(*, token: str, work: str) -> int | None:
    """Checked before anything else, with no database: the work asked by ``token`` when
    ``work`` is no proof of it (0 for a forged token), so the report is refused at once;
    None when the work is true (whether it is still fresh, enough and unused is for
    ``challenge_verify``). The token's age is not checked here, so that a retry of a
    stored report is still answered as stored."""
    try:
        nonce = str(signing.loads(token or "", salt=SALT)["n"])
    except (signing.BadSignature, KeyError, TypeError):
        return 0
    asked = bits_of(nonce)
    return None if work_done(nonce, work, asked) else asked


def challenge_spend(nonce: str | None) -> None:
    """Spend a verified proof of work (``ChallengeFailed`` when it was spent already)."""
    if nonce is not None:
        _spend(nonce)


def challenge_check(*, token: str, answer: str, work: str = "") -> None:
    """Verify and spend at once, at the base work (for callers that store nothing costly
    in between)."""
    challenge_spend(challenge_verify(token=token, answer=answer, work=work))
