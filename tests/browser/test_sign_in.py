"""A person signs in with password and TOTP in a real browser, at phone width."""

from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.accounts.models import Role
from tests.factories import PASSWORD, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_signs_in_on_a_phone_and_switches_to_english(
    live_server: Any, phone: Any, artifacts: Path
) -> None:
    # Given a caseworker of LBK-KK Bahagia with an authenticator
    bahagia = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
    user = make_user(bahagia, Role.CASEWORKER, username="siti.pendamping")
    device = TOTPDevice.objects.get(user=user)

    # When she signs in with her password and the code from her phone
    phone.goto(f"{live_server.url}/akun/masuk/")
    phone.get_by_label("Nama pengguna").fill("siti.pendamping")
    phone.get_by_label("Kata sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Lanjut").click()
    code = f"{totp(device.bin_key, step=30, t0=0, digits=6):06d}"
    phone.get_by_label("Kode").fill(code)
    phone.get_by_role("button", name="Masuk").click()

    # Then she lands on her home page in Bahasa Indonesia, for her unit and role
    phone.wait_for_url(f"{live_server.url}/beranda/")
    assert phone.locator("html").get_attribute("lang") == "id"
    assert "LBK-KK Bahagia" in phone.content()
    assert "Pendamping" in phone.content()
    # Nothing overflows a 360 px screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(artifacts / "home-360.png"), full_page=True)

    # And she can switch the language to English without JavaScript tricks
    phone.get_by_label("Bahasa", exact=True).select_option("en")
    phone.get_by_role("button", name="Ganti").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert "Welcome" in phone.content()

    # No request ever left for another host
    host = live_server.url.split("/")[2]
    assert phone.requested_hosts == {host}
