"""The administrator's and the auditor's main task on a 360 px phone, without JavaScript.

The administrator adds a new kader to her unit; the role waits for a second person (the
coordinator), who approves it. The auditor looks up what happened to that account in the
audit trail and downloads it as CSV."""

from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import Membership, Role, RoleRequest, RoleRequestStatus, User
from tests.browser.signed_in import SignedInBrowser
from tests.factories import make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_adds_a_kader_and_the_coordinator_approves_the_role(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    bahagia = make_organisation("LBK-KK Bahagia")
    admin = make_user(bahagia, Role.ADMIN, username="admin.bahagia")
    coordinator = make_user(bahagia, Role.COORDINATOR, username="koordinator.bahagia")

    # The administrator opens the new-user form on her phone and fills it in
    phone = SignedInBrowser(browser, live_server, admin, artifacts, prefix="admin")
    page = phone.go("/kelola/pengguna/baru/")
    phone.shot("new-user")
    page.fill("input[name=username]", "kader.rina")
    page.fill("input[name=full_name]", "Rina Kader")
    page.fill("input[name=password]", "kopi susu gula aren 77")
    page.select_option("select[name=organisation]", str(bahagia.pk))
    page.select_option("select[name=role]", Role.VOLUNTEER)
    phone.click("main form button[type=submit]")
    phone.shot("user-created")

    # The account exists, its role waits for a second person, and the page says so
    rina = User.objects.get(username="kader.rina")
    request = RoleRequest.objects.get(user=rina)
    assert request.status == RoleRequestStatus.PENDING
    assert not Membership.objects.filter(user=rina, is_active=True).exists()
    assert "approv" in phone.text().lower()

    # The coordinator approves it from the list of role requests
    second = SignedInBrowser(browser, live_server, coordinator, artifacts, prefix="admin")
    second.go("/kelola/permintaan-peran/")
    second.shot("role-requests")
    second.click(
        f"form[action='/kelola/permintaan-peran/{request.pk}/putuskan/'] button[value=approve]"
    )
    second.shot("role-approved")
    request.refresh_from_db()
    assert request.status == RoleRequestStatus.APPROVED
    assert Membership.objects.filter(user=rina, role=Role.VOLUNTEER, is_active=True).exists()
    assert phone.hosts <= {live_server.url.split("/")[2]}


def test_an_auditor_finds_what_happened_to_an_account_and_downloads_it(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    bahagia = make_organisation("LBK-KK Bahagia")
    admin = make_user(bahagia, Role.ADMIN, username="admin.bahagia")
    auditor = make_user(bahagia, Role.AUDITOR, username="auditor.kota")
    from sipakatau.accounts.services import users

    users.user_create(
        actor=admin.memberships.get(),
        username="kader.rina",
        full_name="Rina Kader",
        password="kopi susu gula aren 77",
        organisation=bahagia,
        role=Role.VOLUNTEER,
    )

    phone = SignedInBrowser(browser, live_server, auditor, artifacts, prefix="auditor")
    page = phone.go("/audit/")
    phone.shot("trail")
    # She narrows the trail to role requests and reads it as a register: in words, with
    # who did it and when
    page.locator("details.filters summary").click()
    page.fill("input[name=action]", "role_request")
    phone.click("details.filters form button[type=submit]")
    phone.shot("filtered")
    items = page.locator("main ul.list li")
    assert items.count() >= 1
    first = items.first.inner_text()
    assert "role request" in first.lower()
    assert "admin.bahagia" in first or "Test Person" in first

    # and downloads what she sees as CSV (semicolons, for Excel in Indonesia)
    with page.expect_download() as download:
        page.locator("a[href*='/audit/ekspor.csv']").first.click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert ";" in content.splitlines()[0]
    assert len(content.splitlines()) >= 2
