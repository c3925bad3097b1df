"""A case on a 360 px phone, without JavaScript being needed: a volunteer records the
report in three screens, a caseworker assesses, plans and follows up, a coordinator
approves the closure. Screenshots of every page go to test-artifacts/."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from sipakatau.accounts.models import Role, User
from sipakatau.cases.models import Case, Closure, Status
from tests.factories import WATANG_SOREANG, make_organisation, make_user, signed_in_client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


class Phone:
    """One signed-in person's phone: it goes to pages, checks they fit, photographs them."""

    def __init__(self, browser: Any, live_server: Any, user: User, artifacts: Path) -> None:
        self.server = live_server.url
        self.artifacts = artifacts
        self.context = browser.new_context(
            viewport={"width": 360, "height": 740}, device_scale_factor=1
        )
        client = signed_in_client(user)
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.server,
                }
            ]
        )
        self.page = self.context.new_page()
        self.hosts: set[str] = set()
        self.page.on("request", lambda request: self.hosts.add(request.url.split("/")[2]))

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.server}{path}")
        return self.page

    def submit(self, selector: str = "main form.stack button[type=submit]") -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).last.click()

    def shot(self, name: str) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name} is {width} px wide"
        self.page.screenshot(path=str(self.artifacts / f"cases-{name}-360.png"), full_page=True)

    def close(self) -> None:
        host = self.server.split("/")[2]
        assert self.hosts == {host}, self.hosts
        self.context.close()


def test_a_case_from_report_to_closure_on_a_phone(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    volunteer = make_user(bahagia, Role.VOLUNTEER, username="ani.kader")
    worker = make_user(bahagia, Role.CASEWORKER, username="siti.pendamping")
    coordinator = make_user(bahagia, Role.COORDINATOR, username="rina.koordinator")

    # Screen 1: someone is in danger now; the hotlines show as soon as it is ticked
    phone = Phone(browser, live_server, volunteer, artifacts)
    page = phone.go("/kasus/baru/")
    phone.shot("intake-1-untouched")
    assert not page.locator(".hotlines-when-ticked").is_visible()
    page.locator("#id_danger_now").check()
    expect(page.locator(".hotlines-when-ticked")).to_be_visible()
    page.locator("input[name=immediate_needs][value=SAFETY]").check()
    phone.shot("intake-1")
    phone.submit()

    # Screen 2: the victim and how to reach her safely
    page.locator("#id_name").fill("Siti Aminah")
    page.locator("input[name=sex][value=P]").check()
    page.locator("#id_age").fill("29")
    page.locator("#id_phone").fill("081234567890")
    page.locator("#id_kelurahan").select_option(label="Watang Soreang")
    page.locator("#id_rw").fill("3")
    page.locator("#id_rt").fill("2")
    page.locator("input[name=contact_channels][value=SMS]").check()
    page.locator("#id_contact_times").fill("Setelah jam 17.00")
    phone.shot("intake-2")
    phone.submit("button[name=next][value=continue]")

    # Screen 3: what happened, the suspected perpetrator, consent with a witness
    page.locator("#id_narrative").fill("Dipukul suami di rumah")
    page.locator("#id_occurred_on").fill(date.today().isoformat())
    page.locator("#id_place_type").select_option("RUMAH_TANGGA")
    page.locator("input[name=violence_forms][value=FISIK]").check()
    page.locator("#id_perp-name").fill("Budi")
    page.locator("input[name=perp-sex][value=L]").check()
    page.locator("#id_perp-relationship").select_option("SUAMI_ISTRI")
    page.locator("input[name=consent-method][value=VERBAL_WITNESSED]").check()
    page.locator("#id_consent-witness_name").fill("Ibu RT")
    phone.shot("intake-3")
    phone.submit()
    case = Case.objects.get()
    assert case.register_number in page.content()
    phone.shot("intake-done")
    phone.close()

    # A caseworker takes the case, assesses, plans, starts services and plans a follow-up
    phone = Phone(browser, live_server, worker, artifacts)
    page = phone.go(f"/kasus/{case.pk}/")
    assert "Siti Aminah" in page.content()
    phone.shot("detail-new")
    # Her telephone is not in the page until someone asks; HTMX puts it in its place
    assert "1234567890" not in page.content()
    page.locator("#people form[action$='/identitas/'] button").click()
    page.locator("#people .identity").wait_for()
    assert "+6281234567890" in page.locator("#people .identity").inner_text()
    assert page.url.endswith(f"/kasus/{case.pk}/")
    phone.shot("detail-identity-shown")
    phone.submit(".actions button:has-text('Take this case'), .actions form button >> nth=0")
    phone.go(f"/kasus/{case.pk}/asesmen/")
    page.locator("input[name=risk_level][value=HIGH]").check()
    page.locator("input[name=risk_criteria][value=LIVES_WITH_PERPETRATOR]").check()
    page.locator("#id_need_PSYCHOLOGICAL").fill("Konseling")
    phone.shot("assessment")
    phone.submit()
    phone.go(f"/kasus/{case.pk}/rencana/")
    page.locator("#id_service_type").select_option("PSIKOSOSIAL")
    phone.submit()
    page.locator("form[action$='/status/'] button").first.click()
    page.wait_for_load_state()
    phone.go(f"/kasus/{case.pk}/tindak-lanjut/")
    page.locator("#id_assigned_to").select_option(str(volunteer.pk))
    page.locator("#id_due_on").fill(date.today().isoformat())
    phone.submit()
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.assigned_to == worker
    phone.shot("detail-active")
    phone.close()

    # The volunteer records the follow-up from her list
    phone = Phone(browser, live_server, volunteer, artifacts)
    page = phone.go("/kasus/tindak-lanjut/")
    phone.shot("my-follow-ups")
    with page.expect_navigation():
        page.locator(".case-rows a").first.click()
    page.locator("#id_summary").fill("Aman, tinggal di rumah ibunya")
    phone.shot("follow-up")
    phone.submit()
    phone.close()

    # The caseworker asks to close; a coordinator approves
    phone = Phone(browser, live_server, worker, artifacts)
    page = phone.go(f"/kasus/{case.pk}/penutupan/")
    page.locator("input[name=reason][value=SERVICES_COMPLETED]").check()
    page.locator("#id_summary").fill("Konseling selesai, korban aman")
    phone.shot("closure-request")
    phone.submit()
    page = phone.go("/kasus/?tab=unit")
    phone.shot("list")
    phone.close()

    phone = Phone(browser, live_server, coordinator, artifacts)
    closure = Closure.objects.get()
    page = phone.go(f"/kasus/penutupan/{closure.pk}/")
    page.locator("input[name=decision][value=approve]").check()
    phone.shot("closure-decide")
    phone.submit()
    phone.shot("detail-closed")
    phone.close()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
