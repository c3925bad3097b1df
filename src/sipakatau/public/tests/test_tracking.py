"""Following a report with its code and PIN, and the limit on guessing."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import PublicMessage, ReportStatus, TrackingFailure
from sipakatau.public.services.decisions import public_reply_add, public_report_close
from sipakatau.public.views import STATUS_WORDS
from sipakatau.referrals.tests.support import referral_rules  # noqa: F401 (fixture)
from tests.factories import Persona, english

from .support import submit, track

pytestmark = pytest.mark.django_db


def test_the_right_code_and_pin_show_the_status_and_messages(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    submitted = submit()
    assert submitted.pin is not None
    public_reply_add(
        actor=bahagia_caseworker.membership, report=submitted.report, body="Kami akan menelepon."
    )

    response = track(anonymous, submitted.report.tracking_code, submitted.pin)
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track")  # nothing in the URL
    response = anonymous.get(reverse("public:track"))

    assertContains(response, "Kami akan menelepon.")
    page = response.content.decode()
    assert "arrived" in page or "diterima" in page.lower()


def test_the_code_may_be_typed_in_small_letters_with_a_dash(
    anonymous: Client, bahagia: Organisation
) -> None:
    submitted = submit()
    code = submitted.report.tracking_code
    assert submitted.pin is not None

    response = track(anonymous, f"{code[:4].lower()}-{code[4:]}", submitted.pin)

    assert response.status_code == 302


def test_the_reporter_can_add_a_message(anonymous: Client, bahagia: Organisation) -> None:
    submitted = submit()
    assert submitted.pin is not None
    track(anonymous, submitted.report.tracking_code, submitted.pin)

    anonymous.post(reverse("public:track_message"), {"body": "Tolong hubungi sore saja."})

    message = PublicMessage.objects.get()
    assert message.from_staff is False
    assert message.body == "Tolong hubungi sore saja."


def test_a_message_without_a_tracked_report_goes_nowhere(
    anonymous: Client, bahagia: Organisation
) -> None:
    submit()
    response = anonymous.post(reverse("public:track_message"), {"body": "Halo"})

    assert response.status_code == 302
    assert not PublicMessage.objects.exists()


def test_a_closed_spam_report_reads_as_finished(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    submitted = submit()
    assert submitted.pin is not None
    public_report_close(actor=bahagia_caseworker.membership, report=submitted.report, status="spam")

    track(anonymous, submitted.report.tracking_code, submitted.pin)
    page = anonymous.get(reverse("public:track")).content.decode()

    assert "spam" not in page.lower()


def test_a_wrong_pin_shows_nothing(anonymous: Client, bahagia: Organisation) -> None:
    submitted = submit(what_happened="RAHASIA-9")
    response = track(anonymous, submitted.report.tracking_code, "000000")

    assertNotContains(response, "RAHASIA", status_code=400)


def test_after_five_wrong_pins_on_a_code_the_next_try_must_wait(bahagia: Organisation) -> None:
    submitted = submit()
    assert submitted.pin is not None
    wrong = "111111" if submitted.pin != "111111" else "222222"
    # Given five wrong PINs for this code, from five different addresses
    for n in range(5):
        assert (
            track(Client(), submitted.report.tracking_code, wrong, f"10.0.1.{n}").status_code == 400
        )

    # When the right PIN comes at once from a sixth address
    response = track(english(Client()), submitted.report.tracking_code, submitted.pin, "10.0.1.99")

    # Then it must wait, and the page says how long; a moment later it gets in
    assertContains(response, "wait 1 second ", status_code=429)
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(seconds=2)
    ):
        later = track(Client(), submitted.report.tracking_code, submitted.pin, "10.0.1.99")
    assert later.status_code == 302


def test_after_five_wrong_pins_from_an_address_its_next_try_must_wait(
    bahagia: Organisation,
) -> None:
    target = submit()
    assert target.pin is not None
    others = [submit().report.tracking_code for _n in range(5)]
    # Given five wrong PINs from one address, each for a different code
    for code in others:
        assert track(Client(), code, "000000", "10.0.2.1").status_code == 400

    # When the right code and PIN of another report come at once from that address
    refused = track(Client(), target.report.tracking_code, target.pin, "10.0.2.1")
    # Then that address must wait; from another address the same code and PIN work
    assert refused.status_code == 429
    assert track(Client(), target.report.tracking_code, target.pin, "10.0.2.2").status_code == 302


@pytest.mark.usefixtures("referral_rules", "deadline_rules")
def test_a_report_whose_case_was_referred_reads_referred(
    anonymous: Client, bahagia: Organisation, dinsos: Organisation, bahagia_caseworker: Persona
) -> None:
    from sipakatau.public.services.decisions import public_report_link
    from sipakatau.referrals.tests.support import referral_between

    submitted = submit()
    assert submitted.pin is not None
    referral = referral_between(bahagia, dinsos)
    public_report_link(
        actor=bahagia_caseworker.membership, report=submitted.report, case=referral.case
    )

    track(anonymous, submitted.report.tracking_code, submitted.pin)
    page = anonymous.get(reverse("public:track"))
    api = anonymous.post(
        "/api/v1/public/track",
        {"code": submitted.report.tracking_code, "pin": submitted.pin},
        content_type="application/json",
        REMOTE_ADDR="10.0.5.5",
    ).json()

    assertContains(page, escape(str(STATUS_WORDS[ReportStatus.REFERRED])))
    assert api["status"] == "referred"
    assertNotContains(page, "Dinas")  # the page says referred, never to whom


@pytest.mark.usefixtures("deadline_rules")
def test_a_linked_case_without_referral_reads_being_handled(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    from sipakatau.public.services.decisions import public_report_promote

    submitted = submit()
    assert submitted.pin is not None
    public_report_promote(actor=bahagia_caseworker.membership, report=submitted.report)

    track(anonymous, submitted.report.tracking_code, submitted.pin)
    page = anonymous.get(reverse("public:track"))

    assertContains(page, escape(str(STATUS_WORDS[ReportStatus.HANDLING])))
    assertNotContains(page, escape(str(STATUS_WORDS[ReportStatus.REFERRED])))


def test_a_malformed_code_is_a_typing_slip_and_is_not_counted(
    anonymous: Client, bahagia: Organisation
) -> None:
    response = track(anonymous, "ABC", "123456")

    assert response.status_code == 400
    assert not TrackingFailure.objects.exists()
