"""DP3A's head (agency manager) at month's end, on a phone without JavaScript: the city's
figures for the year, narrowed to a kecamatan, then drilled down to one unit — never
further, and with small numbers hidden. The figures come from the rollups."""

from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.reports.models import StatisticsRollup
from sipakatau.reports.tests.dataset import build
from tests.browser.signed_in import OFFICE_PC, SignedInBrowser
from tests.factories import CITY, WATANG_BACUKIKI, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dp3a_reads_the_city_year_and_drills_down_to_a_unit_only(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    ikhlas = make_organisation("LBK-KK Ikhlas", area_code=WATANG_BACUKIKI)
    dp3a = make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    manager = make_user(dp3a, Role.AGENCY_MANAGER, username="dp3a.kepala")
    build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR, username="bahagia.koordinator"))

    phone = SignedInBrowser(browser, live_server, manager, artifacts, prefix="city")
    page = phone.go("/statistik/")
    page.select_option("select[name=period]", "2026")
    phone.click("form.filters button[type=submit]")
    assert "period=2026" in page.url
    phone.shot("1-year")
    # Counted through the rollups: one per unit and month of the year
    assert StatisticsRollup.objects.filter(figures__isnull=False).count() == 2 * 12
    # Five counted cases in the city (C3's victim withdrew her consent): shown; but four
    # in Bahagia and one in Ikhlas are under the threshold of 5, so both are hidden
    assert page.locator("[data-figure=cases]").inner_text().strip() == "5"
    units = page.locator("table[data-table=cases_by_unit] tbody tr td.n")
    assert units.all_inner_texts() == ["*", "*"]

    # Drill down: the unit's own figures, and no link to any case or person
    phone.click(f"table[data-table=cases_by_unit] a[href*='unit={bahagia.pk}']")
    assert f"unit={bahagia.pk}" in page.url
    phone.shot("2-unit")
    links = page.locator("main a").evaluate_all("(links) => links.map((a) => a.href)")
    assert not [link for link in links if "/kasus/" in link or "/orang/" in link]

    desk = SignedInBrowser(
        browser, live_server, manager, artifacts, prefix="city", viewport=OFFICE_PC
    )
    desk.go("/statistik/?period=2026")
    desk.shot("1-year")
