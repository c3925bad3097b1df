"""What a survivor's or reporter's phone can say: a neutral text, a reference, a link and a
time — never a name, NIK, address, violence form or child status, not even a unit name."""

import re

import pytest
from django.utils import translation

from sipakatau.notifications import templates
from tests.canary import CANARY

# Every way a caller could try to put a person's identity or story into a message.
FORBIDDEN = [
    "name",
    "first_name",
    "nik",
    "kk_number",
    "phone",
    "address",
    "violence_form",
    "violence_forms",
    "is_child",
    "child_status",
    "age",
    "narrative",
    "unit_name",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)")
LANGUAGES = ["id", "en"]


def test_the_person_allowlist_is_a_reference_a_link_and_a_time() -> None:
    assert {"register_number", "link", "due_at"} == templates.PERSON_ALLOWED_VARIABLES
    # Narrower than the staff allowlist: the unit's name would say "violence service".
    assert "unit_name" not in templates.PERSON_ALLOWED_VARIABLES
    assert templates.PERSON_ALLOWED_VARIABLES < templates.ALLOWED_VARIABLES


def test_person_and_staff_templates_have_different_codes() -> None:
    assert not set(templates.PERSON_TEMPLATES) & set(templates.TEMPLATES)


@pytest.mark.parametrize("template", sorted(templates.PERSON_TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_template_uses_only_allowlisted_placeholders(template: str, language: str) -> None:
    with translation.override(language):
        text = str(templates.PERSON_TEMPLATES[template])

    assert set(PLACEHOLDER.findall(text)) <= templates.PERSON_ALLOWED_VARIABLES


@pytest.mark.parametrize("template", sorted(templates.PERSON_TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_template_says_nothing_revealing(template: str, language: str) -> None:
    with translation.override(language):
        text = str(templates.PERSON_TEMPLATES[template])

    assert templates.reveals(text) == []


@pytest.mark.parametrize("template", sorted(templates.PERSON_TEMPLATES))
@pytest.mark.parametrize("forbidden", FORBIDDEN)
def test_a_person_template_refuses_every_identifying_variable(
    template: str, forbidden: str
) -> None:
    context = {"register_number": "BHG-1/2025/0001", forbidden: CANARY.name}

    with pytest.raises(templates.UnsafeNotification):
        templates.clean_person_context(template, context)


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
def test_a_staff_template_cannot_be_sent_to_a_person(template: str) -> None:
    with pytest.raises(templates.UnsafeNotification):
        templates.clean_person_context(template, {"register_number": "x"})


@pytest.mark.parametrize("template", sorted(templates.PERSON_TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_rendering_a_stored_context_drops_everything_off_the_allowlist(
    template: str, language: str
) -> None:
    # Given a stored context that somehow holds the canary (written by hand, say)
    context = {variable: f"CANARY-{variable.upper()}" for variable in FORBIDDEN}
    context.update({"name": CANARY.name, "nik": CANARY.nik, "address": CANARY.address})
    context["register_number"] = "BHG-1/2025/0001"

    # when the text is rendered
    with translation.override(language):
        text = templates.render_for_person(template, context)

    # then only the allowlisted values are in it (the reference, where the text has one:
    # the public portal's notice leaves out the tracking code, half of the reporter's key)
    if "%(register_number)s" in str(templates.PERSON_TEMPLATES[template]):
        assert "BHG-1/2025/0001" in text
    assert "CANARY-" not in text
    assert CANARY.name not in text and CANARY.nik not in text and CANARY.address not in text
    assert "%(" not in text


def test_a_relative_link_becomes_absolute_with_the_base_url() -> None:
    text = templates.render_for_person(
        "person_request_update",
        {"register_number": "R-1", "link": "/status/abc/"},
        base_url="https://layanan.example.go.id",
    )

    assert "https://layanan.example.go.id/status/abc/" in text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Info Layanan", []),
        ("LBK-KK Bahagia", ["lbk", "lbk-kk"]),
        ("Unit PPA", ["ppa"]),
        ("Layanan Korban Kekerasan", ["kekerasan", "korban"]),
        ("Anakku", []),
    ],
)
def test_revealing_words_are_found_as_whole_words(text: str, found: list[str]) -> None:
    assert templates.reveals(text) == found
