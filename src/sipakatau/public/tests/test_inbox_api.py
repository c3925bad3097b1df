"""The unit's inbox through the staff API (/api/v1/public/inbox): list, read (recorded),
reply, open a case, link, close — the same rules as the pages; another unit gets 404,
a volunteer an empty list, and the list's query count stays flat."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case
from sipakatau.public.models import PublicMessage, ReportStatus
from sipakatau.referrals.tests.support import case_with_victim
from tests.factories import Persona

from .support import submit

pytestmark = pytest.mark.django_db
INBOX = "/api/v1/public/inbox"


def _post(persona: Persona, path: str, body: dict[str, Any] | None = None) -> Any:
    return persona.client.post(path, json.dumps(body or {}), content_type="application/json")


def test_the_unit_lists_and_reads_a_report_and_the_read_is_recorded(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit(what_happened="Anak tetangga dipukul.", danger_now=True).report

    listing = bahagia_caseworker.client.get(INBOX).json()
    detail = bahagia_caseworker.client.get(f"{INBOX}/{report.pk}").json()

    assert listing["count"] == 1
    row = listing["items"][0]
    assert row["danger_now"] is True and row["kelurahan"] == "Watang Soreang"
    assert "what_happened" not in row
    assert detail["what_happened"] == "Anak tetangga dipukul."
    assert AuditEvent.objects.filter(action="public_report.viewed").count() == 1


def test_reply_promote_link_and_close_through_the_api(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    first, second, third = submit().report, submit().report, submit().report

    replied = _post(bahagia_caseworker, f"{INBOX}/{first.pk}/replies", {"body": "Kami hubungi."})
    promoted = _post(bahagia_caseworker, f"{INBOX}/{first.pk}/case")
    again = _post(bahagia_caseworker, f"{INBOX}/{first.pk}/case")
    case, _victim = case_with_victim(bahagia_caseworker.membership)
    linked = _post(bahagia_caseworker, f"{INBOX}/{second.pk}/link", {"case_id": case.pk})
    closed = _post(bahagia_caseworker, f"{INBOX}/{third.pk}/close", {"status": "spam"})
    wrong = _post(bahagia_caseworker, f"{INBOX}/{third.pk}/close", {"status": "received"})

    assert replied.status_code == 201
    assert [m["body"] for m in replied.json()["messages"]] == ["Kami hubungi."]
    assert PublicMessage.objects.filter(report=first, from_staff=True).count() == 1
    assert promoted.status_code == 201 and again.status_code == 201
    assert promoted.json()["case_id"] == again.json()["case_id"]
    assert Case.objects.filter(pk=promoted.json()["case_id"]).count() == 1
    assert linked.status_code == 200 and linked.json()["case_id"] == case.pk
    assert closed.json()["status"] == ReportStatus.SPAM
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid"


def test_another_unit_gets_404_and_a_volunteer_sees_nothing(
    bahagia: Organisation,
    ikhlas: Organisation,
    ikhlas_caseworker: Persona,
    bahagia_volunteer: Persona,
) -> None:
    report = submit().report

    assert ikhlas_caseworker.client.get(INBOX).json()["count"] == 0
    assert ikhlas_caseworker.client.get(f"{INBOX}/{report.pk}").status_code == 404
    assert _post(ikhlas_caseworker, f"{INBOX}/{report.pk}/case").status_code == 404
    assert (
        _post(ikhlas_caseworker, f"{INBOX}/{report.pk}/close", {"status": "spam"}).status_code
        == 404
    )
    assert bahagia_volunteer.client.get(INBOX).json()["count"] == 0
    assert bahagia_volunteer.client.get(f"{INBOX}/{report.pk}").status_code == 404
    assert not Case.objects.exists()


def test_linking_to_another_units_case_answers_404(
    bahagia: Organisation,
    ikhlas: Organisation,
    bahagia_caseworker: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    report = submit().report
    elsewhere, _victim = case_with_victim(ikhlas_caseworker.membership)

    response = _post(bahagia_caseworker, f"{INBOX}/{report.pk}/link", {"case_id": elsewhere.pk})

    assert response.status_code == 404
    report.refresh_from_db()
    assert report.case_id is None


def test_the_list_query_count_does_not_grow_with_rows(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bahagia_caseworker.client.get(INBOX).status_code == 200
        return len(queries.captured_queries)

    submit()
    few = count()
    for _i in range(5):
        submit(danger_now=True)
    assert count() == few
