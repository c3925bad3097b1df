"""Helpers shared by the public portal tests."""

import re
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from sipakatau.public.services import Submitted, public_report_submit
from tests.factories import WATANG_SOREANG


def submit(**overrides: Any) -> Submitted:
    fields: dict[str, Any] = {
        "idempotency_key": uuid.uuid4().hex,
        "kelurahan_code": WATANG_SOREANG,
        "about_self": True,
        "what_happened": "Saya dipukul di rumah.",
        # Each test report from its own address, so the per-address limit only bites in
        # the tests about it.
        "address": f"test-{uuid.uuid4().hex}",
    }
    fields.update(overrides)
    return public_report_submit(**fields)


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "about": "self",
        "what_happened": "Saya dipukul di rumah.",
        "when": "kemarin malam",
        "kelurahan": WATANG_SOREANG,
        "rw": "2",
        "rt": "",
        "danger_now": "yes",
        "contact": "none",
        "contact_phone": "",
        "contact_times": "",
        "website": "",
    }
    data.update(overrides)
    return data


def first_focusable(html: str) -> str:
    """The first element in the body that a keyboard reaches: a link, a button, a field."""
    body = html.split("<body", 1)[1]
    match = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert match is not None
    return match.group(0)


def form_url(name: str = "public:report", place: str = WATANG_SOREANG) -> str:
    """The report form for a place, as the place picker's last step links to it."""
    return f"{reverse(name)}?tempat={place}"


def public_urls() -> list[str]:
    return [
        reverse("root"),
        reverse("public:report"),
        form_url(),
        form_url("public:report_easy"),
        reverse("public:hotlines"),
        reverse("public:track"),
    ]


def track(client: Client, code: str, pin: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("public:track"), {"code": code, "pin": pin}, REMOTE_ADDR=address)


def challenge_in(html: str) -> tuple[str, str]:
    """The question and the token of the challenge on a page."""
    question = re.search(r'<label for="id_challenge_answer">([^<]*)</label>', html)
    token = re.search(r'name="challenge_token" value="([^"]+)"', html)
    assert question is not None and token is not None, "no challenge on the page"
    return question.group(1), token.group(1)


def solve(question: str) -> int:
    """Read the sum in words the way a person would (in the page's language)."""
    from django.utils import translation

    from sipakatau.public.challenge import NUMBER_WORDS

    tokens = re.findall(r"[^\W\d_]+", question.lower())
    for language in ("id", "en"):
        with translation.override(language):
            words = [str(word).lower() for word in NUMBER_WORDS]
        numbers = [words.index(t) for t in tokens if t in words]
        if len(numbers) == 2:
            return sum(numbers)
    raise AssertionError(question)


def prove_work(nonce: str, bits: int) -> str:
    """What the browser's script finds: the first number whose hash has enough zero bits."""
    from sipakatau.public.challenge import work_done

    work = 0
    while not work_done(nonce, str(work), bits):
        work += 1
    return str(work)
