"""The report's first step in a real browser: the place is chosen in short steps of
plain links without JavaScript, or found by name where JavaScript runs, among the places
this site serves only — and nothing is asked of another host."""

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from sipakatau.accounts.models import OrganisationType
from sipakatau.public.models import PublicReport
from tests.factories import CITY, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _english(context: Any, live_server: Any) -> None:
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def test_without_javascript_she_walks_to_her_kelurahan_and_reports(
    live_server: Any, browser: Any, artifacts: Any
) -> None:
    # Given DP3A Parepare (the whole city) and a phone with JavaScript switched off
    make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    _english(context, live_server)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    # When she opens the report, the name search is not offered (it needs a script)
    page.goto(f"{live_server.url}/lapor/")
    assert not page.get_by_label("Search by name").is_visible()
    page.screenshot(path=str(artifacts / "public-place-kecamatan.png"), full_page=True)

    # And she chooses her kecamatan, then her kelurahan
    page.locator("main").get_by_role("link", name="Bacukiki Barat").click()
    page.locator("main").get_by_role("link", name="Lumpue").click()

    # Then the form names the place, and her report reaches DP3A Parepare
    expect(page.get_by_text("Lumpue — Kec. Bacukiki Barat, Kota Parepare")).to_be_visible()
    page.get_by_label("What happened?").fill("Anak tetangga dipukul.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator("main")).to_contain_text("Your report code:")  # waits for the page
    report = PublicReport.objects.get()
    assert report.kelurahan.code == "73.72.04.1003"
    assert report.organisation.name == "DP3A Kota Parepare"
    assert hosts == {live_server.url.split("/")[2]}
    context.close()


def test_with_javascript_she_finds_her_place_by_name(
    live_server: Any, phone: Any, artifacts: Any
) -> None:
    make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    _english(phone.context, live_server)
    phone.goto(f"{live_server.url}/lapor/")

    search = phone.get_by_label("Search by name")
    search.fill("ujung")
    results = phone.locator("#place-results a")
    results.first.wait_for()
    names = results.all_inner_texts()
    phone.screenshot(path=str(artifacts / "public-place-search.png"), full_page=True)
    search.fill("zzzz")
    phone.get_by_text("No place with this name in our list.").wait_for()
    search.fill("ujung ba")
    phone.locator("#place-results a", has_text="Ujung Baru").click()

    assert names == ["Ujung Baru", "Ujung Bulu", "Ujung Lare", "Ujung Sabbang"]
    phone.get_by_label("What happened?").wait_for()
    assert phone.locator("input[name=kelurahan]").input_value() == "73.72.03.1002"
    assert phone.requested_hosts == {live_server.url.split("/")[2]}
    assert not any("ujung" in url.lower() for url in phone.requested_urls if "/api/" not in url)


def test_my_place_is_not_in_the_list_leads_to_the_hotlines(live_server: Any, phone: Any) -> None:
    make_organisation("LBK-KK Bahagia", area_code="73.72.03.1003")
    _english(phone.context, live_server)
    phone.goto(f"{live_server.url}/lapor/")

    phone.get_by_role("link", name="My place is not in the list").click()

    phone.get_by_role("link", name="129", exact=True).wait_for()
    assert phone.get_by_role("link", name="08111-129-129").get_attribute("href") == (
        "tel:+628111129129"
    )
    assert phone.get_by_role("link", name="112").get_attribute("href") == "tel:112"
