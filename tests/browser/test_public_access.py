"""The public pages for people with low vision, a screen reader or a bad connection:
200 % zoom on a 360 px phone without sideways scrolling, form fields that announce their
names, a draft that survives a reload (in this tab only), and the easy-read form."""

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import PublicReport
from tests.factories import WATANG_SOREANG, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FORM = f"/lapor/?tempat={WATANG_SOREANG}"
EASY_FORM = f"/lapor/mudah/?tempat={WATANG_SOREANG}"
PAGES = ["/", "/lapor/", FORM, "/lapor/mudah/", EASY_FORM, "/lapor/tempat-lain/", "/lacak/"]
FIELD_ROLES = ("textbox", "searchbox", "combobox", "radio", "checkbox", "button", "spinbutton")


def _english(context: Any, live_server: Any) -> None:
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


@pytest.fixture
def zoomed(browser: Any) -> Any:
    """A 360 px phone at 200 % zoom: the page lays out in 180 CSS pixels, drawn twice as
    large (what the browser's zoom does to the layout viewport)."""
    context = browser.new_context(viewport={"width": 180, "height": 370}, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_at_200_percent_zoom_on_a_phone(
    live_server: Any, zoomed: Any, artifacts: Path, path: str
) -> None:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    Organisation.objects.filter(pk=unit.pk).update(
        posko_address="Kantor Kelurahan Watang Soreang, Jl. Bau Massepe No. 123, Parepare",
        service_hours="Senin-Jumat 08.00-16.00; Sabtu 08.00-12.00",
    )
    zoomed.goto(f"{live_server.url}{path}")

    overflow = zoomed.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    name = re.sub(r"[^a-z0-9.]+", "-", path.strip("/")) or "home"
    zoomed.screenshot(path=str(artifacts / f"public-zoom200-{name}.png"), full_page=True)
    wide = zoomed.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1 && !e.closest('.hp'))"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px: {wide}"
    assert zoomed.evaluate("document.documentElement.lang").startswith(("id", "en"))


def test_the_form_fields_have_names_in_the_accessibility_tree(live_server: Any, phone: Any) -> None:
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    for path in ("/lapor/", FORM, "/lapor/mudah/", EASY_FORM, "/lacak/"):
        phone.goto(f"{live_server.url}{path}")
        tree = phone.locator("main").aria_snapshot()

        roles = re.findall(rf"^\s*- ({'|'.join(FIELD_ROLES)})\b(.*)$", tree, re.MULTILINE)
        assert roles, tree
        unnamed = [(role, rest) for role, rest in roles if not rest.strip().startswith('"')]
        assert unnamed == [], f"{path}: fields without a name: {unnamed}"
        # One main landmark, one h1, and headings that do not skip a level
        assert phone.locator("main").count() == 1
        assert phone.locator("h1").count() == 1
        levels = phone.evaluate(
            "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])"
        )
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_the_keyboard_focus_is_visible(live_server: Any, phone: Any, artifacts: Path) -> None:
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    phone.goto(f"{live_server.url}/lapor/")
    for _ in range(4):
        phone.keyboard.press("Tab")

    outline = phone.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    phone.screenshot(path=str(artifacts / "public-focus.png"))
    assert outline[0] != "none" and outline[1] >= 2, outline


def test_a_draft_survives_a_reload_and_is_gone_once_sent(live_server: Any, browser: Any) -> None:
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    _english(context, live_server)
    page = context.new_page()

    # Given she has typed part of her story when the page is reloaded (a dropped network)
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_role("link", name="Watang Soreang").click()
    expect(page.locator("#keep-note")).to_be_visible()  # shown by the script once loaded
    page.get_by_label("What happened?").fill("Suami saya memukul saya semalam.")
    page.get_by_label("When did it happen?").fill("semalam")
    key = page.locator("input[name=idempotency_key]").input_value()
    page.reload()

    # Then what she typed is back, with the same key (a resend is still one report)
    assert page.get_by_label("What happened?").input_value() == "Suami saya memukul saya semalam."
    assert page.get_by_label("When did it happen?").input_value() == "semalam"
    assert page.locator("input[name=idempotency_key]").input_value() == key
    assert page.evaluate("window.localStorage.length") == 0

    # When she sends it, the copy is removed from the tab
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(f"{live_server.url}/lapor/selesai/")
    assert page.evaluate("Object.keys(window.sessionStorage)") == []
    page.goto(f"{live_server.url}{FORM}")
    assert page.get_by_label("What happened?").input_value() == ""
    assert PublicReport.objects.filter(idempotency_key=key).count() == 1
    context.close()


def test_the_easy_form_sends_a_report_in_large_type(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    _english(context, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/mudah/")
    page.get_by_role("link", name="Watang Soreang").click()  # the place first
    story = page.get_by_label("What happened?")
    story.wait_for()  # the form's page has loaded, not the picker still going away
    size = page.locator("div.easy:not(.picker)").first.evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)"
    )
    page.screenshot(path=str(artifacts / "public-easy-form.png"), full_page=True)

    story.fill("Saya takut pulang.")
    page.get_by_role("button", name="Send", exact=True).click()

    assert size >= 20
    page.wait_for_url(f"{live_server.url}/lapor/selesai/")
    assert PublicReport.objects.get().what_happened == "Saya takut pulang."
    context.close()
