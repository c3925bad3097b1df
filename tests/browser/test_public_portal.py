"""The public portal in a real browser: reporting without JavaScript, the quick exit by
button and by three Shift presses (Back cannot return), and no request to other hosts."""

from typing import Any

import pytest
from django.conf import settings

from sipakatau.public.models import PublicReport
from tests.factories import WATANG_SOREANG, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _english(context: Any, live_server: Any) -> None:
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def test_a_neighbour_reports_without_javascript(live_server: Any, browser: Any) -> None:
    # Given the unit that covers Watang Soreang, and a phone with JavaScript switched off
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    _english(context, live_server)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    # When she fills in the few questions and sends them
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_label("What happened?").fill("Tetangga saya dipukul suaminya tadi malam.")
    page.get_by_label("Where did it happen? (kelurahan)").select_option(label="Watang Soreang")
    page.get_by_role("button", name="Send the report").click()

    # Then she gets a code and a PIN, and the report is stored once
    assert "Your report code:" in page.content()
    assert PublicReport.objects.count() == 1
    assert hosts == {live_server.url.split("/")[2]}
    context.close()


def test_quick_exit_is_first_and_leaves_no_way_back(live_server: Any, phone: Any) -> None:
    phone.goto(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/lapor/")

    # The quick exit is the first thing the keyboard reaches
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "quick-exit"

    # Pressing it replaces the page: Back goes to the page before the form, not the form
    phone.click("#quick-exit")
    phone.wait_for_url(f"{live_server.url}/cuaca/")
    phone.go_back()
    assert phone.url == f"{live_server.url}/"


def test_three_shift_presses_leave_too(live_server: Any, phone: Any) -> None:
    phone.goto(f"{live_server.url}/lapor/")
    phone.wait_for_load_state("load")

    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url(f"{live_server.url}/cuaca/")

    assert phone.requested_hosts == {live_server.url.split("/")[2]}
