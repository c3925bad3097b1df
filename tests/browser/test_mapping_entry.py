"""A kader fills the template needs-mapping questionnaire on a 360 px phone without
JavaScript: starts a visit by RT/RW, answers one group per screen (a wrong age comes back
with its error and what was typed), sees "Ke mana?" appear once she knows where to report,
checks the answers and sends them. Screenshots go to test-artifacts/."""

from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import Membership, Role
from sipakatau.mapping import services
from sipakatau.mapping.models import QuestionnaireStatus, Submission
from tests.browser.signed_in import SignedInBrowser
from tests.factories import WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _acting(user: Any) -> Membership:
    return Membership.objects.select_related("organisation__area", "user").get(user=user)


def test_a_kader_fills_the_template_on_a_phone(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    # Given the template questionnaire, opened by the coordinator of LBK-KK Bahagia
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    coordinator = make_user(bahagia, Role.COORDINATOR, username="bahagia.koordinator")
    kader = make_user(bahagia, Role.VOLUNTEER, username="bahagia.kader")
    template = services.questionnaire_load_template(actor=_acting(coordinator))
    services.questionnaire_set_status(
        actor=_acting(coordinator), questionnaire=template, status=QuestionnaireStatus.ACTIVE
    )

    # When the kader starts a visit at RT 001/RW 002
    phone = SignedInBrowser(browser, live_server, kader, artifacts, prefix="mapping-entry")
    page = phone.go("/pemetaan/isi/")
    phone.click("#questionnaires a")
    page.fill("input[name=rw]", "2")
    page.fill("input[name=rt]", "1")
    phone.click("main form button[type=submit]")

    # And answers about the respondent, first with an age that cannot be
    assert "Tentang responden" in phone.text("h1")
    page.check("input[name=jk][value=P]")
    page.fill("input[name=umur]", "250")
    page.check("input[name=kelompok][value=perempuan]")
    page.check("input[name=kelompok][value=disabilitas]")
    phone.click("button[name=go][value=next]")
    assert "Some answers need a look" in phone.text()
    assert page.input_value("input[name=umur]") == "250"
    assert page.is_checked("input[name=kelompok][value=disabilitas]")
    phone.shot("1-error")
    page.fill("input[name=umur]", "52")
    phone.click("button[name=go][value=next]")

    # And the Washington Group questions, documents, programmes and services
    assert "Washington Group" in phone.text("h1")
    assert "Draft saved" in phone.text("#saved")
    for name in [
        "wg_melihat",
        "wg_mendengar",
        "wg_mengingat",
        "wg_merawat_diri",
        "wg_berkomunikasi",
    ]:
        page.check(f"input[name={name}][value='1']")
    page.check("input[name=wg_berjalan][value='3']")
    phone.shot("2-washington-group")
    phone.click("button[name=go][value=next]")
    page.check("input[name=dokumen_dimiliki][value=ktp]")
    page.check("input[name=dokumen_dimiliki][value=kk]")
    phone.click("button[name=go][value=next]")
    page.check("input[name=program][value=pbi_jk]")
    phone.click("button[name=go][value=next]")
    page.check("input[name=akses_kesehatan][value=mudah]")
    page.check("input[name=akses_hukum][value=tidak_tahu]")
    page.check("input[name=akses_psikososial][value=sulit]")
    phone.click("button[name=go][value=next]")

    # And says she knows where to report: "Ke mana?" appears on the same screen
    assert page.locator("input[name=tempat_lapor]").count() == 0
    page.check("input[name=tahu_tempat_lapor][value=ya]")
    phone.click("button[name=go][value=next]")
    assert "More questions appeared" in phone.text()
    page.check("input[name=tempat_lapor][value=lbk_kk]")
    page.check("input[name=tempat_lapor][value=polisi]")
    phone.shot("3-relevance")
    phone.click("button[name=go][value=next]")
    page.check("input[name=hambatan][value=aksesibilitas]")
    page.check("input[name=hambatan][value=jarak]")
    phone.click("button[name=go][value=next]")
    page.check("input[name=kebutuhan][value=kesehatan]")
    page.check("input[name=kebutuhan][value=aksesibilitas]")
    page.check("input[name=kebutuhan_utama][value=aksesibilitas]")
    phone.click("button[name=go][value=next]")

    # Then she checks the answers and sends them, once
    assert "Check and send" in phone.text("h1")
    assert "Banyak kesulitan" in phone.text()
    phone.shot("4-review")
    phone.click("main form.actions button[type=submit]")
    assert "Thank you. The answers were sent." in phone.text(".messages")
    phone.shot("5-sent")
    phone.close()

    submission = Submission.objects.get()
    assert (submission.rw, submission.rt) == ("002", "001")
    assert submission.answers["lokasi/rw"] == 2 and submission.answers["responden/umur"] == 52
    assert submission.answers["wg/wg_berjalan"] == "3"
    assert submission.answers["kekerasan/tempat_lapor"] == ["lbk_kk", "polisi"]
