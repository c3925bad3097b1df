"""Every telephone number on a page is a link a phone can call, whatever its spacing."""

from django.template import Context, Template


def render(number: object) -> str:
    return Template("{{ number|tel_link }}").render(Context({"number": number}))


def test_a_written_number_becomes_a_tel_link_and_keeps_its_text() -> None:
    assert render("0812 3456-7890") == '<a class="tel" href="tel:081234567890">0812 3456-7890</a>'
    assert render("+62 812 3456 7890").startswith('<a class="tel" href="tel:+6281234567890">')


def test_nothing_or_no_digits_is_no_link() -> None:
    assert render("") == ""
    assert render(None) == ""
    assert render("tanya pak RT") == "tanya pak RT"


def test_markup_in_a_number_is_escaped() -> None:
    assert "<b>" not in render("<b>0812</b>")
