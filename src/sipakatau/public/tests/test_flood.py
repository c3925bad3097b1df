"""A flood of reports gets dearer as it grows (issue 18): the work asked rises with the
rate of reports from one address and for one kelurahan; a refused report is refused
before anything costly and writes nothing; and the unit marks a flood's reports in bulk,
keeping them out of its inbox list without losing any."""

import json
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.public.challenge import WORK_BITS, Challenge, work_done
from sipakatau.public.models import ChallengeUse, PublicReport, ReportStatus
from sipakatau.public.queries import tracking_status, urgent_reports_waiting
from sipakatau.public.services import Submitted, public_report_challenge
from sipakatau.public.services.decisions import public_report_promote, public_reports_mark_flood
from sipakatau.reports.indicators import compute
from sipakatau.reports.periods import month_of
from tests.factories import WATANG_BACUKIKI, WATANG_SOREANG, Persona

from .support import challenge_in, form_data, prove_work, solve, submit

pytestmark = pytest.mark.django_db
ADDRESS = "10.7.7.7"
INBOX_API = "/api/v1/public/inbox"
EASIER_WORK = (
    "The check was not finished: it was easier than the one asked. Nothing was sent. "
    "Please wait for the new check below, then press the button again."
)
HARDER_NOW = (
    "Many reports arrived in the last minutes, so a longer check is needed now. Nothing "
    "was sent. Please wait for the new check below, then press the button again."
)
NO_ANSWER = (
    "Very many reports are arriving now, so the question cannot be used. Nothing was "
    "sent. A phone with JavaScript can do the check below by itself; or try again "
    "later. If someone is in danger, call SAPA 129 or 112 now."
)


def _asked(address: str, kelurahan: str = WATANG_SOREANG) -> Challenge:
    return public_report_challenge(address=address, kelurahan_code=kelurahan)


def _send(address: str, kelurahan: str = WATANG_SOREANG) -> Submitted:
    """A report sent the way a person does: straight away, or with the sum answered."""
    try:
        return submit(address=address, kelurahan_code=kelurahan)
    except ValidationError as refused:
        assert refused.code == "rate_limited"
    challenge = _asked(address, kelurahan)
    return submit(
        address=address,
        kelurahan_code=kelurahan,
        challenge_token=challenge.token,
        challenge_answer=str(solve(challenge.question)),
    )


def _weak_work(nonce: str, bits: int) -> str:
    """Work with the zero bits of ``bits - 1`` but not of ``bits``: a client that
    tried to do less than it was asked."""
    work = 0
    while not (work_done(nonce, str(work), bits - 1) and not work_done(nonce, str(work), bits)):
        work += 1
    return str(work)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(verbs)
    ]


# --- The work asked grows with the flood ----------------------------------------------------


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1, PUBLIC_FLOOD_ADDRESS_STEP=1)
def test_the_work_asked_rises_with_each_report_from_one_address(bahagia: Organisation) -> None:
    # Given a first report from the address: the next one is asked the base work
    assert _asked(ADDRESS).work_bits == WORK_BITS
    _send(ADDRESS)
    asked = [_asked(ADDRESS).work_bits]

    # When the address keeps sending, each report asks for more
    for _ in range(2):
        _send(ADDRESS)
        asked.append(_asked(ADDRESS).work_bits)

    assert asked == [WORK_BITS + 1, WORK_BITS + 2, WORK_BITS + 3]
    # Another address in the same kelurahan is asked nothing
    assert _asked("10.7.7.8").work_bits == WORK_BITS
    assert submit(address="10.7.7.8").pin is not None


@override_settings(
    PUBLIC_REPORTS_PER_KELURAHAN=2, PUBLIC_FLOOD_KELURAHAN_STEP=2, PUBLIC_REPORTS_PER_ADDRESS=100
)
def test_the_work_asked_rises_for_a_kelurahan_flooded_from_many_addresses(
    bahagia: Organisation, ikhlas: Organisation
) -> None:
    # Given two reports for the kelurahan, from two addresses: the limit is reached
    _send("10.1.0.1")
    _send("10.1.0.2")
    first = _asked("10.1.0.3").work_bits

    # When more come from ever new addresses
    for n in range(3, 7):
        _send(f"10.1.0.{n}")
    later = _asked("10.1.0.99").work_bits

    # Then a new address is asked more for this kelurahan, and nothing for another one
    assert first == WORK_BITS + 1
    assert later == WORK_BITS + 3
    assert _asked("10.1.0.99", WATANG_BACUKIKI).work_bits == WORK_BITS
    assert submit(address="10.1.0.99", kelurahan_code=WATANG_BACUKIKI).pin is not None


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_person_at_normal_rates_is_asked_nothing_then_the_base_work_or_the_sum(
    bahagia: Organisation,
) -> None:
    first = submit(address=ADDRESS)
    challenge = _asked(ADDRESS)

    assert first.pin is not None  # the first report: no question, no work
    assert challenge.work_bits == WORK_BITS
    assert challenge.answer_accepted and challenge.question


def test_an_ipv6_network_counts_as_one_address(bahagia: Organisation) -> None:
    with override_settings(PUBLIC_REPORTS_PER_ADDRESS=1):
        submit(address="2001:db8:1:1::1")
        with pytest.raises(ValidationError) as refused:
            submit(address="2001:db8:1:1::2")  # the same /64

    assert refused.value.code == "rate_limited"


# --- A refusal is cheap, and says what to do ------------------------------------------------


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1, PUBLIC_FLOOD_ADDRESS_STEP=1)
def test_work_easier_than_asked_is_refused_in_plain_words_and_writes_nothing(
    anonymous: Client, bahagia: Organisation
) -> None:
    # Given a page that asks more than the base work
    _send(ADDRESS)
    data = form_data(what_happened="Laporan dari skrip.")
    page = anonymous.post(reverse("public:report"), data, REMOTE_ADDR=ADDRESS)
    _question, token = challenge_in(page.content.decode())
    nonce = page.context["challenge"].nonce
    bits = page.context["challenge"].work_bits
    assert bits == WORK_BITS + 1
    weak = _weak_work(nonce, bits)
    stored = PublicReport.objects.count()

    # When a client sends work with one bit less than the token asks
    with CaptureQueriesContext(connection) as queries:
        refused = anonymous.post(
            reverse("public:report"),
            {**data, "challenge_token": token, "challenge_work": weak},
            REMOTE_ADDR=ADDRESS,
        )

    # Then it is refused, in the page's language, with a new check; nothing is written
    assertContains(refused, escape(gettext(EASIER_WORK)), status_code=429)
    assert challenge_in(refused.content.decode())[1] != token
    assert _writes(queries) == []
    assert PublicReport.objects.count() == stored
    assert not ChallengeUse.objects.exists()

    # And the right work for the same token goes through
    sent = anonymous.post(
        reverse("public:report"),
        {**data, "challenge_token": token, "challenge_work": prove_work(nonce, bits)},
        REMOTE_ADDR=ADDRESS,
    )
    assert sent.status_code == 302
    assert PublicReport.objects.count() == stored + 1


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1, PUBLIC_FLOOD_ADDRESS_STEP=1)
def test_a_token_that_asks_less_than_is_needed_now_is_refused(bahagia: Organisation) -> None:
    # Given a token taken when the base work was enough, and worked out
    _send(ADDRESS)
    early = _asked(ADDRESS)
    work = prove_work(early.nonce, early.work_bits)

    # When more reports arrive from the address before it is used
    _send(ADDRESS)
    stored = PublicReport.objects.count()
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        submit(address=ADDRESS, challenge_token=early.token, challenge_work=work)

    assert refused.value.code == "challenge_failed"
    assert refused.value.messages == [gettext(HARDER_NOW)]
    assert _writes(queries) == []
    assert PublicReport.objects.count() == stored


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_the_api_refuses_false_work_with_a_new_challenge_and_writes_nothing(
    anonymous: Client, bahagia: Organisation
) -> None:
    body = json.dumps({"kelurahan_code": WATANG_SOREANG, "what_happened": "Tolong."})

    def send(key: str, **headers: str) -> Any:
        return anonymous.post(
            "/api/v1/public/reports",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": key, **headers},
            REMOTE_ADDR=ADDRESS,
        )

    assert send(uuid.uuid4().hex).status_code == 201
    key = uuid.uuid4().hex
    challenge = send(key).json()["challenge"]
    assert challenge["work_bits"] == WORK_BITS and challenge["answer_accepted"] is True
    weak = _weak_work(challenge["nonce"], challenge["work_bits"])

    with CaptureQueriesContext(connection) as queries:
        refused = send(key, **{"X-Challenge-Token": challenge["token"], "X-Challenge-Work": weak})

    assert refused.status_code == 429
    assert refused.json()["code"] == "challenge_failed"
    assert refused.json()["challenge"]["token"] != challenge["token"]
    assert _writes(queries) == []
    assert PublicReport.objects.count() == 1


@override_settings(
    PUBLIC_REPORTS_PER_ADDRESS=1, PUBLIC_FLOOD_ADDRESS_STEP=1, PUBLIC_FLOOD_SUM_MAX_BITS=WORK_BITS
)
def test_during_a_flood_the_sum_is_not_accepted_only_the_work(
    anonymous: Client, bahagia: Organisation
) -> None:
    # Given an address past the point where the sum is accepted
    _send(ADDRESS)
    early = _asked(ADDRESS)  # asked above the sum's ceiling already
    assert early.work_bits == WORK_BITS + 1 and not early.answer_accepted

    # The page says so, with no question to answer, and the work can still be done
    page = anonymous.post(reverse("public:report"), form_data(), REMOTE_ADDR=ADDRESS)
    assertContains(page, 'data-bits="17"', status_code=429)
    assertNotContains(page, 'name="challenge_answer"', status_code=429)
    assertContains(page, "SAPA 129", status_code=429)

    # A right answer to a sum (from a token of before the flood) is refused, writing nothing
    with override_settings(PUBLIC_FLOOD_SUM_MAX_BITS=WORK_BITS + 1):
        calm = _asked(ADDRESS)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        submit(
            address=ADDRESS,
            challenge_token=calm.token,
            challenge_answer=str(solve(calm.question)),
        )
    assert refused.value.messages == [gettext(NO_ANSWER)]
    assert _writes(queries) == []
    assert PublicReport.objects.count() == 1


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_proof_of_work_is_good_for_one_report_only(bahagia: Organisation) -> None:
    submit(address=ADDRESS)
    challenge = _asked(ADDRESS)
    work = prove_work(challenge.nonce, challenge.work_bits)
    submit(address=ADDRESS, challenge_token=challenge.token, challenge_work=work)

    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as replay:
        submit(address=ADDRESS, challenge_token=challenge.token, challenge_work=work)

    assert replay.value.code == "challenge_failed"
    assert _writes(queries) == []
    assert PublicReport.objects.count() == 2


# --- The unit marks a flood -------------------------------------------------------------------


def _mark(persona: Persona, *reports: PublicReport, undo: bool = False) -> Any:
    data: dict[str, Any] = {"report": [str(r.pk) for r in reports]}
    if undo:
        data["undo"] = "1"
    return persona.client.post(reverse("public:inbox_flood"), data)


def _status(report: PublicReport) -> str:
    report.refresh_from_db()
    return report.status


def test_the_unit_marks_reports_as_flood_and_they_leave_the_inbox_list(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    # Given three reports, two of them from a script
    fake = [submit(what_happened="spam").report for _ in range(2)]
    real = submit(what_happened="Saya dipukul.").report

    # When a caseworker ticks the two and marks them as flood
    response = _mark(bahagia_caseworker, *fake)

    # Then they are kept, marked, each with its own audit event, and out of the list
    assert response.status_code == 302
    assert [_status(r) for r in fake] == [ReportStatus.FLOOD, ReportStatus.FLOOD]
    assert _status(real) == ReportStatus.RECEIVED
    assert PublicReport.objects.count() == 3
    events = AuditEvent.objects.filter(action="public_report.flood_marked")
    assert sorted(int(e.object_id) for e in events) == sorted(r.pk for r in fake)
    inbox = bahagia_caseworker.client.get(reverse("public:inbox"))
    for report in fake:
        assertNotContains(inbox, reverse("public:inbox_detail", args=[report.pk]))
    assertContains(inbox, reverse("public:inbox_detail", args=[real.pk]))
    shown = bahagia_caseworker.client.get(reverse("public:inbox") + "?tampil=banjir")
    for report in fake:
        assertContains(shown, reverse("public:inbox_detail", args=[report.pk]))
    assertNotContains(shown, reverse("public:inbox_detail", args=[real.pk]))

    # And marking them again is harmless: nothing changes, nothing more is logged
    assert _mark(bahagia_caseworker, *fake).status_code == 302
    assert events.count() == 2


def test_a_mistake_is_put_back_in_the_inbox(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit().report
    _mark(bahagia_caseworker, report)

    assert _mark(bahagia_caseworker, report, undo=True).status_code == 302

    assert _status(report) == ReportStatus.RECEIVED
    assert AuditEvent.objects.filter(action="public_report.flood_unmarked").count() == 1


def test_the_inbox_can_tick_every_report_without_javascript(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit().report

    page = bahagia_caseworker.client.get(reverse("public:inbox") + "?pilih=semua")

    assertContains(page, f'name="report" value="{report.pk}" id="report-{report.pk}" checked')


def test_a_report_that_is_part_of_a_case_is_never_marked(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit().report
    public_report_promote(actor=bahagia_caseworker.membership, report=report)

    _mark(bahagia_caseworker, report)

    assert _status(report) == ReportStatus.HANDLING


def test_another_units_staff_get_404_and_nothing_changes(
    bahagia: Organisation, ikhlas: Organisation, ikhlas_caseworker: Persona
) -> None:
    theirs = submit().report
    own = submit(kelurahan_code=WATANG_BACUKIKI).report

    assert _mark(ikhlas_caseworker, theirs).status_code == 404
    assert _mark(ikhlas_caseworker, own, theirs).status_code == 404  # all or nothing

    assert _status(theirs) == _status(own) == ReportStatus.RECEIVED
    assert not AuditEvent.objects.filter(action="public_report.flood_marked").exists()


def test_a_volunteer_may_not_mark_reports(
    bahagia: Organisation, bahagia_volunteer: Persona
) -> None:
    report = submit().report

    assert _mark(bahagia_volunteer, report).status_code == 403
    assert _status(report) == ReportStatus.RECEIVED


def test_a_flood_marked_report_is_no_urgent_report_waiting(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit(danger_now=True).report
    _mark(bahagia_caseworker, report)

    # No longer an urgent report waiting; the reporter reads "finished"
    assert not urgent_reports_waiting(bahagia_caseworker.membership).exists()
    assert tracking_status(PublicReport.objects.get(pk=report.pk)) == ReportStatus.FLOOD


# --- The same through the API -----------------------------------------------------------------


def _api(persona: Persona, body: dict[str, Any]) -> Any:
    return persona.client.post(
        f"{INBOX_API}/flood", json.dumps(body), content_type="application/json"
    )


def test_the_api_marks_in_bulk_and_lists_the_flood_apart(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    fake = [submit().report for _ in range(3)]
    promoted = submit().report
    public_report_promote(actor=bahagia_caseworker.membership, report=promoted)

    first = _api(bahagia_caseworker, {"report_ids": [fake[0].pk, fake[1].pk, promoted.pk]})
    second = _api(bahagia_caseworker, {"report_ids": [r.pk for r in fake]})

    assert first.status_code == 200
    assert first.json() == {
        "changed": [fake[0].pk, fake[1].pk],
        "unchanged": [],
        "kept": [promoted.pk],
    }
    assert second.json() == {
        "changed": [fake[2].pk],
        "unchanged": [fake[0].pk, fake[1].pk],
        "kept": [],
    }
    listing = bahagia_caseworker.client.get(INBOX_API).json()
    assert [row["id"] for row in listing["items"]] == [promoted.pk]
    flood = bahagia_caseworker.client.get(f"{INBOX_API}?flood=true").json()
    assert sorted(row["id"] for row in flood["items"]) == sorted(r.pk for r in fake)

    back = _api(bahagia_caseworker, {"report_ids": [fake[0].pk], "flood": False})
    assert back.json()["changed"] == [fake[0].pk]
    assert _status(fake[0]) == ReportStatus.RECEIVED


def test_the_api_answers_422_not_found_for_reports_out_of_scope_alike(
    bahagia: Organisation,
    ikhlas: Organisation,
    ikhlas_caseworker: Persona,
    bahagia_volunteer: Persona,
) -> None:
    theirs = submit().report
    own = submit(kelurahan_code=WATANG_BACUKIKI).report
    unknown = theirs.pk + own.pk + 1000

    refused = _api(ikhlas_caseworker, {"report_ids": [own.pk, theirs.pk, unknown]})
    volunteer = _api(bahagia_volunteer, {"report_ids": [theirs.pk]})

    # Another unit's report and one that does not exist answer the same
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_found"
    assert refused.json()["report_ids"] == sorted([theirs.pk, unknown])
    assert volunteer.status_code == 422
    assert _status(own) == _status(theirs) == ReportStatus.RECEIVED
    assert not AuditEvent.objects.filter(action="public_report.flood_marked").exists()


def test_the_api_refuses_an_empty_list(bahagia: Organisation, bahagia_caseworker: Persona) -> None:
    assert _api(bahagia_caseworker, {"report_ids": []}).status_code == 422


def test_a_flood_marked_report_leaves_the_statistics(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:

    fake = [submit(what_happened="spam").report for _ in range(2)]
    submit(what_happened="Saya dipukul.")

    def counted() -> int:
        result = compute(
            units=Organisation.objects.filter(pk=bahagia.pk),
            period=month_of(timezone.localdate()),
            zone=timezone.get_current_timezone(),
            scope_label="test",
            now=timezone.now(),
        )
        return result.tables["public_reports_by_status"].total

    assert counted() == 3
    public_reports_mark_flood(actor=bahagia_caseworker.membership, report_ids=[r.pk for r in fake])
    assert counted() == 1
