"""A referral on 360 px phones, without JavaScript being needed: a Bahagia caseworker
refers a case to Dinsos sharing only the needs and the first name; a Dinsos officer sees
exactly those fields, accepts, records the service and completes; the caseworker sees
the feedback on the case. Screenshots go to test-artifacts/."""

from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.referrals.codes import ReferralStatus, SharedField
from sipakatau.referrals.models import Referral
from sipakatau.referrals.tests.support import case_with_victim, consent_for_referral, provider_for
from tests.browser.signed_in import SignedInBrowser
from tests.factories import CITY, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_refers_a_case_to_dinsos_and_sees_the_feedback(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    # Given a Bahagia case with a victim, her needs, and her consent to a Dinsos referral
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    dinsos = make_organisation(
        "Dinas Sosial Kota Parepare", type=OrganisationType.DINSOS, area_code=CITY
    )
    worker = make_user(bahagia, Role.CASEWORKER, username="siti.pendamping")
    officer = make_user(dinsos, Role.AGENCY_OFFICER, username="dinsos.petugas")
    actor = Membership.objects.select_related("organisation", "user").get(user=worker)
    case, victim = case_with_victim(
        actor, name="Hasnah Rahmawati", needs={"ECONOMIC": "Belum terdaftar bansos PKH"}
    )
    consent_for_referral(actor, case, victim, OrganisationType.DINSOS)
    provider_for(dinsos, name="Dinas Sosial Kota Parepare")

    # When the caseworker refers it, sharing only the needs and the first name
    phone = SignedInBrowser(browser, live_server, worker, artifacts, prefix="referrals")
    page = phone.go(f"/kasus/{case.pk}/")
    phone.click(f"a[href$='/rujukan/kasus/{case.pk}/']")
    page.select_option("select[name=service]", "BANSOS")
    phone.shot("1-service")
    phone.click("main form button[type=submit]")
    page.select_option("select[name=provider]", label="Dinas Sosial Kota Parepare")
    page.check("input[name=urgency][value=URGENT]")
    page.fill("textarea[name=reason]", "Keluarga tanpa penghasilan sejak suami pergi")
    page.check(f"input[name=shared_fields][value={SharedField.NEEDS}]")
    page.check(f"input[name=shared_fields][value={SharedField.VICTIM_FIRST_NAME}]")
    phone.shot("2-form")
    phone.click("button[value=preview]")
    preview = page.locator("dl.shared").inner_text()
    assert "Hasnah" in preview and "Rahmawati" not in preview
    phone.shot("3-preview")
    phone.click("button[value=send]")
    assert "was sent" in page.locator(".messages").inner_text()
    phone.close()
    referral = Referral.objects.get()

    # Then the Dinsos officer sees exactly those two fields, and answers
    desk = SignedInBrowser(browser, live_server, officer, artifacts, prefix="referrals")
    page = desk.go("/rujukan/")
    assert referral.register_number in page.locator("main").inner_text()
    desk.shot("inbox")
    desk.click(f"a[href='/rujukan/{referral.pk}/']")
    fields = page.locator("dl.shared dt").evaluate_all("els => els.map(e => e.dataset.field)")
    assert fields == [SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS]
    main = page.locator("main").inner_text()
    assert "Hasnah" in main and "Belum terdaftar bansos PKH" in main
    for secret in ("Rahmawati", "Keluarga tanpa penghasilan"):
        assert secret not in main
    assert page.locator("a[href^='/kasus/']").count() == 0  # no path to the case
    desk.shot("detail")
    desk.click("form[action$='/terima/'] button")
    desk.click("form[action$='/mulai/'] button")
    desk.click("a[href$='/selesai/']")
    page.fill("textarea[name=service_given]", "Didaftarkan ke DTKS dan diusulkan PKH")
    page.fill("textarea[name=feedback]", "Mohon dampingi ke kantor Dinsos tanggal 5")
    desk.shot("complete")
    desk.click("main form button[type=submit]")
    assert "Completed" in page.locator("main").inner_text()
    desk.shot("detail-completed")
    desk.close()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # And the caseworker sees the feedback on the case
    phone = SignedInBrowser(browser, live_server, worker, artifacts, prefix="referrals")
    page = phone.go(f"/kasus/{case.pk}/")
    section = page.locator("#referrals").inner_text()
    assert "Mohon dampingi ke kantor Dinsos tanggal 5" in section
    assert "Completed" in section
    page.locator("#referrals").scroll_into_view_if_needed()
    phone.shot("case-feedback")
    phone.close()
