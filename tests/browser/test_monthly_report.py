"""The monthly report the SK Lurah orders, in a browser without JavaScript: the LBK-KK
coordinator reviews November's report on her phone, writes what the numbers say and
sends it; the Lurah and DP3A find it in Sipakatau and open it and its PDF. Screenshots
of the dashboard at 360 px and 1280 px, and the PDF's pages rendered with pdftoppm, go
to test-artifacts/."""

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.reports.models import MonthlyReport, MonthlyReportStatus
from sipakatau.reports.services.monthly import monthly_report_generate
from sipakatau.reports.tests.dataset import build
from tests.browser.signed_in import OFFICE_PC, SignedInBrowser
from tests.factories import CITY, WATANG_BACUKIKI, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Bulan ini tiga kasus baru; satu rujukan ke UPTD PPA sudah diterima."


def test_the_coordinator_sends_and_the_lurah_and_dp3a_open_it(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    # Given November's figures of LBK-KK Bahagia and the report drafted on 1 December
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    ikhlas = make_organisation("LBK-KK Ikhlas", area_code=WATANG_BACUKIKI)
    office = make_organisation(
        "Kantor Kelurahan Watang Soreang", type=OrganisationType.KELURAHAN, area_code=WATANG_SOREANG
    )
    dp3a = make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    coordinator = make_user(bahagia, Role.COORDINATOR, username="bahagia.koordinator")
    lurah = make_user(office, Role.VILLAGE_OFFICER, username="ws.lurah", is_signatory=True)
    officer = make_user(dp3a, Role.AGENCY_OFFICER, username="dp3a.petugas")
    build(bahagia, ikhlas, coordinator)
    monthly_report_generate(month=date(2026, 11, 1))
    report = MonthlyReport.objects.get(organisation=bahagia, month=date(2026, 11, 1))

    # The coordinator's dashboard on a phone
    phone = SignedInBrowser(browser, live_server, coordinator, artifacts, prefix="monthly")
    page = phone.go("/statistik/?period=2026-11")
    assert "cases reported" in phone.text()
    phone.shot("1-dashboard")

    # When she reviews the draft, writes the narrative and sends it
    page = phone.go(f"/statistik/laporan-bulanan/{report.pk}/")
    assert "Due on 5 December 2026" in phone.text()
    page.fill("textarea[name=narrative]", NARRATIVE)
    phone.click("button[name=send]")
    assert "The report was sent to the Lurah, DP3A and Dinsos" in phone.text()
    phone.shot("2-sent")
    phone.close()
    report.refresh_from_db()
    assert report.status == MonthlyReportStatus.SENT

    # Then the Lurah finds it among her monthly reports and opens it
    desk = SignedInBrowser(
        browser, live_server, lurah, artifacts, prefix="monthly-lurah", viewport=OFFICE_PC
    )
    desk.go("/statistik/laporan-bulanan/")
    desk.click(f'a[data-report="{report.pk}"]')
    assert NARRATIVE in desk.text() and "Korban Uji" not in desk.text()
    desk.shot("3-report")
    desk.close()

    # and so does DP3A, with the city's dashboard and the PDF
    dp3a_pc = SignedInBrowser(
        browser, live_server, officer, artifacts, prefix="monthly-dp3a", viewport=OFFICE_PC
    )
    dp3a_pc.go("/statistik/?period=2026-11")
    assert "Numbers below 5 are hidden" in dp3a_pc.text()
    dp3a_pc.shot("4-dashboard")
    dp3a_pc.go("/statistik/laporan-bulanan/")
    dp3a_pc.click(f'a[data-report="{report.pk}"]')
    assert NARRATIVE in dp3a_pc.text()
    pdf = dp3a_pc.context.request.get(
        f"{dp3a_pc.server}/statistik/laporan-bulanan/{report.pk}/laporan.pdf"
    )
    content = pdf.body()
    assert pdf.status == 200 and content.startswith(b"%PDF")
    dp3a_pc.close()
    path = artifacts / "monthly-report.pdf"
    path.write_bytes(content)
    subprocess.run(  # noqa: S603 (a fixed command on our own file)
        ["pdftoppm", "-png", "-r", "70", str(path), str(artifacts / "monthly-report")],  # noqa: S607
        check=True,
    )
    pages = sorted(artifacts.glob("monthly-report-*.png"))
    assert pages, "pdftoppm made no page"
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert NARRATIVE in text.replace("\n", " ") or "tiga kasus baru" in text
    assert "Korban Uji" not in text
