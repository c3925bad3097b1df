"""Quick exit in a real browser: the visit is one history entry, the exit replaces it with
a page on another site, and nothing typed can come back (Back, the draft, the fields).

The steps follow links and buttons by what they say, not by URL, so they hold while the
report flow changes (a step that asks for the place first is walked through)."""

import re
import time
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from sipakatau.public.models import PublicReport
from tests.factories import WATANG_SOREANG, make_organisation

from .conftest import NeutralSite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "Suami saya memukul saya di dapur tadi malam, namanya Baharuddin."
TYPED_WORDS = ("memukul", "dapur", "Baharuddin")
PORTAL_WORDS = ("Quick exit", "Keluar cepat", "Report", "Lapor")


def _english(page: Any, live_server: Any) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def _history(page: Any) -> tuple[list[str], int]:
    """Every entry of the tab's history (other sites' too), and the current one's index."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = cdp.send("Page.getNavigationHistory")
    finally:
        cdp.detach()
    return [entry["url"] for entry in found["entries"]], found["currentIndex"]


def _portal_entries(page: Any, live_server: Any) -> list[str]:
    return [url for url in _history(page)[0] if url.startswith(live_server.url)]


def _choose_the_place(page: Any) -> None:
    """A step that asks where it happened before the story: Watang Soreang (or the
    kecamatan, city or province on the way to it), from a list of links or a list box."""
    main = page.locator("main")
    for name in ("Watang Soreang", "Soreang", "Parepare", "Sulawesi Selatan"):
        link = main.get_by_role("link", name=re.compile(rf"\b{name}\b"))
        if link.count():
            link.first.click()
            return
    boxes = main.get_by_role("combobox")
    assert boxes.count(), f"neither the story nor a place to choose on {page.url}"
    boxes.first.select_option(label="Watang Soreang")
    main.get_by_role("button").first.click()


def _story_field(page: Any) -> Any:
    """The field where the story is typed, walking through any step before it."""
    story = page.get_by_label("What happened?")
    for _ in range(4):
        page.wait_for_load_state()
        if story.count():
            return story
        _choose_the_place(page)
    raise AssertionError(f"no field for the story on {page.url}")


def _open_the_report_form(page: Any, live_server: Any) -> Any:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Report what happened").click()
    return _story_field(page)


def _off_site(page: Any, live_server: Any) -> set[str]:
    return {
        url.split("/")[2]
        for url in page.requested_urls
        if url.startswith("http") and not url.startswith(live_server.url)
    }


def test_after_quick_exit_nothing_of_the_visit_comes_back(
    live_server: Any, phone: Any, neutral_site: NeutralSite
) -> None:
    # Given a reporter who came from another page, opened the form and typed her story
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    _english(phone, live_server)
    phone.goto(f"http://{neutral_site.host}/berita")
    story = _open_the_report_form(phone, live_server)
    story.fill(STORY)
    phone.wait_for_function(
        "() => Object.keys(sessionStorage).some("
        "  k => k.startsWith('draft:') && sessionStorage.getItem(k).includes('dapur'))"
    )
    # (the visit so far is one entry: the links replaced it instead of adding to it)
    assert len(_portal_entries(phone, live_server)) == 1

    # When she presses Quick exit
    phone.get_by_role("link", name="Quick exit").click()
    phone.wait_for_url(neutral_site.url)

    # Then no entry of the tab's history is the portal any more
    assert _portal_entries(phone, live_server) == []
    # and Back, as often as the browser allows, shows no portal text and no typed word
    shown = [phone.content()]
    for _ in range(10):
        before = _history(phone)[1]
        phone.go_back()
        phone.wait_for_load_state()
        if _history(phone)[1] == before:
            break
        shown.append(phone.content())
        assert not phone.url.startswith(live_server.url)
    assert len(shown) >= 2  # the neutral page, the page she came from (and a blank one)
    for html in shown:
        for word in (*TYPED_WORDS, *PORTAL_WORDS):
            assert word not in html

    # and reopening the form from the home page brings nothing back
    story = _open_the_report_form(phone, live_server)
    assert story.input_value() == ""
    html = phone.content()
    for word in TYPED_WORDS:
        assert word not in html
    assert phone.evaluate("Object.keys(sessionStorage).concat(Object.keys(localStorage))") == []
    # and the only other site the browser ever asked was the neutral one
    assert _off_site(phone, live_server) == {neutral_site.host}


def test_sending_a_report_adds_no_history_entry(
    live_server: Any, phone: Any, neutral_site: NeutralSite
) -> None:
    from tests.builders import png

    # Given a reporter on the form, with a photo
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    _english(phone, live_server)
    phone.goto(f"http://{neutral_site.host}/berita")
    _open_the_report_form(phone, live_server).fill(STORY)
    place = phone.get_by_label(re.compile(r"^Where did it happen"))
    if place.count():  # unless the place was chosen on a step before
        place.select_option(label="Watang Soreang")
    photo = phone.get_by_label("Photo (optional)")
    with_photo = photo.count() > 0
    if with_photo:
        photo.set_input_files({"name": "luka.png", "mimeType": "image/png", "buffer": png()})

    # When she sends it, pressing twice as a hurried thumb does
    phone.get_by_role("button", name=re.compile(r"^Send")).dblclick()
    phone.get_by_text("Your report code:").wait_for()

    # Then the code and the PIN show (the second press did not spend them), the report is
    # stored once, with its photo, and the whole visit is still one entry of the history
    assert PublicReport.objects.count() == 1
    assert bool(PublicReport.objects.get().photo) == with_photo
    entries = _portal_entries(phone, live_server)
    assert len(entries) == 1
    assert re.search(r"\b\d{6}\b", phone.locator("main").inner_text())  # the PIN

    # And Quick exit from the page with the code leaves no way back to it
    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url(neutral_site.url)
    assert _portal_entries(phone, live_server) == []


def test_a_dropped_connection_keeps_the_story_and_the_next_press_sends_it_once(
    live_server: Any, phone: Any
) -> None:
    # Given a reporter whose connection drops as she sends her story
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    _english(phone, live_server)
    story = _open_the_report_form(phone, live_server)
    story.fill(STORY)
    place = phone.get_by_label(re.compile(r"^Where did it happen"))
    if place.count():
        place.select_option(label="Watang Soreang")

    def drop_posts(route: Any) -> None:
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    phone.route(re.compile(r"/lapor/"), drop_posts)
    send = phone.get_by_role("button", name=re.compile(r"^Send"))
    send.click()

    # Then she is told, and her story is still on the page
    phone.get_by_text("It was not sent").wait_for()
    assert story.input_value() == STORY
    assert PublicReport.objects.count() == 0

    # When the connection is back and she presses again, the report is sent once
    phone.unroute(re.compile(r"/lapor/"), drop_posts)
    send.click()
    phone.get_by_text("Your report code:").wait_for()
    assert PublicReport.objects.count() == 1
    assert len(_portal_entries(phone, live_server)) == 1


def test_quick_exit_is_first_and_three_shift_presses_leave_too(
    live_server: Any, phone: Any, neutral_site: NeutralSite
) -> None:
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name=re.compile("Report|Laporkan")).first.click()
    phone.wait_for_load_state("load")

    # The quick exit is the first thing the keyboard reaches
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "quick-exit"

    # Capital letters typed in a hurry are not taken for the signal
    for letter in "RTW":
        phone.keyboard.press(f"Shift+{letter}")
    phone.wait_for_timeout(300)
    assert phone.url.startswith(live_server.url)

    # Three presses of Shift alone replace the page with the neutral one
    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url(neutral_site.url)
    assert _portal_entries(phone, live_server) == []
    assert _off_site(phone, live_server) == {neutral_site.host}
    # and the neutral site is not told where the visitor came from
    assert "referer" not in neutral_site.seen[-1]


def test_a_report_followed_on_this_phone_is_hidden_by_quick_exit(
    live_server: Any, phone: Any, neutral_site: NeutralSite
) -> None:
    from django.contrib.sessions.models import Session

    from sipakatau.public.services import format_code
    from sipakatau.public.tests.support import submit
    from sipakatau.public.views import SESSION_TRACKED

    # Given a reporter who opened her report with its code and PIN
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    sent = submit(what_happened=STORY)
    _english(phone, live_server)
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="Follow a report").first.click()
    phone.get_by_label("Report code").fill(format_code(sent.report.tracking_code))
    phone.get_by_label("PIN").fill(sent.pin or "")
    phone.get_by_role("button", name="Show my report").click()
    phone.get_by_role("heading", name="Your report").wait_for()

    # When she presses Quick exit
    phone.get_by_role("link", name="Quick exit").click()
    phone.wait_for_url(neutral_site.url)

    # Then the server forgets the followed report (the beacon may land after the exit)
    deadline = time.monotonic() + 10
    while any(SESSION_TRACKED in s.get_decoded() for s in Session.objects.all()):
        assert time.monotonic() < deadline, "the session still holds the followed report"
        time.sleep(0.1)
    # and opening the tracking page again asks for the code: her report stays hidden
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="Follow a report").first.click()
    expect(phone.get_by_label("Report code")).to_be_visible()  # the tracking page is here
    assert phone.get_by_role("heading", name="Your report").count() == 0
    assert "memukul" not in phone.content()


def test_without_javascript_quick_exit_is_a_plain_link_and_back_shows_no_typed_word(
    live_server: Any, browser: Any, neutral_site: NeutralSite
) -> None:
    # Given a phone with JavaScript switched off, on the form with her story typed
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    _english(page, live_server)
    _open_the_report_form(page, live_server).fill(STORY)

    # Then Quick exit is a plain link to the configured page, telling it nothing
    exit_link = page.get_by_role("link", name="Quick exit")
    assert exit_link.get_attribute("href") == neutral_site.url
    assert "noreferrer" in (exit_link.get_attribute("rel") or "").split()
    exit_link.click()
    page.wait_for_url(neutral_site.url)
    assert "referer" not in neutral_site.seen[-1]

    # and Back (which without a script returns to the form) does not bring the story back
    page.go_back()
    page.wait_for_load_state()
    html = page.content()
    for word in TYPED_WORDS:
        assert word not in html
    assert page.get_by_label("What happened?").input_value() == ""
    context.close()
