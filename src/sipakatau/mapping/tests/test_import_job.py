"""The submissions import as a job (issue 20): the upload is checked in the request and
kept encrypted, the job imports the rows in batches with progress the page shows, then
tells the uploader; a second run of the job imports nothing, a bad file stores nothing."""

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django_q.models import OrmQ

from sipakatau.accounts.models import Membership
from sipakatau.audit.models import AuditEvent
from sipakatau.mapping import kobo, services
from sipakatau.mapping.models import (
    ImportFile,
    ImportRun,
    ImportStatus,
    Questionnaire,
    Submission,
)
from sipakatau.mapping.services import submissions as submissions_service
from sipakatau.notifications.models import Notification
from tests.factories import signed_in_client

from .test_analysis_pages import client_of, kobo_csv, upload

REFRESH = '<meta http-equiv="refresh"'
# Values of the file that must never reach a notification (free text, answers, keys).
SURVEY_VALUES = ("kursi roda", "Butuh", "kesehatan", "perempuan", "uuid")


def _upload(client: Any, questionnaire: Questionnaire, data: bytes, name: str) -> Any:
    url = reverse("mapping:submissions_upload", args=[questionnaire.pk])
    return client.post(url, {"file": upload(name, data)})


def test_the_upload_answers_with_the_run_page_and_queues_the_job_on_commit(
    analyst: Membership, questionnaire: Questionnaire, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(analyst)

    with django_capture_on_commit_callbacks() as callbacks:
        response = _upload(client, questionnaire, kobo_csv(), "kobo.csv")
    waiting_before_commit = OrmQ.objects.count()
    for callback in callbacks:
        callback()
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == reverse("mapping:import_run_detail", args=[run.pk])
    assert (run.status, run.rows_done, run.rows_total, run.imported_by) == (
        ImportStatus.QUEUED,
        0,
        8,
        analyst.user,
    )
    # Queued only once the upload is committed; then it waits in django-q2's queue (the
    # database broker of the tests), not yet run.
    assert waiting_before_commit == 0 and len(callbacks) == 1
    assert OrmQ.objects.count() == 1
    assert not Submission.objects.exists()
    assert "<progress" in page and "0 of 8 rows" in page and REFRESH in page


def test_the_file_waits_encrypted_and_is_deleted_when_the_run_is_done(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM mapping_importfile WHERE run_id = %s", [run.pk])
        (stored,) = cursor.fetchone()

    services.submissions_import_run(run.pk)

    assert "kursi roda" not in stored and "_uuid" not in stored
    assert not ImportFile.objects.filter(run=run).exists()


def test_the_stored_file_reads_back_as_uploaded(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )

    assert base64.b64decode(ImportFile.objects.get(run=run).content) == kobo_csv()


@pytest.fixture
def seen_progress(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """``rows_done`` as the database holds it each time the job takes the next row of the
    file, with batches of 3 rows (the real ``kobo.rows`` underneath)."""
    seen: list[int] = []
    real_rows = kobo.rows

    def watched(*args: Any, **kwargs: Any) -> Iterator[kobo.RowResult]:
        for row in real_rows(*args, **kwargs):
            seen.append(ImportRun.objects.values_list("rows_done", flat=True).get())
            yield row

    monkeypatch.setattr(submissions_service, "IMPORT_BATCH", 3)
    monkeypatch.setattr(kobo, "rows", watched)
    yield seen


def test_progress_moves_batch_by_batch_and_the_uploader_is_told(
    analyst: Membership, questionnaire: Questionnaire, seen_progress: list[int]
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )

    assert services.submissions_import_run(run.pk) == ImportStatus.DONE
    run.refresh_from_db()
    notice = Notification.objects.get(recipient=analyst.user)

    assert seen_progress == [0, 0, 0, 3, 3, 3, 6, 6]
    assert (run.status, run.rows_done, run.rows_total) == (ImportStatus.DONE, 8, 8)
    assert (run.rows_created, run.rows_duplicate, run.rows_rejected) == (3, 1, 4)
    assert run.finished_at is not None and run.failure == ""
    assert notice.template == "submissions_import_done"
    assert AuditEvent.objects.filter(action="mapping.submissions_import_done").count() == 1
    assert set(notice.context) == {"unit_name", "count", "link"}
    assert notice.context["link"] == reverse("mapping:import_run_detail", args=[run.pk])
    stored = json.dumps(notice.context)
    assert not [value for value in SURVEY_VALUES if value in stored]


def test_a_second_run_of_the_job_imports_nothing_more(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    services.submissions_import_run(run.pk)
    created = Submission.objects.count()

    again = services.submissions_import_run(run.pk)
    run.refresh_from_db()

    assert again == ImportStatus.DONE
    assert Submission.objects.count() == created == run.rows_created == 3
    assert Notification.objects.filter(recipient=analyst.user).count() == 1


def test_a_run_another_worker_holds_is_left_alone(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)

    assert services.submissions_import_run(run.pk) == ImportStatus.RUNNING
    assert not Submission.objects.exists()
    assert ImportFile.objects.filter(run=run).exists()


def test_the_same_file_in_a_second_run_is_counted_as_already_here(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    first = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    second = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    services.submissions_import_run(first.pk)
    services.submissions_import_run(second.pk)
    second.refresh_from_db()

    assert (second.rows_created, second.rows_duplicate, second.rows_rejected) == (0, 4, 4)
    assert Submission.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("rusak.xlsx", b"PK\x03\x04 not a workbook", "Berkas ini bukan berkas Excel (.xlsx)."),
        ("kosong.csv", b"\n\n", "The file is empty."),
    ],
)
def test_a_bad_file_is_refused_in_the_request_and_nothing_is_kept(
    analyst: Membership,
    questionnaire: Questionnaire,
    django_capture_on_commit_callbacks: Any,
    name: str,
    data: bytes,
    reason: str,
) -> None:
    # The first in Indonesian, the language of the app; the second in English.
    client = signed_in_client(analyst.user) if "Berkas" in reason else client_of(analyst)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(client, questionnaire, data, name)

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ImportRun.objects.exists() and not ImportFile.objects.exists()
    assert callbacks == [] and not OrmQ.objects.exists()


def test_the_page_refreshes_only_while_the_run_is_unfinished(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    client = client_of(analyst)
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    url = reverse("mapping:import_run_detail", args=[run.pk])
    queued = client.get(url).content.decode()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, rows_done=3)
    running = client.get(url).content.decode()

    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.QUEUED, rows_done=0)
    services.submissions_import_run(run.pk)
    done = client.get(url).content.decode()

    assert REFRESH in queued and "Waiting to start" in queued
    assert REFRESH in running and "3 of 8 rows" in running
    assert 'value="3" max="8"' in running
    assert REFRESH not in done and "<progress" not in done
    assert "Rows refused, and why" in done and "must be a whole number" in done


def test_a_run_whose_file_is_gone_fails_with_a_reason_and_says_so(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    ImportFile.objects.filter(run=run).delete()

    assert services.submissions_import_run(run.pk) == ImportStatus.FAILED
    run.refresh_from_db()
    page = client_of(analyst).get(reverse("mapping:import_run_detail", args=[run.pk]))
    notice = Notification.objects.get(recipient=analyst.user)

    assert (run.failure, run.rows_created) == ("MISSING", 0)
    assert "The uploaded file was no longer there." in page.content.decode()
    assert REFRESH not in page.content.decode()
    assert notice.template == "submissions_import_failed"
    assert AuditEvent.objects.filter(action="mapping.submissions_import_failed").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks the whole file")
def test_the_job_claims_its_run_without_locking_the_questionnaire(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    """The claim reads the run with its questionnaire, kelurahan and uploader; a plain FOR
    UPDATE locked those rows too, so an analysis asked for the same questionnaire (which
    locks it) waited for the claim. Only the run's row is locked now."""
    from django.test.utils import CaptureQueriesContext

    run = services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    with CaptureQueriesContext(connection) as claim:
        services.submissions_import_run(run.pk)

    locking = [query["sql"] for query in claim.captured_queries if "FOR UPDATE" in query["sql"]]
    assert locking, "the claim locks the run"
    claim_sql = locking[0]
    assert 'JOIN "mapping_questionnaire"' in claim_sql  # read together, as before
    assert claim_sql.rstrip().endswith('FOR UPDATE OF "mapping_importrun"'), claim_sql
