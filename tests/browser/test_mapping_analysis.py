"""The analysis of a needs mapping in a browser without JavaScript: the coordinator of
LBK-KK Bahagia asks for the analysis of the template questionnaire, answered by 14
respondents, to be prepared (a job), reads it on her phone (360 px, nothing wider than the
screen) and at the office (1280 px), asks for one more cross-tab, and downloads the
"Laporan Hasil Pemetaan Kebutuhan" in Indonesian; the discussion page of the draft
mechanism links to the analysis. Screenshots and the PDF's pages (pdftoppm) go to
test-artifacts/."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_q.conf import Conf

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.mapping import services
from sipakatau.mapping.tests.answered import answered_template
from sipakatau.mechanisms import services as mechanisms
from sipakatau.mechanisms.codes import Status
from tests.browser.signed_in import OFFICE_PC, SignedInBrowser
from tests.factories import WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINDINGS = "Dua belas dari 14 responden butuh dokumen kependudukan; layanan hukum sulit dijangkau."


def _acting(user: Any) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(user=user)


def test_the_coordinator_reads_the_analysis_and_prints_the_report(
    live_server: Any, browser: Any, artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # django-q2's sync mode: the analysis job queued on commit runs in the server at once
    # (no cluster runs in tests)
    monkeypatch.setattr(Conf, "SYNC", True)
    # Given the template questionnaire of LBK-KK Bahagia, answered by 14 respondents
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    coordinator = make_user(bahagia, Role.COORDINATOR, username="bahagia.koordinator")
    kader = make_user(bahagia, Role.VOLUNTEER, username="bahagia.kader")
    questionnaire = answered_template(_acting(coordinator), _acting(kader))
    services.questionnaire_findings_save(
        actor=_acting(coordinator), questionnaire=questionnaire, findings=FINDINGS
    )
    analysis = f"/pemetaan/{questionnaire.pk}/analisis/"

    # When she opens the analysis on her phone, and asks for it to be prepared (nothing is
    # computed before she asks)
    phone = SignedInBrowser(browser, live_server, coordinator, artifacts, prefix="mapping-analysis")
    phone.go(analysis)
    assert phone.page.locator("#sample").count() == 0
    phone.shot("0-not-prepared")
    phone.click("form[action$='/analisis/perbarui/'] button[type=submit]")

    # Then she sees the respondents, her findings, the ranking and the gaps, on one screen
    # width (wide tables scroll inside their own box)
    text = phone.text()
    assert "RW 001\t10" in phone.text("#sample")  # RW 002 has 4: hidden as "<5"
    assert "<5" in phone.text("#sample")
    assert FINDINGS in phone.text("#findings")
    ranking = phone.text("#ranking")
    assert ranking.index("Dokumen kependudukan") < ranking.index("Layanan kesehatan")
    assert phone.page.locator("#ranking svg").count() >= 1
    assert "Service gaps" in text
    phone.shot("1-top")

    # And she asks for the needs by sex (a GET form, no JavaScript)
    phone.page.select_option("#by", index=1)
    phone.click("#crosstabs form button[type=submit]")
    assert phone.page.url.startswith(f"{phone.server}{analysis}?")
    phone.shot("2-crosstab")

    # And the discussion of the draft mechanism of Watang Soreang leads to it
    office = make_organisation(
        "Kantor Kelurahan Watang Soreang", type=OrganisationType.KELURAHAN, area_code=WATANG_SOREANG
    )
    staff = _acting(make_user(office, Role.VILLAGE_OFFICER, username="ws.staf"))
    version = mechanisms.mechanism_start(actor=staff, area=office.area)
    mechanisms.version_transition(actor=staff, version=version, to=Status.IN_DISCUSSION)
    phone.go(f"/mekanisme/versi/{version.pk}/")
    assert "Needs mapping of this kelurahan" in phone.text("#mapping")
    phone.shot("3-mechanism")
    phone.click(f'#mapping a[href="{analysis}"]')
    assert phone.page.url == f"{phone.server}{analysis}"
    phone.close()

    # At the office the same page, 1280 px wide
    desk = SignedInBrowser(
        browser,
        live_server,
        coordinator,
        artifacts,
        prefix="mapping-analysis-desk",
        viewport=OFFICE_PC,
    )
    desk.go(analysis)
    assert FINDINGS in desk.text("#findings")
    desk.shot("1-analysis")

    # And the report, in Indonesian
    desk.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": desk.server}]
    )
    desk.go(analysis)
    # (her button queues the report's job — run at once here, sync — and leads to its page)
    desk.click(f"form[action$='/pemetaan/{questionnaire.pk}/laporan.pdf'] button[type=submit]")
    assert "/berkas/" in desk.page.url, desk.page.url
    desk.shot("2-report-ready")
    download = desk.page.locator("a.button", has_text="Unduh").get_attribute("href")
    pdf = desk.context.request.get(f"{desk.server}{download}")
    content = pdf.body()
    assert pdf.status == 200 and content.startswith(b"%PDF")
    desk.close()
    path = artifacts / "mapping-report.pdf"
    path.write_bytes(content)
    for old in artifacts.glob("mapping-report-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603 (a fixed command on our own file)
        ["pdftoppm", "-png", "-r", "70", str(path), str(artifacts / "mapping-report")],  # noqa: S607
        check=True,
    )
    assert sorted(artifacts.glob("mapping-report-*.png")), "pdftoppm made no page"
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    words = " ".join(text.split())
    assert "LAPORAN HASIL PEMETAAN KEBUTUHAN" in words
    assert "Urutan kebutuhan" in words
    assert FINDINGS in words
    assert "<5" in text  # small cells are hidden in print
