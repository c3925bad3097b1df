"""The monthly report: drafted once per unit and month, written and sent by the
coordinator, found by the Lurah, DP3A and Dinsos, escalated when late, as PDF and XLSX."""

import io
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import Notification, OutboxMessage
from sipakatau.reports import queries
from sipakatau.reports.documents import monthly_pdf, monthly_xlsx
from sipakatau.reports.models import MonthlyReport, MonthlyReportStatus
from sipakatau.reports.services.monthly import (
    due_on,
    monthly_report_generate,
    monthly_report_send,
    monthly_report_write,
    monthly_reports_escalate,
)
from tests.factories import Persona

from .dataset import WITA, build, make_case, make_victim

NOVEMBER = date(2026, 11, 1)
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=WITA)


@pytest.fixture
def report(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> MonthlyReport:
    build(bahagia, ikhlas, coordinator.user)
    monthly_report_generate(now=FIRST_OF_DECEMBER)
    return MonthlyReport.objects.get(organisation=bahagia, month=NOVEMBER)


def test_the_report_is_due_on_the_fifth_of_the_next_month() -> None:
    assert due_on(date(2026, 11, 1)) == date(2026, 12, 5)
    assert due_on(date(2026, 12, 1)) == date(2027, 1, 5)


@pytest.mark.django_db
def test_one_draft_per_unit_and_month_however_often_it_runs(
    bahagia: Organisation, ikhlas: Organisation
) -> None:
    made = monthly_report_generate(now=FIRST_OF_DECEMBER)
    again = monthly_report_generate(now=FIRST_OF_DECEMBER + timedelta(hours=3))
    assert {r.organisation_id for r in made} == {bahagia.pk, ikhlas.pk}
    assert again == []
    report = MonthlyReport.objects.get(organisation=bahagia)
    assert (report.month, report.due_on, report.status) == (NOVEMBER, date(2026, 12, 5), "draft")
    assert AuditEvent.objects.filter(action="monthly_report.generated").count() == 2


@pytest.mark.django_db
def test_the_management_command_drafts_a_given_month(bahagia: Organisation) -> None:
    out = io.StringIO()
    call_command("generate_monthly_reports", "--month", "2026-10", stdout=out)
    assert MonthlyReport.objects.filter(organisation=bahagia, month=date(2026, 10, 1)).exists()
    assert "drafted: 1" in out.getvalue()


@pytest.mark.django_db
def test_the_coordinator_writes_and_sends_and_the_recipients_are_told(
    report: MonthlyReport,
    coordinator: Persona,
    lurah: Persona,
    dp3a_officer: Persona,
    dp3a_manager: Persona,
    dinsos_officer: Persona,
    ikhlas_lurah: Persona,
    bahagia_caseworker: Persona,
) -> None:
    monthly_report_write(
        actor=coordinator.membership, report_id=report.pk, narrative="Bulan ini tenang."
    )
    sent = monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    assert sent.status == MonthlyReportStatus.SENT
    assert sent.sent_by_id == coordinator.user.pk
    assert sent.narrative == "Bulan ini tenang."
    # The figures are frozen, suppressed: 3 cases is below 5.
    assert sent.figures["suppressed"] is True
    assert sent.figures["tables"]["cases_by_channel"]["total"] is None
    told = set(
        Notification.objects.filter(template="monthly_report_sent").values_list(
            "recipient", flat=True
        )
    )
    assert told == {
        lurah.user.pk,
        dp3a_officer.user.pk,
        dp3a_manager.user.pk,
        dinsos_officer.user.pk,
    }
    context = Notification.objects.filter(template="monthly_report_sent").first().context  # type: ignore[union-attr]
    assert set(context) == {"unit_name", "link"}
    assert OutboxMessage.objects.filter(template="monthly_report_sent").count() == len(
        [u for u in (lurah, dp3a_officer, dp3a_manager, dinsos_officer) if u.user.email]
    )
    assert AuditEvent.objects.filter(
        action="monthly_report.sent", object_id=str(report.pk)
    ).exists()
    # The recipients find it; the other kelurahan and the caseworker do not.
    for persona in (lurah, dp3a_officer, dp3a_manager, dinsos_officer):
        assert queries.monthly_reports_visible_to(persona.membership).filter(pk=report.pk).exists()
    for persona in (ikhlas_lurah, bahagia_caseworker):
        assert not queries.monthly_reports_visible_to(persona.membership).exists()


@pytest.mark.django_db
def test_a_draft_is_the_units_own(
    report: MonthlyReport, lurah: Persona, dp3a_officer: Persona
) -> None:
    for persona in (lurah, dp3a_officer):
        assert not queries.monthly_reports_visible_to(persona.membership).exists()


@pytest.mark.django_db
def test_what_was_sent_does_not_change_afterwards(
    report: MonthlyReport, coordinator: Persona, bahagia: Organisation, settings: object
) -> None:
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 1  # type: ignore[attr-defined]
    monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    late_case = make_case(bahagia, coordinator.user, datetime(2026, 11, 15, tzinfo=WITA), "PHONE")
    make_victim(late_case, coordinator.user, sex="P", age=22)
    report.refresh_from_db()
    assert queries.monthly_report_figures(report)["tables"]["cases_by_channel"]["total"] == 3


@pytest.mark.django_db
def test_only_the_units_coordinator_sends_and_only_once(
    report: MonthlyReport,
    coordinator: Persona,
    ikhlas_coordinator: Persona,
    bahagia_caseworker: Persona,
    lurah: Persona,
) -> None:
    for persona in (ikhlas_coordinator, bahagia_caseworker, lurah):
        with pytest.raises(PermissionDenied):
            monthly_report_send(actor=persona.membership, report_id=report.pk)
        with pytest.raises(PermissionDenied):
            monthly_report_write(actor=persona.membership, report_id=report.pk, narrative="x")
    monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    with pytest.raises(ValidationError):
        monthly_report_send(actor=coordinator.membership, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        monthly_report_write(actor=coordinator.membership, report_id=report.pk, narrative="x")


@pytest.mark.django_db
def test_a_late_report_is_escalated_to_the_coordinators_once(
    report: MonthlyReport, coordinator: Persona
) -> None:
    assert monthly_reports_escalate(now=datetime(2026, 12, 5, 20, 0, tzinfo=WITA)) == 0
    assert monthly_reports_escalate(now=datetime(2026, 12, 6, 8, 0, tzinfo=WITA)) == 1
    assert monthly_reports_escalate(now=datetime(2026, 12, 7, 8, 0, tzinfo=WITA)) == 0
    told = Notification.objects.filter(template="monthly_report_late")
    assert set(told.values_list("recipient", flat=True)) >= {coordinator.user.pk}
    assert set(told.first().context) == {"unit_name", "link", "due_at"}  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_pdf_and_the_xlsx_carry_the_figures_and_hide_small_ones(
    report: MonthlyReport, coordinator: Persona, settings: object
) -> None:
    monthly_report_write(
        actor=coordinator.membership, report_id=report.pk, narrative="Catatan bulan ini."
    )
    report.refresh_from_db()
    with translation.override("en"):
        figures = queries.monthly_report_figures(report)
        pdf = monthly_pdf(report, figures)
        xlsx = monthly_xlsx(report, figures)
    text = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Catatan bulan ini." in text
    assert "Fisik" in text or "Physical" in text
    assert "*" in text
    assert "Korban Uji" not in text
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook.worksheets[0]
    cells = {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Narrative"] == "Catatan bulan ini."
    values = [row[1] for row in sheet.iter_rows(values_only=True) if row and len(row) > 1]
    assert "*" in values
    # No small figure anywhere but in "left out" (how many did not consent, by design).
    small = [
        row
        for row in sheet.iter_rows(values_only=True)
        if any(isinstance(v, int) and 0 < v < 5 for v in row[1:])
    ]
    assert all(str(row[0]).startswith("Left out") for row in small), small
    assert len(workbook.worksheets[1]._charts) == 4


@pytest.mark.django_db
def test_without_suppression_the_xlsx_holds_the_hand_counted_figures(
    report: MonthlyReport, settings: object
) -> None:
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 1  # type: ignore[attr-defined]
    with translation.override("en"):
        figures = queries.monthly_report_figures(report)
        sheet = load_workbook(io.BytesIO(monthly_xlsx(report, figures))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "Victims by sex")
    assert [r[:2] for r in rows[start + 1 : start + 6]] == [
        ("Male", 0),
        ("Female", 2),
        ("Unknown", 1),
        ("Total", 3),
        ("Left out (no consent for statistics)", 2),
    ]


@pytest.mark.django_db
def test_a_desa_units_report_goes_to_its_kepala_desa_under_the_sk_kepala_desa() -> None:
    import re

    from django.urls import reverse

    from sipakatau.accounts.models import OrganisationType, Role
    from sipakatau.mechanisms.tests.villagesupport import DESA, desa_office_make
    from tests.factories import english, make_organisation, make_persona

    # Given an LBK-KK in a desa, and its report of November
    desa_office_make()
    unit = make_organisation(
        "LBK-KK Sipakainge Desa Lompo Riaja", type=OrganisationType.LBK_KK, area_code=DESA
    )
    coordinator = make_persona(unit, Role.COORDINATOR)
    monthly_report_generate(now=FIRST_OF_DECEMBER)
    report = MonthlyReport.objects.get(organisation=unit, month=NOVEMBER)
    # When it is printed, shown, listed and sent
    with translation.override("en"):
        pdf = monthly_pdf(report, queries.monthly_report_figures(report))
    printed = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    client = english(coordinator.client)
    shown = client.get(reverse("reports:monthly_detail", args=[report.pk])).content.decode()
    listed = client.get(reverse("reports:monthly_list")).content.decode()
    sent = client.post(
        reverse("reports:monthly_send", args=[report.pk]), follow=True
    ).content.decode()
    # Then each names the Kepala Desa and the SK Kepala Desa, never a Lurah
    assert "Kepala Desa" in printed and "SK Kepala Desa" in printed
    assert "SK Kepala Desa" in shown and "SK Kepala Desa" in listed
    assert "sent to the Kepala Desa" in sent
    for text in (printed, shown, listed, sent):
        found = re.findall(r".{40}lurah.{20}", text, re.I)
        assert not re.search("lurah", text, re.IGNORECASE), found
