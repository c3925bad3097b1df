"""The dashboard and the monthly report pages: who gets what, 404 for outsiders, and a
number of queries that does not grow with the data."""

import re
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.reports.models import MonthlyReport, MonthlyReportStatus
from sipakatau.reports.rollup import rollups_refresh
from sipakatau.reports.services.monthly import monthly_report_generate, monthly_report_send
from tests.factories import Persona, english, make_persona

from .dataset import WITA, build, make_case, make_victim

NOVEMBER = "2026-11"
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=WITA)


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> None:
    build(bahagia, ikhlas, coordinator.user)


@pytest.fixture
def report(data: None, bahagia: Organisation) -> MonthlyReport:
    monthly_report_generate(now=FIRST_OF_DECEMBER)
    return MonthlyReport.objects.get(organisation=bahagia, month=date(2026, 11, 1))


def dashboard(persona: Persona, **params: object) -> object:
    return persona.client.get(reverse("reports:dashboard"), {"period": NOVEMBER, **params})


@pytest.mark.django_db
def test_the_coordinator_sees_her_units_figures(data: None, coordinator: Persona) -> None:
    response = dashboard(english(coordinator.client) and coordinator)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="cases">3<' in page
    assert "Korban Uji" not in page and not re.search(r"T/\d", page)  # no person, no case


@pytest.mark.django_db
def test_the_lurah_and_dp3a_see_hidden_small_numbers(
    data: None, lurah: Persona, dp3a_officer: Persona
) -> None:
    for persona in (lurah, dp3a_officer):
        page = dashboard(persona).content.decode()
        assert 'data-figure="cases"><span class="hidden-value"' in page


@pytest.mark.django_db
def test_drill_down_reaches_units_of_the_scope_only(
    data: None,
    dp3a_officer: Persona,
    lurah: Persona,
    coordinator: Persona,
    ikhlas: Organisation,
    settings: object,
) -> None:
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 1  # type: ignore[attr-defined]
    page = dashboard(dp3a_officer, unit=ikhlas.pk).content.decode()
    assert 'data-figure="cases">1<' in page
    assert dashboard(lurah, unit=ikhlas.pk).status_code == 404
    assert dashboard(coordinator, unit=ikhlas.pk).status_code == 404
    assert dashboard(dp3a_officer, area="73.71").status_code == 404
    assert dashboard(dp3a_officer, area="73.72.03").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN])
def test_roles_without_statistics_are_refused(bahagia: Organisation, role: str) -> None:
    assert dashboard(make_persona(bahagia, role)).status_code == 403


# Every query of the city dashboard for a DP3A officer: the floor's five (session, user,
# second factor, membership, time zone), the units, their months' rollups, the social
# and mapping figures (four), the filter's units and areas, the unread count. Lower it
# when one goes; a new one must say why it is worth ~1 ms on every dashboard.
DASHBOARD_QUERIES = 14


@pytest.mark.django_db
def test_the_dashboard_asks_as_many_queries_for_one_case_as_for_many(
    bahagia: Organisation, ikhlas: Organisation, dp3a_officer: Persona, coordinator: Persona
) -> None:
    case = make_case(
        bahagia, coordinator.user, datetime(2026, 11, 2, tzinfo=WITA), "PHONE", forms=["FISIK"]
    )
    make_victim(case, coordinator.user, sex="P", age=20)
    dashboard(dp3a_officer)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        assert dashboard(dp3a_officer).status_code == 200
    build(bahagia, ikhlas, coordinator.user)
    build(bahagia, ikhlas, coordinator.user)
    # The months the new cases touched are counted again beforehand, as the scheduled
    # ``refresh_statistics`` does (recounting a month: ``test_rollup``).
    rollups_refresh()
    with CaptureQueriesContext(connection) as many:
        assert dashboard(dp3a_officer).status_code == 200
    assert len(many) == len(one) == DASHBOARD_QUERIES


@pytest.mark.django_db
def test_the_dashboard_reads_the_readers_time_zone_once(
    bahagia: Organisation, dp3a_officer: Persona
) -> None:
    """The middleware, the page and the figures each want the zone of the reader's area
    (issue 19: the city dashboard asked it three times a request)."""
    dashboard(dp3a_officer)
    with CaptureQueriesContext(connection) as page:
        assert dashboard(dp3a_officer).status_code == 200
    zone_queries = [query for query in page.captured_queries if 'AS "time_zone"' in query["sql"]]
    assert len(zone_queries) == 1, zone_queries


# --- Monthly report pages --------------------------------------------------------------------


def detail_url(report: MonthlyReport) -> str:
    return reverse("reports:monthly_detail", args=[report.pk])


@pytest.mark.django_db
def test_the_coordinator_reviews_writes_and_sends(
    report: MonthlyReport, coordinator: Persona
) -> None:
    english(coordinator.client)
    page = coordinator.client.get(detail_url(report)).content.decode()
    assert "Save and send the report" in page
    response = coordinator.client.post(
        reverse("reports:monthly_write", args=[report.pk]),
        {"narrative": "Tiga kasus bulan ini.", "send": "1"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.narrative) == (MonthlyReportStatus.SENT, "Tiga kasus bulan ini.")
    page = coordinator.client.get(detail_url(report)).content.decode()
    assert "Save and send the report" not in page and "Tiga kasus bulan ini." in page
    again = coordinator.client.post(reverse("reports:monthly_send", args=[report.pk]), follow=True)
    assert "already sent" in again.content.decode()


@pytest.mark.django_db
def test_recipients_find_the_sent_report_and_outsiders_get_404(
    report: MonthlyReport,
    coordinator: Persona,
    lurah: Persona,
    dp3a_officer: Persona,
    dinsos_officer: Persona,
    ikhlas_lurah: Persona,
    ikhlas_coordinator: Persona,
    bahagia_caseworker: Persona,
    auditor: Persona,
) -> None:
    # A draft is the unit's own.
    assert lurah.client.get(detail_url(report)).status_code == 404
    monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    for persona in (lurah, dp3a_officer, dinsos_officer):
        listing = persona.client.get(reverse("reports:monthly_list"))
        assert f'data-report="{report.pk}"' in listing.content.decode()
        assert persona.client.get(detail_url(report)).status_code == 200
        assert (
            persona.client.get(reverse("reports:monthly_pdf", args=[report.pk])).status_code == 200
        )
    for persona in (ikhlas_lurah, ikhlas_coordinator, bahagia_caseworker, auditor):
        assert persona.client.get(detail_url(report)).status_code == 404
        assert (
            persona.client.get(reverse("reports:monthly_pdf", args=[report.pk])).status_code == 404
        )
        assert (
            persona.client.get(reverse("reports:monthly_xlsx", args=[report.pk])).status_code == 404
        )
        assert (
            persona.client.post(reverse("reports:monthly_send", args=[report.pk])).status_code
            == 404
        )
        assert (
            persona.client.post(reverse("reports:monthly_write", args=[report.pk])).status_code
            == 404
        )
    # The recipients may read, not write.
    assert lurah.client.post(reverse("reports:monthly_write", args=[report.pk])).status_code == 403


@pytest.mark.django_db
def test_downloads_are_audited(report: MonthlyReport, coordinator: Persona) -> None:
    pdf = coordinator.client.get(reverse("reports:monthly_pdf", args=[report.pk]))
    xlsx = coordinator.client.get(reverse("reports:monthly_xlsx", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert xlsx.content.startswith(b"PK")
    actions = set(
        AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    )
    assert {"monthly_report.exported_pdf", "monthly_report.exported_xlsx"} <= actions


@pytest.mark.django_db
def test_the_list_asks_as_many_queries_for_one_report_as_for_many(
    bahagia: Organisation, coordinator: Persona, dp3a_officer: Persona
) -> None:
    monthly_report_generate(month=date(2026, 1, 1))
    for persona in (coordinator, dp3a_officer):
        persona.client.get(reverse("reports:monthly_list"))
    with CaptureQueriesContext(connection) as one:
        coordinator.client.get(reverse("reports:monthly_list"))
    for month in range(2, 12):
        monthly_report_generate(month=date(2026, month, 1))
    for report in MonthlyReport.objects.all():
        monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    with CaptureQueriesContext(connection) as many:
        response = coordinator.client.get(reverse("reports:monthly_list"))
    assert response.content.decode().count("data-report=") == 11
    assert len(many) == len(one)
    with CaptureQueriesContext(connection) as recipient:
        response = dp3a_officer.client.get(reverse("reports:monthly_list"))
    assert response.content.decode().count("data-report=") == 11
    assert len(recipient) <= len(many) + 2
