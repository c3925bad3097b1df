"""The report of an analysis as a job (issue 20): a reader presses "Report (PDF)" or
"Tables (XLSX)", the request only queues the job and leads to the file's page (a progress
bar that reloads itself), the job builds the same report as before, records the same
export, tells her when it is ready, and she downloads it once. The job's function is run
here as the queue would run it; one test runs it through django-q2's own worker (sync)."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_q.models import OrmQ
from openpyxl import load_workbook

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.jobs.models import FileStatus, PreparedFile
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, ReportFile
from sipakatau.mapping.tasks import build_report
from sipakatau.notifications.models import Notification
from tests.factories import english, signed_in_client

from .answered import answered_template
from .conftest import member
from .test_report_pdf import needs_poppler, pdf_text

API = "/api/v1/mapping"
REFRESH = '<meta http-equiv="refresh"'
PRINTED, EXPORTED = "mapping.report_printed", "mapping.analysis_exported"


@pytest.fixture
def answered(analyst: Membership, enumerator: Membership) -> Questionnaire:
    return answered_template(analyst, enumerator)


def _client(membership: Membership) -> Client:
    return english(signed_in_client(membership.user))


def _ask(client: Client, questionnaire: Questionnaire, name: str = "report_pdf") -> PreparedFile:
    response = client.post(reverse(f"mapping:{name}", args=[questionnaire.pk]))
    prepared = PreparedFile.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:file_detail", args=[prepared.pk])
    return prepared


def _exports() -> int:
    return AuditEvent.objects.filter(action__in=[PRINTED, EXPORTED]).count()


@needs_poppler
@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_analyst_waits_for_the_pdf_on_its_page_and_downloads_it_once(
    answered: Questionnaire,
    analyst: Membership,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(analyst)
    # Given the analysis page shows the report as a button (a form: no JavaScript needed)
    page = client.get(reverse("mapping:analysis", args=[answered.pk])).content.decode()
    assert (
        f'<form method="post" action="{reverse("mapping:report_pdf", args=[answered.pk])}"' in page
    )
    assert f'href="{reverse("mapping:report_pdf", args=[answered.pk])}"' not in page

    # When she presses it
    with django_capture_on_commit_callbacks(execute=True):
        prepared = _ask(client, answered)

    # Then the request only queued the job: nothing was built, nothing exported yet
    assert OrmQ.objects.count() == 1
    assert prepared.status == FileStatus.QUEUED and prepared.content == ""
    assert prepared.membership == analyst and prepared.kind == "mapping.report_pdf"
    assert ReportFile.objects.get(prepared_file=prepared).questionnaire == answered
    assert _exports() == 0
    waiting = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()
    assert REFRESH in waiting and "<progress" in waiting and "Download" not in waiting

    # When the job runs
    assert build_report(prepared.pk) == FileStatus.DONE

    # Then the export is recorded as before, in her name, and she is told
    prepared.refresh_from_db()
    assert prepared.done == prepared.total == 3
    (printed,) = AuditEvent.objects.filter(action=PRINTED)
    assert printed.object_id == str(answered.pk) and printed.actor_id == analyst.user_id
    assert printed.organisation_id == analyst.organisation_id
    (note,) = Notification.objects.filter(recipient=analyst.user)
    assert note.template == "file_ready"
    assert note.context["link"] == reverse("jobs:file_detail", args=[prepared.pk])
    ready = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()
    assert REFRESH not in ready and reverse("jobs:file_download", args=[prepared.pk]) in ready

    # And the download is the printed report, with its title and figures
    download = client.get(reverse("jobs:file_download", args=[prepared.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="laporan-pemetaan-pemetaan_kebutuhan.pdf"'
    )
    text = pdf_text(download.content, tmp_path)
    assert "NEEDS MAPPING RESULTS REPORT" in text and "Watang Soreang" in text
    assert "Pemetaan Kebutuhan Kelompok Konstituen" in text
    assert "Respondents: 14." in text
    assert re.search(r"Dokumen kependudukan\s+12\s+85\.7", text)
    assert re.search(r"Bantuan hukum\s+<5\s+-", text)

    # Once: the file is gone from the server
    prepared.refresh_from_db()
    assert prepared.content == "" and prepared.downloaded_at is not None
    again = client.get(reverse("jobs:file_download", args=[prepared.pk]))
    assert again.status_code == 302
    assert "no longer here" in client.get(again["Location"]).content.decode()


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_tables_are_a_workbook_prepared_the_same_way(
    answered: Questionnaire, analyst: Membership
) -> None:
    client = _client(analyst)
    prepared = _ask(client, answered, "report_xlsx")
    assert _exports() == 0

    assert build_report(prepared.pk) == FileStatus.DONE

    download = client.get(reverse("jobs:file_download", args=[prepared.pk]))
    assert download["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(download.content))
    assert {"Needs ranking", "Needs and services in reach", "Respondents by RW"} <= set(
        book.sheetnames
    )
    assert book["Respondents"]["A4"].value == "14"
    gaps = [
        [c.value for c in row] for row in book["Needs and services in reach"].iter_rows(min_row=4)
    ]
    assert ["Bantuan hukum", "<5", "Legal aid", "NONE — a gap"] in gaps
    assert AuditEvent.objects.filter(action=EXPORTED, object_id=str(answered.pk)).count() == 1
    assert not AuditEvent.objects.filter(action=PRINTED).exists()


def test_the_builder_reports_its_steps(answered: Questionnaire, analyst: Membership) -> None:
    steps: list[tuple[int, int]] = []

    services.analysis_export(
        actor=analyst, questionnaire=answered, progress=lambda d, t: steps.append((d, t))
    )

    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_the_page_of_a_running_report_counts_steps_not_rows(
    answered: Questionnaire, analyst: Membership
) -> None:
    client = _client(analyst)
    prepared = _ask(client, answered)
    PreparedFile.objects.filter(pk=prepared.pk).update(status=FileStatus.RUNNING, done=1, total=3)

    page = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()

    assert "1 of 3 steps done" in page and "rows" not in page


def test_the_queue_runs_the_job_it_was_given(
    answered: Questionnaire, enumerator: Membership, jobs_at_once: Any
) -> None:
    # Given the kader, who takes part in the discussion and so reads the analysis
    client = _client(enumerator)

    # When she asks and django-q2's worker runs what was queued (sync mode)
    with jobs_at_once():
        prepared = _ask(client, answered, "report_xlsx")

    # Then her file was made by the task named on the row
    prepared.refresh_from_db()
    assert prepared.task == "sipakatau.mapping.tasks.build_report"
    assert prepared.status == FileStatus.DONE and prepared.ready
    assert AuditEvent.objects.filter(action=EXPORTED).count() == 1


def test_nobody_else_reaches_the_file(
    answered: Questionnaire, analyst: Membership, officer: Membership, outsider: Membership
) -> None:
    prepared = _ask(_client(analyst), answered)
    build_report(prepared.pk)

    # The kelurahan officer reads the same analysis, but not her file; nor does the outsider
    for other in (officer, outsider):
        client = _client(other)
        for name in ("jobs:file_detail", "jobs:file_download"):
            assert client.get(reverse(name, args=[prepared.pk])).status_code == 404
        assert client.get(f"/api/v1/files/{prepared.pk}").status_code == 404
        assert client.get(f"/api/v1/files/{prepared.pk}/download").status_code == 404
    prepared.refresh_from_db()
    assert prepared.content != "" and prepared.downloaded_at is None


def test_a_reader_who_lost_her_role_before_the_job_ran_gets_nothing(
    answered: Questionnaire, enumerator: Membership, analyst: Membership
) -> None:
    # Given the kader and the analyst asked for the report
    kader_file = _ask(_client(enumerator), answered)
    analyst_file = _ask(_client(analyst), answered, "report_xlsx")
    # When, before the jobs run, the kader's membership ends and the analyst becomes auditor
    Membership.objects.filter(pk=enumerator.pk).update(is_active=False)
    Membership.objects.filter(pk=analyst.pk).update(role=Role.AUDITOR)

    # Then both jobs stop: no file, no export recorded, and each is told
    assert build_report(kader_file.pk) == FileStatus.FAILED
    assert build_report(analyst_file.pk) == FileStatus.FAILED
    for prepared, membership in ((kader_file, enumerator), (analyst_file, analyst)):
        prepared.refresh_from_db()
        assert prepared.content == "" and not prepared.ready
        (note,) = Notification.objects.filter(recipient=membership.user)
        assert note.template == "file_failed"
    assert _exports() == 0


def test_a_questionnaire_out_of_scope_answers_404_and_queues_nothing(
    answered: Questionnaire, outsider: Membership
) -> None:
    client = _client(outsider)

    for name in ("report_pdf", "report_xlsx"):
        assert client.post(reverse(f"mapping:{name}", args=[answered.pk])).status_code == 404
    api = client.post(
        f"{API}/questionnaires/{answered.pk}/report", {"format": "pdf"}, "application/json"
    )

    assert api.status_code == 404
    assert not PreparedFile.objects.exists()


def test_a_role_that_may_not_read_the_analysis_is_refused_as_before(
    answered: Questionnaire, bahagia: Organisation
) -> None:
    for role in (Role.AUDITOR, Role.ADMIN):
        client = _client(member(bahagia, role))
        url = reverse("mapping:report_pdf", args=[answered.pk])
        assert client.post(url).status_code == 403, role
        assert client.get(url).status_code == 403, role
        api = client.post(
            f"{API}/questionnaires/{answered.pk}/report", {"format": "xlsx"}, "application/json"
        )
        # (the API answers the analysis itself with 404 to them: the same here)
        assert api.status_code == 404, role
    assert not PreparedFile.objects.exists()


def test_a_second_press_while_the_first_is_prepared_leads_to_the_same_file(
    answered: Questionnaire, analyst: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(analyst)

    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(client, answered)
        second = _ask(client, answered)
        other_format = _ask(client, answered, "report_xlsx")

    # One job for the PDF (one queued task each), another for the workbook
    assert first == second and other_format != first
    assert OrmQ.objects.count() == 2
    assert PreparedFile.objects.count() == 2
    build_report(first.pk)
    # Once it is made, pressing again prepares a new one (the first may be downloaded)
    third = _ask(client, answered)
    assert third != first and third.status == FileStatus.QUEUED


def test_an_old_link_to_the_report_builds_nothing_and_leads_to_the_analysis(
    answered: Questionnaire, analyst: Membership, outsider: Membership
) -> None:
    for name in ("report_pdf", "report_xlsx"):
        url = reverse(f"mapping:{name}", args=[answered.pk])

        response = _client(analyst).get(url)

        assert response.status_code == 302
        assert response["Location"] == reverse("mapping:analysis", args=[answered.pk])
        assert _client(outsider).get(url).status_code == 404
    assert not PreparedFile.objects.exists() and _exports() == 0


@needs_poppler
def test_the_api_answers_202_with_a_status_url_then_the_download(
    answered: Questionnaire, analyst: Membership, tmp_path: Path
) -> None:
    client = signed_in_client(analyst.user)
    url = f"{API}/questionnaires/{answered.pk}/report"

    asked = client.post(url, {"format": "pdf"}, "application/json")

    assert asked.status_code == 202
    status = asked.json()
    assert status["status"] == "QUEUED" and status["download_url"] is None
    assert status["kind"] == "mapping.report_pdf" and _exports() == 0
    assert client.get(f"/api/v1/files/{status['id']}/download").status_code == 409

    build_report(status["id"])

    done = client.get(status["url"]).json()
    assert done["status"] == "DONE" and done["done"] == done["total"] == 3
    data = client.get(done["download_url"]).content
    assert data.startswith(b"%PDF-") and "Watang Soreang" in pdf_text(data, tmp_path)
    assert client.get(done["download_url"]).status_code == 410
    wrong = client.post(url, {"format": "docx"}, "application/json")
    assert wrong.status_code == 422
