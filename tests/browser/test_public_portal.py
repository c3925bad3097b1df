"""The public portal in a real browser: reporting without JavaScript, the challenge over
the flood limits, and no request to other hosts. The quick exit is in test_quick_exit.py."""

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

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

    # When she chooses the place first, then fills in the few questions and sends them
    page.goto(f"{live_server.url}/lapor/")
    page.get_by_role("link", name="Watang Soreang").click()
    page.get_by_label("What happened?").fill("Tetangga saya dipukul suaminya tadi malam.")
    page.get_by_role("button", name="Send the report").click()

    # Then she gets a code and a PIN, and the report is stored once
    expect(page.locator("main")).to_contain_text("Your report code:")  # waits for the page
    assert PublicReport.objects.count() == 1
    assert hosts == {live_server.url.split("/")[2]}
    context.close()


def test_over_the_limit_a_neighbour_answers_the_question_without_javascript(
    live_server: Any, browser: Any, settings: Any, artifacts: Any
) -> None:
    from sipakatau.public.tests.support import solve

    # Given one report already came from this address, and the limit is one an hour
    settings.PUBLIC_REPORTS_PER_ADDRESS = 1
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    _english(context, live_server)
    page = context.new_page()

    def fill_and_send(story: str) -> None:
        page.goto(f"{live_server.url}/lapor/")
        page.get_by_role("link", name="Watang Soreang").click()
        page.get_by_label("What happened?").fill(story)
        page.get_by_role("button", name="Send the report").click()

    fill_and_send("Laporan pertama.")
    expect(page.locator("main")).to_contain_text("Your report code:")  # waits for the page

    # When she sends hers, she is asked a sum in words, her story still on the form
    fill_and_send("Laporan kedua, tentang tetangga.")
    question = page.locator("label[for=id_challenge_answer]").inner_text()
    assert page.get_by_label("What happened?").input_value() == "Laporan kedua, tentang tetangga."
    assert not page.locator("#keep-note").is_visible()  # no script, so nothing is kept
    page.screenshot(path=str(artifacts / "public-challenge.png"), full_page=True)
    assert PublicReport.objects.count() == 1

    # Then the right answer sends it
    page.get_by_label(question).fill(str(solve(question)))
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("main")).to_contain_text("Your report code:")  # waits for the page
    assert PublicReport.objects.count() == 2
    context.close()


def test_over_the_limit_a_phone_with_javascript_proves_work_instead_of_answering(
    live_server: Any, phone: Any, settings: Any
) -> None:
    settings.PUBLIC_REPORTS_PER_ADDRESS = 1
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)

    def fill_and_send(story: str) -> None:
        phone.goto(f"{live_server.url}/lapor/")
        phone.locator("main").get_by_role("link", name="Watang Soreang").click()
        phone.locator("#id_what_happened").fill(story)
        phone.locator("form[data-keep] button[type=submit]").click()

    fill_and_send("Laporan pertama.")
    phone.wait_for_url(f"{live_server.url}/lapor/selesai/")

    # The second report meets the question, which the script makes unnecessary
    fill_and_send("Laporan kedua.")
    phone.locator("#challenge-done").wait_for(state="visible", timeout=60_000)
    assert not phone.locator("#id_challenge_answer").is_visible()
    assert phone.locator("input[name=challenge_work]").input_value().isdigit()
    phone.locator("form[data-keep] button[type=submit]").click()

    phone.wait_for_url(f"{live_server.url}/lapor/selesai/")
    assert PublicReport.objects.count() == 2
    assert phone.requested_hosts == {live_server.url.split("/")[2]}
