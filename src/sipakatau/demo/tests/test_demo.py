"""The Parepare demo loads, is idempotent, and exists only in demo mode."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp

from sipakatau.accounts.models import Membership, Organisation, Role, User
from sipakatau.demo.services import ACCOUNTS, demo_load, demo_totp_key


@pytest.mark.django_db
def test_the_demo_has_the_pilot_units_and_one_account_per_role(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path):
        call_command("demo")

    assert Organisation.objects.filter(type="LBK_KK").count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
    assert len(accounts) == len(ACCOUNTS)
    assert {"username", "password", "totp_secret", "role", "organisation"} <= set(accounts[0])
    assert (tmp_path / "demo-accounts.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing() -> None:
    demo_load()
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())

    demo_load()

    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_a_demo_account_signs_in_with_its_documented_secret() -> None:
    accounts = demo_load()
    account = next(a for a in accounts if a.username == "bahagia.pendamping")
    client = Client()

    client.post(
        reverse("accounts:login"), {"username": account.username, "password": account.password}
    )
    code = f"{totp(demo_totp_key(account.username), step=30, t0=0, digits=6):06d}"
    response = client.post(reverse("accounts:verify"), {"token": code})

    assert response["Location"] == reverse("accounts:home")
    assert "LBK-KK Bahagia" in client.get(reverse("accounts:home")).content.decode()


@pytest.mark.django_db
def test_the_demo_is_refused_outside_demo_mode() -> None:
    with override_settings(DEMO_MODE=False), pytest.raises(ImproperlyConfigured):
        demo_load()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_the_two_pilot_drafts_of_the_mechanism() -> None:
    from sipakatau.mechanisms.codes import Status
    from sipakatau.mechanisms.models import Comment, MechanismVersion, Meeting

    demo_load()
    demo_load()  # a second run adds nothing

    versions = MechanismVersion.objects.select_related("mechanism__area").order_by(
        "mechanism__area__code"
    )
    assert [(v.mechanism.area.name, v.status) for v in versions] == [
        ("Watang Bacukiki", Status.DRAFT),
        ("Watang Soreang", Status.IN_DISCUSSION),
    ]
    assert Comment.objects.count() == 3
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 10
    assert versions[1].pathway.exists()  # filled from the demo directory
