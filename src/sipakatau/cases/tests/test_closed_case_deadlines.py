"""A closed case has nothing due: its deadlines read as closed in the header, in the
lists, in the deadline section and in the API, though they stay unmet (the mechanism's
figures count them as "closed without it")."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.cases.codes import ClosureReason
from sipakatau.cases.models import Case, CaseDeadline
from sipakatau.cases.services import workflow
from tests.builders import API, add_party, bearer, open_case
from tests.factories import Persona, english


@pytest.fixture(autouse=True)
def _rules(deadline_rules: None) -> None:
    pass


def _late_case(worker: Persona) -> Case:
    """A case reported five days ago: its first contact and assessment are late."""
    case = open_case(worker.membership, reported_at=timezone.now() - timedelta(days=5))
    add_party(worker.membership, case)
    assert case.deadlines.filter(met_at__isnull=True, due_at__lt=timezone.now()).exists()
    return case


def _close(case: Case, worker: Persona, coordinator: Persona) -> None:
    closure = workflow.closure_request(
        actor=worker.membership, case=case, reason=ClosureReason.NOT_A_CASE, summary="Bukan kasus"
    )
    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)


def _part(page: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + "(.*?)" + re.escape(end), page, re.S)
    assert match, start
    return match.group(1)


def _header(page: str) -> str:
    return _part(page, '<dl class="facts">', "</dl>")


def _deadline_section(page: str) -> str:
    return _part(page, '<section id="deadlines"', "</section>")


def test_an_open_late_case_reads_late_in_the_header_and_the_section(
    bahagia_caseworker: Persona,
) -> None:
    case = _late_case(bahagia_caseworker)

    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    text = page.content.decode()
    assert "late" in _header(text)
    assert "due " in _deadline_section(text)
    assert "late" in _deadline_section(text)


def test_a_closed_case_page_shows_nothing_due_and_its_deadlines_closed(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    # Given a late case that is then closed
    case = _late_case(bahagia_caseworker)
    unmet = case.deadlines.filter(met_at__isnull=True).count()
    _close(case, bahagia_caseworker, coordinator)

    # when its worker opens the page
    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    # then the header says closed, not late and not due
    text = page.content.decode()
    header = _header(text)
    assert "Closed" in _part(header, "<dt>Next</dt>", "</dd>")
    assert "late" not in header
    # and every deadline not met reads "Closed", none "due" or "late"
    section = _deadline_section(text)
    assert section.count("Closed") == unmet
    assert "due " not in section
    assert "late" not in section
    # and the button of a step still due is gone
    assert reverse("cases:police_forwarding", args=[case.pk]) not in text
    # (the deadlines stay unmet: closing does not pretend they were done)
    assert CaseDeadline.objects.filter(case=case, met_at__isnull=True).count() == unmet


def test_a_closed_case_page_reads_ditutup_in_indonesian(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    case = _late_case(bahagia_caseworker)
    _close(case, bahagia_caseworker, coordinator)

    page = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))

    section = _deadline_section(page.content.decode())
    assert "Ditutup" in section
    assert "terlambat" not in section.lower()


def test_a_met_deadline_of_a_closed_case_reads_done(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    case = _late_case(bahagia_caseworker)
    met = case.deadlines.first()
    assert met is not None
    CaseDeadline.objects.filter(pk=met.pk).update(met_at=timezone.now())
    _close(case, bahagia_caseworker, coordinator)

    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    assert "done " in _deadline_section(page.content.decode())


def test_the_list_shows_no_deadline_for_a_closed_case(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    closed = _late_case(bahagia_caseworker)
    still_open = _late_case(bahagia_caseworker)
    _close(closed, bahagia_caseworker, coordinator)

    page = english(bahagia_caseworker.client).get(reverse("cases:case_list") + "?tab=unit")

    rows = {
        number: row
        for row in re.findall(r"<li><a href=.*?</a></li>", page.content.decode(), re.S)
        for number in [closed.register_number, still_open.register_number]
        if number in row
    }
    assert "late" in rows[still_open.register_number]
    assert "late" not in rows[closed.register_number]
    assert ":" not in _part(rows[closed.register_number], "</span>", "</a>")


def test_the_overdue_tab_leaves_a_closed_case_out(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    closed = _late_case(bahagia_caseworker)
    _close(closed, bahagia_caseworker, coordinator)

    page = bahagia_caseworker.client.get(reverse("cases:case_list") + "?tab=overdue")

    assert closed.register_number not in page.content.decode()


def test_the_api_gives_a_closed_case_nothing_due(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    closed = _late_case(bahagia_caseworker)
    still_open = _late_case(bahagia_caseworker)
    _close(closed, bahagia_caseworker, coordinator)
    client = bearer(bahagia_caseworker)

    detail = client.get(f"{API}/{closed.pk}").json()
    items = {item["id"]: item for item in client.get(API).json()["items"]}

    assert detail["next_due_at"] is None
    assert detail["minutes_late"] == 0
    assert {d["state"] for d in detail["deadlines"]} == {"closed"}
    assert all(d["minutes_late"] == 0 for d in detail["deadlines"])
    assert items[closed.pk]["next_due_at"] is None
    assert items[closed.pk]["minutes_late"] == 0
    # while the open case still reads late
    assert items[still_open.pk]["minutes_late"] > 0
    opened = client.get(f"{API}/{still_open.pk}").json()
    assert "late" in {d["state"] for d in opened["deadlines"]}


def test_the_api_detail_reads_the_deadline_states_without_a_query_each(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    case = _late_case(bahagia_caseworker)
    _close(case, bahagia_caseworker, coordinator)
    client = bearer(bahagia_caseworker)
    client.get(f"{API}/{case.pk}")  # the first request of a token records its use
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/{case.pk}")
    for n in range(20):
        CaseDeadline.objects.create(
            case=case, code=f"extra{n}", label="x", due_at=timezone.now() - timedelta(days=1)
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{API}/{case.pk}")

    assert len(many) == len(few)
    assert len(response.json()["deadlines"]) > 20


def test_an_outsider_gets_404_for_the_closed_case_page_and_api(
    bahagia_caseworker: Persona, coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    case = _late_case(bahagia_caseworker)
    _close(case, bahagia_caseworker, coordinator)

    page = ikhlas_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))
    answer = bearer(ikhlas_caseworker).get(f"{API}/{case.pk}")

    assert page.status_code == 404
    assert answer.status_code == 404
