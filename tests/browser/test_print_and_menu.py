"""A staff page printed from Chromium: no menu, no buttons, "CONFIDENTIAL" on every sheet;
and on a 360 px phone the menu is one row (it scrolls sideways) instead of four."""

import subprocess
from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import Role
from sipakatau.referrals.tests.support import PDFTOTEXT, case_with_victim
from tests.browser.signed_in import OFFICE_PC, SignedInBrowser
from tests.factories import WATANG_SOREANG, make_organisation, make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_page_prints_without_menus_and_marked_confidential_on_every_sheet(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    worker = make_persona(unit, Role.CASEWORKER, username="cetak.pendamping")
    case, _victim = case_with_victim(worker.membership, needs={"ECONOMIC": "x" * 4000})
    desk = SignedInBrowser(
        browser, live_server, worker.user, artifacts, prefix="print", viewport=OFFICE_PC
    )

    desk.go(f"/kasus/{case.pk}/")
    desk.page.emulate_media(media="print")
    pdf = artifacts / "print-case.pdf"
    desk.page.pdf(path=str(pdf), format="A4")
    desk.close()

    pages = subprocess.run(  # noqa: S603 (a fixed program on our own file)
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2, "the long assessment should need a second sheet"
    assert all("CONFIDENTIAL" in page for page in pages)
    printed = "\f".join(pages)
    assert case.register_number in printed
    assert "Sign out" not in printed and "Service directory" not in printed


def test_the_menu_is_one_row_on_a_phone(live_server: Any, browser: Any, artifacts: Path) -> None:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    coordinator = make_persona(unit, Role.COORDINATOR, username="menu.koordinator")
    phone = SignedInBrowser(browser, live_server, coordinator.user, artifacts, prefix="menu")

    page = phone.go("/beranda/")
    tops = page.eval_on_selector_all(
        ".site-header nav li", "items => items.map(item => item.getBoundingClientRect().top)"
    )
    phone.shot("home")
    phone.close()

    assert len(tops) > 5
    assert len(set(round(top) for top in tops)) == 1
