"""The notification list on a 360 px phone, without JavaScript: urgent first, a sentence
and a "Buka" button, which opens the thing and marks the notice read."""

from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import Role
from sipakatau.notifications.models import Notification
from sipakatau.notifications.services import notify
from tests.browser.signed_in import SignedInBrowser
from tests.factories import make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_reads_and_opens_her_notices_on_a_phone(
    live_server: Any,
    browser: Any,
    artifacts: Path,
) -> None:
    # Given a plain notice and, later, an urgent one
    bahagia = make_organisation("LBK-KK Bahagia")
    worker = make_user(bahagia, Role.CASEWORKER, username="siti.pendamping")
    context = {"register_number": "BHG-2/2026/0004", "unit_name": bahagia.name}
    notify(users=[worker], template="case_assigned", context={**context, "link": "/beranda/"})
    notify(
        users=[worker],
        template="public_report_urgent",
        context={"unit_name": bahagia.name, "link": "/beranda/"},
    )

    # when she opens the list on her phone
    phone = SignedInBrowser(browser, live_server, worker, artifacts, prefix="notifications")
    page = phone.go("/pemberitahuan/")
    phone.shot("list")

    # then the urgent notice is first, each a sentence with a button and no path
    items = page.locator("li.notification")
    assert items.count() == 2
    assert "URGENT" in items.nth(0).inner_text()
    assert "BHG-2/2026/0004" in items.nth(1).inner_text()
    assert "/beranda/" not in phone.text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # and "Open" takes her to the thing and marks the notice read
    phone.click("li.notification >> nth=1 >> button:has-text('Open')")
    assert page.url.endswith("/beranda/")
    assert Notification.objects.filter(recipient=worker, read_at__isnull=True).count() == 1
    phone.go("/pemberitahuan/pengaturan/")
    phone.shot("settings")
