"""A small question that lets a person through when the flood limits are reached.

The limits (services._over_submission_limits) stop a robot that sends hundreds of fake
reports; they must not stop a woman whose neighbours reported from the same café Wi-Fi an
hour ago. So instead of only refusing, the form asks a sum written in words ("how much
is three plus five?"), which needs no JavaScript and no third-party service (no CAPTCHA
host may learn who visits, DESIGN.md §3).

A browser with JavaScript may instead prove some work (``WORK_BITS``), so that most people
never see the question; without JavaScript the sum is always there.

The question travels in a signed, time-stamped token (django.core.signing): the page
holds a random nonce and a keyed hash of nonce + answer, never the answer itself, and a
token older than ``MAX_AGE`` is refused. Each token is good for one try: its nonce is
written to ``ChallengeUse`` (unique) whether the answer was right or wrong, so a token
can neither be replayed after a success nor used to guess the answer again and again.
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


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}").hexdigest()


def work_done(nonce: str, work: str, bits: int = WORK_BITS) -> bool:
    if not work.isdigit() or len(work) > 12:
        return False
    value = int.from_bytes(hashlib.sha256(f"{nonce}:{work}".encode()).digest(), "big")
    return value >> (256 - bits) == 0


def challenge_new() -> Challenge:
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(16)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, first + second)}, salt=SALT)
    question = _(
        "To show that you are a person, answer: how much is %(first)s plus %(second)s?"
    ) % {
        "first": NUMBER_WORDS[first],
        "second": NUMBER_WORDS[second],
    }
    return Challenge(question=question, token=token, nonce=nonce)


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
    """The answer was wrong, or the token was old, forged or used before."""


def challenge_check(*, token: str, answer: str, work: str = "") -> None:
    """Spend ``token`` (one try, right or wrong) and raise ``ChallengeFailed`` unless the
    answer is right or ``work`` is a proof of work for its nonce. The try is committed at
    once, outside any caller's transaction that a wrong answer would roll back: otherwise
    the same token could be tried again."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
        nonce, digest = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        raise ChallengeFailed from None
    try:
        with transaction.atomic():
            ChallengeUse.objects.create(nonce=nonce[:40], at=timezone.now())
    except IntegrityError:
        raise ChallengeFailed from None
    ChallengeUse.objects.filter(at__lt=timezone.now() - MAX_AGE).delete()
    if work and work_done(nonce, work):
        return
    number = parse_answer(answer)
    if number is None or not constant_time_compare(_digest(nonce, number), digest):
        raise ChallengeFailed
