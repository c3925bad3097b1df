"""axe-core (bundled with axe-playwright-python, run from the local file: nothing is
fetched) over the pages each role works on, at 360 px: 0 critical and 0 serious
violations. The mechanism's flow diagram is included."""

from typing import Any

import pytest
from django.conf import settings

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.referrals.tests.support import case_with_victim
from tests.browser.axe import blocking_violations
from tests.factories import WATANG_SOREANG, make_organisation, make_user, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser: Any, live_server: Any, user: Any, language: str = "id") -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        client = signed_in_client(user)
        cookies.append(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        )
    context.add_cookies(cookies)
    return context


def _check(context: Any, live_server: Any, paths: list[str]) -> dict[str, list[str]]:
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for path in paths:
        page.goto(live_server.url + path)
        problems = blocking_violations(page)
        if problems:
            found[path] = problems
    context.close()
    return found


def test_public_pages_have_no_serious_violations(live_server: Any, browser: Any) -> None:
    make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    paths = ["/", "/lapor/", "/lapor/mudah/", "/lapor/tempat-lain/", "/lacak/", "/akun/masuk/"]
    assert _check(_phone(browser, live_server, None), live_server, paths) == {}


def test_staff_pages_have_no_serious_violations(live_server: Any, browser: Any) -> None:
    unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    coordinator = make_user(unit, Role.COORDINATOR, username="a11y.koordinator")
    from sipakatau.accounts.models import Membership

    acting = Membership.objects.select_related("organisation", "user").get(user=coordinator)
    case, _victim = case_with_victim(acting, needs={"ECONOMIC": "Tanpa penghasilan"})
    paths = [
        "/beranda/",
        "/kasus/",
        f"/kasus/{case.pk}/",
        "/kasus/baru/",
        "/laporan-masuk/",
        "/perlindungan-sosial/",
        "/statistik/",
        "/pemetaan/",
        "/mekanisme/",
        "/pemberitahuan/",
        "/akun/keamanan/",
    ]
    assert _check(_phone(browser, live_server, coordinator), live_server, paths) == {}


def test_the_lurahs_mechanism_page_with_its_flow_diagram_has_no_serious_violations(
    live_server: Any, browser: Any
) -> None:
    from tests.builders import draft_version, officer

    office = make_organisation(
        "Kantor Kelurahan Watang Soreang",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_SOREANG,
    )
    version = draft_version(office)
    lurah = officer(office, signs=True)
    paths = ["/beranda/", f"/mekanisme/versi/{version.pk}/", "/statistik/"]
    assert _check(_phone(browser, live_server, lurah.user), live_server, paths) == {}


def test_an_agency_officers_and_an_auditors_pages_have_no_serious_violations(
    live_server: Any, browser: Any
) -> None:
    uptd = make_organisation("UPTD PPA Kota Parepare", type=OrganisationType.UPTD_PPA)
    officer = make_user(uptd, Role.AGENCY_OFFICER, username="a11y.uptd")
    auditor = make_user(uptd, Role.AUDITOR, username="a11y.auditor")

    officer_pages = _check(
        _phone(browser, live_server, officer), live_server, ["/beranda/", "/rujukan/", "/layanan/"]
    )
    auditor_pages = _check(_phone(browser, live_server, auditor), live_server, ["/audit/"])

    assert officer_pages == {} and auditor_pages == {}
