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


@pytest.mark.django_db
def test_the_demo_decree_once_issued_reads_as_an_office_would_sign_it() -> None:
    """The Done-when of issue 17: the demo's decree, issued as the Lurah would, has its
    whole number, no signature alone on a page and no cell that runs into the next; its
    pages are kept under test-artifacts/mechanisms/ for a person to look at."""
    from datetime import date

    from sipakatau.mechanisms import services
    from sipakatau.mechanisms.codes import CommentStatus, Status
    from sipakatau.mechanisms.models import MechanismVersion
    from sipakatau.mechanisms.tests.docsupport import keep_pages, pdf_text_raw
    from sipakatau.mechanisms.tests.test_decree_fidelity import (
        assert_no_word_overprints_another,
    )

    # Given the demo, its Watang Soreang draft approved by the Lurah after the discussion
    demo_load()
    staff = Membership.objects.get(user__username="ws.staf")
    lurah = Membership.objects.get(user__username="ws.lurah")
    version = MechanismVersion.objects.get(mechanism__area=staff.organisation.area)
    for comment in version.comments.filter(
        reply_to__isnull=True, status__in=[CommentStatus.OPEN, CommentStatus.ANSWERED]
    ):
        services.comment_resolve(actor=staff, comment=comment)
    services.version_transition(actor=lurah, version=version, to=Status.APPROVED)
    # When the Lurah issues it
    decree = services.decree_issue(
        actor=lurah,
        version=version,
        issued_on=date(2026, 12, 7),
        signer_name="Andi Makkasau, S.Sos., M.Si.",
        signer_nip="197805122006041012",
        signer_rank="Penata Tingkat I (III/d)",
        base_url="http://testserver",
    )
    pdf = bytes(decree.pdf)
    keep_pages(pdf, "demo-decree")
    # Then the number is whole, and the sealed PDF says so
    assert decree.number == "400.2.2/01/Kel-WS/2026"
    pages = pdf_text_raw(pdf).split("\f")
    text = " ".join(" ".join(pages).split())
    assert "NOMOR 400.2.2/01/Kel-WS/2026" in text and "400.x" not in text
    # and each signature shares its page with the text before it: the body's with the
    # last diktum, the Lampiran's with the last rows of its tables
    signed = [i for i, page in enumerate(pages) if "NIP. 19780512 200604 1 012" in page]
    assert len(signed) == 2
    assert "Keputusan ini mulai berlaku" in pages[signed[0]]
    assert "Narahubung" in pages[signed[1]], pages[signed[1]][:300]
    assert_no_word_overprints_another(pdf)
