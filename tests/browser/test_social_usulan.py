"""The usulan on 360 px phones, without JavaScript: a caseworker's needs assessment puts
the survivor's household on the kelurahan's worklist; the LBK-KK coordinator proposes it
in the month's batch, records the musyawarah and the field verification; the Lurah
signs; Dinsos approves and decides; the case shows "PKH: accepted" and the BNBA opens in
openpyxl with the household in it. Screenshots go to test-artifacts/."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.referrals.tests.support import case_with_victim
from sipakatau.social import services
from sipakatau.social.exports import BNBA_COLUMNS
from sipakatau.social.models import ProposalBatch
from tests.browser.signed_in import SignedInBrowser
from tests.factories import CITY, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _acting(user: Any) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(user=user)


def test_a_needs_assessment_ends_as_pkh_decided_on_the_case(
    live_server: Any, browser: Any, artifacts: Path, programmes: None
) -> None:
    # Given a Bahagia case whose victim heads a household at RT 001/RW 002, Watang Soreang
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    office = make_organisation(
        "Kantor Kelurahan Watang Soreang", type=OrganisationType.KELURAHAN, area_code=WATANG_SOREANG
    )
    dinsos = make_organisation(
        "Dinas Sosial Kota Parepare", type=OrganisationType.DINSOS, area_code=CITY
    )
    worker = make_user(bahagia, Role.CASEWORKER, username="siti.pendamping")
    coordinator = make_user(bahagia, Role.COORDINATOR, username="bahagia.koordinator")
    lurah = make_user(office, Role.VILLAGE_OFFICER, username="ws.lurah", is_signatory=True)
    officer = make_user(dinsos, Role.AGENCY_OFFICER, username="dinsos.petugas")
    case, victim = case_with_victim(_acting(worker), name="Hasnah Rahmawati", needs={})
    home = services.household_create(
        actor=_acting(coordinator),
        kk_number="7372031003260001",
        kelurahan=bahagia.area,
        rw="2",
        rt="1",
        address="Jl. Bau Massepe 12",
    )
    services.household_member_add(
        actor=_acting(coordinator), household=home, person=victim.person, relationship="KEPALA"
    )
    today = timezone.localdate()

    # When the caseworker records an economic need on the case
    phone = SignedInBrowser(browser, live_server, worker, artifacts, prefix="social")
    page = phone.go(f"/kasus/{case.pk}/asesmen/")
    page.check("input[name=risk_level][value=MEDIUM]")
    page.fill("textarea[name=need_ECONOMIC]", "Suami pergi, tanpa penghasilan")
    phone.click("main form button[type=submit]")
    phone.close()

    # Then the coordinator finds the household on the worklist, and proposes it
    desk = SignedInBrowser(browser, live_server, coordinator, artifacts, prefix="social")
    page = desk.go("/perlindungan-sosial/daftar-periksa/")
    assert "Needs: Economic" in desk.text()
    assert "Suami pergi" not in desk.text()  # the case's story stays in the case
    desk.shot("1-worklist")
    desk.go("/perlindungan-sosial/usulan/")
    page.fill("input[name=month]", today.isoformat())
    page.select_option("select[name=dinsos]", label="Dinas Sosial Kota Parepare")
    desk.click("#new button[type=submit]")
    batch = ProposalBatch.objects.get()
    page = desk.go(f"/perlindungan-sosial/rumah-tangga/{home.pk}/")
    assert "Hasnah Rahmawati" in desk.text()
    page.locator("#proposals summary").click()
    page.select_option("select[name=propose-programme]", "PKH")
    desk.shot("2-household")
    desk.click("#proposals form button[type=submit]")
    assert "The household is in the proposal." in desk.text(".messages")

    # And takes the batch through the musyawarah and the field verification
    page = desk.go(f"/perlindungan-sosial/usulan/{batch.pk}/")
    desk.click("form[action$='/lanjut/'] button")
    page.fill("input[name=place]", "Aula Kantor Lurah Watang Soreang")
    page.fill("textarea[name=attendance]", "Lurah Watang Soreang\nKetua RW 002\nKoordinator LBK-KK")
    page.fill("textarea[name=decisions]", "Diusulkan 1 KK untuk PKH")
    desk.click("#musyawarah button[type=submit]")
    desk.click("form[action$='/lanjut/'] button")
    page.select_option("select[name$='-result']", "LAYAK")
    desk.click("form[action*='/verval/'] button")
    assert "Eligible" in desk.text("#households")
    desk.click("form[action$='/lanjut/'] button")
    assert "Waiting for the Lurah's signature" in desk.text()
    desk.shot("3-batch-siks")
    desk.close()

    # And the Lurah signs
    office_pc = SignedInBrowser(browser, live_server, lurah, artifacts, prefix="social")
    office_pc.go(f"/perlindungan-sosial/usulan/{batch.pk}/")
    office_pc.click("form[action$='/tanda-tangan/'] button")
    assert "You signed the proposal" in office_pc.text(".messages")
    office_pc.close()

    # And Dinsos approves and decides, and downloads the BNBA
    dinsos_pc = SignedInBrowser(browser, live_server, officer, artifacts, prefix="social")
    page = dinsos_pc.go(f"/perlindungan-sosial/usulan/{batch.pk}/")
    dinsos_pc.click("form[action$='/lanjut/'] button")
    page.select_option("select[name$='-outcome']", "DITETAPKAN")
    dinsos_pc.click("form[action*='/keputusan/'] button")
    dinsos_pc.click("form[action$='/lanjut/'] button >> nth=0")
    assert "Decided: accepted" in dinsos_pc.text("dl.facts >> nth=0")
    dinsos_pc.shot("4-batch-decided")
    with page.expect_download() as download_info:
        page.locator("a[href$='/bnba.xlsx']").click()
    workbook_bytes = Path(download_info.value.path()).read_bytes()
    dinsos_pc.close()

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook_bytes)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(BNBA_COLUMNS)
    row = [cell.value for cell in sheet[2]]
    assert row == [
        1,
        None,  # no NIK recorded for her
        "7372031003260001",
        "Hasnah Rahmawati",
        "Jl. Bau Massepe 12",
        "001",
        "002",
        "Watang Soreang",
        "Soreang",
        "Kota Parepare",
        "Program Keluarga Harapan (PKH)",
        "Eligible",
    ]
    assert sheet.max_row == 2

    # And the caseworker sees the outcome on the case
    phone = SignedInBrowser(browser, live_server, worker, artifacts, prefix="social")
    page = phone.go(f"/kasus/{case.pk}/")
    section = phone.text("#social")
    assert "PKH: accepted" in section
    page.locator("#social").scroll_into_view_if_needed()
    phone.shot("5-case")
    phone.close()
