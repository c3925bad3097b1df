"""What a notification says (issue 16): one sentence saying what happened and to which
thing, no raw path (the list has a "Buka" button for the link), and outside the app a
neutral text that names neither the unit nor the work."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import translation

from sipakatau.notifications import templates
from tests.canary import CANARY

PLACEHOLDER = re.compile(r"%\((\w+)\)")
LANGUAGES = ["id", "en"]
LINK = "/kasus/4417/rujukan/9/"
REGISTER = "BHG-2/2026/0004-R1"
UNIT = "UPTD PPA Kota Parepare"
# Every allowlisted variable, with a value the tests can find again.
CONTEXT = {
    "register_number": REGISTER,
    "link": LINK,
    "unit_name": UNIT,
    "due_at": datetime(2026, 12, 7, 8, 10, tzinfo=UTC).isoformat(),
    "username": "kota.admin",
    "count": "7",
}
# Something that looks like a path or an address: "/kasus/1/", "https://…", "www.…".
PATH = re.compile(r"(?:^|\s)/\w|https?://|www\.")


def _sentence(template: str, language: str) -> str:
    with translation.override(language):
        return templates.render(template, templates.clean_context(template, CONTEXT))


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notification_is_a_sentence_without_a_path(template: str, language: str) -> None:
    text = _sentence(template, language)

    assert LINK not in text
    assert PATH.search(text.replace(REGISTER, "")) is None
    assert "%(" not in text
    assert text.rstrip().endswith((".", "!"))


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notification_names_the_thing_it_is_about(template: str, language: str) -> None:
    with translation.override(language):
        source = str(templates.TEMPLATES[template])
    placeholders = set(PLACEHOLDER.findall(source))

    text = _sentence(template, language)

    # Every template names something: the register number, the unit or the account.
    assert placeholders & {"register_number", "unit_name", "username"}
    assert "link" not in placeholders
    assert placeholders <= templates.ALLOWED_VARIABLES
    for variable, value in (
        ("register_number", REGISTER),
        ("unit_name", UNIT),
        ("username", "kota.admin"),
    ):
        if variable in placeholders:
            assert value in text


def test_the_referral_answer_says_what_the_answer_was() -> None:
    # (In Indonesian, once the PO entries are in: "Rujukan … diterima oleh UPTD PPA.")
    with translation.override("en"):
        text = templates.render(
            "referral_accepted", {"register_number": REGISTER, "unit_name": "UPTD PPA"}
        )

    assert text == "Referral BHG-2/2026/0004-R1 was accepted by UPTD PPA."


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
def test_a_stored_context_off_the_allowlist_never_reaches_the_sentence(template: str) -> None:
    context = {**CONTEXT, "name": CANARY.name, "nik": CANARY.nik, "address": CANARY.address}

    with translation.override("id"):
        text = templates.render(template, context)

    assert CANARY.name not in text and CANARY.nik not in text and CANARY.address not in text


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_text_outside_the_app_is_neutral(template: str, language: str) -> None:
    with translation.override(language):
        text = templates.render_outside(
            template, CONTEXT, "/pemberitahuan/", base_url="https://layanan.example.go.id"
        )

    assert "https://layanan.example.go.id/pemberitahuan/" in text
    assert UNIT not in text and "kota.admin" not in text and LINK not in text
    assert templates.reveals(text.replace("https://layanan.example.go.id/pemberitahuan/", "")) == []
    assert REGISTER in text


@pytest.mark.parametrize(
    "text",
    [
        templates.OUTSIDE_TEXT,
        templates.OUTSIDE_TEXT_NO_REFERENCE,
        templates.OUTSIDE_TEXT_URGENT,
        templates.OUTSIDE_TEXT_URGENT_NO_REFERENCE,
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_outside_text_says_nothing_revealing(text: object, language: str) -> None:
    with translation.override(language):
        words = str(text)

    assert templates.reveals(words) == []
    assert set(PLACEHOLDER.findall(words)) <= {"register_number", "link"}


def test_urgent_notices_are_marked_urgent_outside_the_app_too() -> None:
    with translation.override("en"):
        urgent = templates.render_outside("public_report_urgent", {"unit_name": UNIT}, "/p/")
        plain = templates.render_outside("case_assigned", CONTEXT, "/p/")

    assert "urgent" in urgent.lower()
    assert "urgent" not in plain.lower()
    assert set(templates.TEMPLATES) >= templates.URGENT_TEMPLATES


def test_an_unknown_template_is_refused_outside_the_app() -> None:
    with pytest.raises(templates.UnsafeNotification):
        templates.render_outside("person_request_update", CONTEXT, "/p/")
