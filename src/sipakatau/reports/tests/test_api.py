"""/api/v1/reports: the same scope as the pages; 404 for outsiders; constant queries."""

import json
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sipakatau.accounts.models import Organisation, Role
from sipakatau.reports.models import MonthlyReport
from sipakatau.reports.rollup import rollups_refresh
from sipakatau.reports.services.monthly import monthly_report_generate, monthly_report_send
from tests.factories import Persona, make_persona

from .dataset import WITA, build

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=WITA)


@pytest.fixture
def report(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> MonthlyReport:
    build(bahagia, ikhlas, coordinator.user)
    monthly_report_generate(now=FIRST_OF_DECEMBER)
    return MonthlyReport.objects.get(organisation=bahagia, month=date(2026, 11, 1))


@pytest.mark.django_db
def test_indicators_at_each_scope(
    report: MonthlyReport,
    coordinator: Persona,
    lurah: Persona,
    dp3a_manager: Persona,
    ikhlas: Organisation,
) -> None:
    mine = coordinator.client.get("/api/v1/reports/indicators?period=2026-11").json()
    assert mine["tables"]["cases_by_channel"]["total"] == 3
    assert mine["tables"]["cases_by_channel"]["left_out"] == 1
    assert mine["suppressed"] is False
    city = dp3a_manager.client.get("/api/v1/reports/indicators?period=2026-11").json()
    assert city["suppressed"] is True and city["tables"]["cases_by_channel"]["total"] is None
    assert lurah.client.get(f"/api/v1/reports/indicators?unit={ikhlas.pk}").status_code == 404
    assert dp3a_manager.client.get("/api/v1/reports/indicators?area=73.71").status_code == 404
    assert dp3a_manager.client.get("/api/v1/reports/indicators?period=soon").status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN])
def test_indicators_refuse_roles_without_statistics(bahagia: Organisation, role: str) -> None:
    persona = make_persona(bahagia, role)
    assert persona.client.get("/api/v1/reports/indicators").status_code == 403


@pytest.mark.django_db
def test_the_coordinator_sends_and_the_recipients_read(
    report: MonthlyReport,
    coordinator: Persona,
    lurah: Persona,
    dinsos_officer: Persona,
    ikhlas_coordinator: Persona,
    ikhlas_lurah: Persona,
    bahagia_caseworker: Persona,
) -> None:
    url = f"/api/v1/reports/monthly/{report.pk}"
    assert lurah.client.get(url).status_code == 404  # a draft is the unit's own
    for outsider in (ikhlas_coordinator, ikhlas_lurah, bahagia_caseworker):
        assert (
            outsider.client.post(f"{url}/send", "{}", content_type="application/json").status_code
            == 404
        )
    sent = coordinator.client.post(
        f"{url}/send", json.dumps({"narrative": "Ringkas."}), content_type="application/json"
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent" and sent.json()["narrative"] == "Ringkas."
    again = coordinator.client.post(f"{url}/send", "{}", content_type="application/json")
    assert again.status_code == 422
    for persona in (lurah, dinsos_officer):
        assert [r["id"] for r in persona.client.get("/api/v1/reports/monthly").json()] == [
            report.pk
        ]
        assert persona.client.get(url).json()["figures"]["suppressed"] is True
        assert persona.client.get(f"{url}/report.xlsx").content.startswith(b"PK")
        assert (
            persona.client.post(f"{url}/send", "{}", content_type="application/json").status_code
            == 403
        )
    for outsider in (ikhlas_coordinator, ikhlas_lurah, bahagia_caseworker):
        assert outsider.client.get(url).status_code == 404
        assert outsider.client.get(f"{url}/report.pdf").status_code == 404
        assert report.pk not in [
            r["id"] for r in outsider.client.get("/api/v1/reports/monthly").json()
        ]


@pytest.mark.django_db
def test_the_list_and_the_indicators_ask_a_fixed_number_of_queries(
    bahagia: Organisation, ikhlas: Organisation, coordinator: Persona, dp3a_manager: Persona
) -> None:
    monthly_report_generate(month=date(2026, 1, 1))
    coordinator.client.get("/api/v1/reports/monthly")
    dp3a_manager.client.get("/api/v1/reports/indicators?period=2026")
    with CaptureQueriesContext(connection) as one:
        coordinator.client.get("/api/v1/reports/monthly")
    with CaptureQueriesContext(connection) as empty:
        dp3a_manager.client.get("/api/v1/reports/indicators?period=2026")
    for month in range(2, 12):
        monthly_report_generate(month=date(2026, month, 1))
    build(bahagia, ikhlas, coordinator.user)
    rollups_refresh()  # as scheduled; recounting a month is measured in ``test_rollup``
    with CaptureQueriesContext(connection) as many:
        assert len(coordinator.client.get("/api/v1/reports/monthly").json()) == 22 // 2
    with CaptureQueriesContext(connection) as full:
        dp3a_manager.client.get("/api/v1/reports/indicators?period=2026")
    assert len(many) == len(one)
    assert len(full) == len(empty)


@pytest.mark.django_db
def test_sent_reports_reach_the_recipients_list_in_one_query_set(
    report: MonthlyReport, coordinator: Persona, dp3a_manager: Persona
) -> None:
    monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    listing = dp3a_manager.client.get("/api/v1/reports/monthly").json()
    assert [(r["id"], r["status"]) for r in listing] == [(report.pk, "sent")]
