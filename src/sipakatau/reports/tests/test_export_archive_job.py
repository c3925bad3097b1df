"""The archive of an export request made by a job (issue 20): the requester sees the zip's
one-time password once, follows the job's progress on the request's page (it reloads
itself, no JavaScript), is told when it is ready and downloads it once. The password
waits field-encrypted on the request — never in the queue — and is gone once the job has
used it; a dead worker's job is queued again and loses nothing; opening twice queues one
job. The queue's function is run here as the queue would run it."""

import io
from datetime import timedelta
from typing import Any

import pytest
import pyzipper
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from sipakatau.accounts.models import Membership, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.jobs.models import FileStatus, PreparedFile
from sipakatau.jobs.services import stuck_after
from sipakatau.jobs.tasks import expire_files, requeue_stuck_files
from sipakatau.notifications.models import Notification
from sipakatau.notifications.templates import render
from sipakatau.reports.models import ExportRequest, ExportState
from sipakatau.reports.services import export_requests
from sipakatau.reports.services.export_requests import ARCHIVE_TASK, export_requests_expire
from sipakatau.reports.tasks import build_export_archive
from tests.factories import PASSWORD, Persona, english

from .test_export_requests import approve, ask, data, detail, open_, shown_password

pytestmark = pytest.mark.django_db
__all__ = ["data"]  # the fixture, used by name

REFRESH = '<meta http-equiv="refresh"'
API = "/api/v1/reports/export-requests"


def _stored_password(export: ExportRequest) -> str | None:
    """The column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT archive_password FROM reports_exportrequest WHERE id = %s", [export.pk]
        )
        (stored,) = cursor.fetchone()
    return stored  # type: ignore[no-any-return]


def _approved(coordinator: Persona, second_coordinator: Persona) -> ExportRequest:
    export = ask(coordinator)
    approve(second_coordinator, export)
    return export


def _opened(persona: Persona, export: ExportRequest, capture: Any) -> tuple[str, PreparedFile]:
    with capture(execute=True):
        secret = shown_password(open_(persona, export))
    export.refresh_from_db()
    assert export.prepared_file is not None
    return secret, export.prepared_file


def _zip_opens_with(content: bytes, secret: str) -> bool:
    with pyzipper.AESZipFile(io.BytesIO(content)) as zipped:
        zipped.setpassword(secret.encode())
        return zipped.read(zipped.namelist()[0]).startswith(b"PK")


def test_she_follows_the_job_on_the_page_is_told_and_downloads_the_zip_once(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = english(coordinator.client)
    export = _approved(coordinator, second_coordinator)
    # Given she opened it: the password is shown on that answer, which does not reload
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_(coordinator, export)
    page = opened.content.decode()  # type: ignore[attr-defined]
    secret = shown_password(opened)
    assert REFRESH not in page and "show the progress" in page
    export.refresh_from_db()
    prepared = export.prepared_file
    assert export.state == ExportState.PREPARING and prepared is not None
    assert prepared.status == FileStatus.QUEUED and prepared.membership == coordinator.membership
    # the request's page shows the progress and reloads itself, without the password
    waiting = client.get(detail(export)).content.decode()
    assert REFRESH in waiting and "<progress" in waiting and secret not in waiting
    assert "data-download" not in waiting
    assert (
        client.get(reverse("reports:export_request_archive", args=[export.pk])).status_code == 403
    )

    # When the job runs
    assert build_export_archive(prepared.pk) == FileStatus.DONE

    # Then the password is forgotten, the request is ready and she is told in plain words
    export.refresh_from_db()
    prepared.refresh_from_db()
    assert export.state == ExportState.READY and export.archive_password is None
    assert _stored_password(export) is None
    assert prepared.expires_at is not None and prepared.expires_at <= export.expires_at
    (note,) = Notification.objects.filter(recipient=coordinator.user, template="file_ready")
    assert note.context["link"] == reverse("jobs:file_detail", args=[prepared.pk])
    text = render(note.template, note.context)
    assert "Wati" not in text and "kekerasan" not in text.lower()
    ready = client.get(detail(export)).content.decode()
    assert REFRESH not in ready and "data-download" in ready and "downloaded once" in ready
    # and she downloads it once
    archive = client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert _zip_opens_with(archive.content, secret)
    again = client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert again.status_code == 302
    assert "no longer here" in client.get(again["Location"]).content.decode()
    assert "downloaded or has expired" in client.get(detail(export)).content.decode()
    assert AuditEvent.objects.filter(action="jobs.file_downloaded").count() == 1


def test_the_password_is_encrypted_on_the_request_and_never_in_the_queue(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = _approved(coordinator, second_coordinator)
    secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)

    # The queue holds one task: the job's function and the file's pk, nothing else
    (queued,) = OrmQ.objects.all()
    assert secret not in queued.payload
    task = queued.task
    assert task["func"] == ARCHIVE_TASK
    assert task["args"] == (prepared.pk,) and not task["kwargs"].get("password")
    assert secret not in repr(task)
    # the request holds it encrypted until the job has used it
    stored = _stored_password(export)
    assert stored and secret not in stored
    assert ExportRequest.objects.get(pk=export.pk).archive_password == secret
    # and nothing else keeps it: the trail names fields, never values
    trail = list(AuditEvent.objects.values_list("action", "object_id", "fields"))
    assert trail and secret not in repr(trail)

    build_export_archive(prepared.pk)
    assert _stored_password(export) is None


def test_opening_again_while_the_job_waits_queues_nothing_more(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = _approved(coordinator, second_coordinator)
    secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        page = open_(coordinator, export)
        api = coordinator.client.post(
            f"{API}/{export.pk}/open", {"password": PASSWORD}, content_type="application/json"
        )

    assert page.status_code == 422 and api.status_code == 422  # type: ignore[attr-defined]
    assert "data-archive-password" not in page.content.decode()  # type: ignore[attr-defined]
    assert PreparedFile.objects.count() == 1 and OrmQ.objects.count() == 1
    export.refresh_from_db()
    assert export.prepared_file_id == prepared.pk and export.archive_password == secret
    # and the job sent twice makes one file
    assert build_export_archive(prepared.pk) == FileStatus.DONE
    assert build_export_archive(prepared.pk) == FileStatus.DONE
    assert AuditEvent.objects.filter(action="reports.exported_case_list").count() == 1


def test_a_job_whose_worker_died_is_queued_again_and_the_zip_still_opens(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = _approved(coordinator, second_coordinator)
    secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)
    # Given the worker claimed the file and died silently long ago
    OrmQ.objects.all().delete()
    long_ago = timezone.now() - stuck_after() - timedelta(minutes=1)
    PreparedFile.objects.filter(pk=prepared.pk).update(
        status=FileStatus.RUNNING, heartbeat_at=long_ago, done=3, total=7
    )

    # When the "stuck files" schedule runs
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_files() == 1

    # Then the job is in the queue again, still without the password, and makes the zip
    (queued,) = OrmQ.objects.all()
    assert queued.task["args"] == (prepared.pk,) and secret not in queued.payload
    assert build_export_archive(prepared.pk) == FileStatus.DONE
    export.refresh_from_db()
    assert export.state == ExportState.READY and export.archive_password is None
    archive = coordinator.client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert _zip_opens_with(archive.content, secret)


def test_a_job_that_fails_forgets_the_password_and_keeps_the_approval(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = _approved(coordinator, second_coordinator)
    _secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)
    # Given her role is taken away before the job runs
    Membership.objects.filter(pk=coordinator.membership.pk).update(role=Role.CASEWORKER)

    assert build_export_archive(prepared.pk) == FileStatus.FAILED

    export.refresh_from_db()
    assert export.archive_password is None and export.state == ExportState.APPROVED
    assert not AuditEvent.objects.filter(action="reports.exported_case_list").exists()
    assert AuditEvent.objects.filter(action="export_request.archive_failed").count() == 1
    assert (
        Notification.objects.filter(recipient=coordinator.user, template="file_failed").count() == 1
    )
    # When her role is given back she opens it again: a new password, a new job
    Membership.objects.filter(pk=coordinator.membership.pk).update(role=Role.COORDINATOR)
    secret, again = _opened(coordinator, export, django_capture_on_commit_callbacks)
    assert again.pk != prepared.pk
    assert build_export_archive(again.pk) == FileStatus.DONE
    archive = coordinator.client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert _zip_opens_with(archive.content, secret)


def test_an_expired_request_forgets_the_password_and_its_zip_is_not_handed_over(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    waiting = _approved(coordinator, second_coordinator)
    _opened(coordinator, waiting, django_capture_on_commit_callbacks)
    made = _approved(coordinator, second_coordinator)
    _s, made_file = _opened(coordinator, made, django_capture_on_commit_callbacks)
    build_export_archive(made_file.pk)
    # Given both requests pass their time, one still waiting for its job
    past = timezone.now() - timedelta(minutes=1)
    ExportRequest.objects.update(expires_at=past)

    assert export_requests_expire() == 2
    assert expire_files() == 1

    waiting.refresh_from_db()
    assert waiting.state == ExportState.CLOSED and _stored_password(waiting) is None
    assert waiting.prepared_file_id is not None
    assert build_export_archive(waiting.prepared_file_id) == FileStatus.FAILED
    made_file.refresh_from_db()
    assert made_file.content == "" and made_file.deleted_at is not None
    assert (
        coordinator.client.get(reverse("jobs:file_download", args=[made_file.pk])).status_code
        == 302
    )


def test_the_api_answers_202_with_the_file_url_then_the_archive_once(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    ikhlas_coordinator: Persona,
) -> None:
    export = _approved(coordinator, second_coordinator)
    client = coordinator.client

    opened = client.post(
        f"{API}/{export.pk}/open", {"password": PASSWORD}, content_type="application/json"
    )

    assert opened.status_code == 202
    body = opened.json()
    assert body["state"] == "preparing" and body["archive_password"]
    status = client.get(body["file_url"]).json()
    assert status["status"] == "QUEUED" and status["download_url"] is None
    assert client.get(f"{API}/{export.pk}").json()["file_url"] == body["file_url"]
    assert ikhlas_coordinator.client.get(body["file_url"]).status_code == 404
    assert ikhlas_coordinator.client.get(f"{API}/{export.pk}").status_code == 404
    assert client.get(body["archive_url"]).status_code == 403  # not made yet

    build_export_archive(status["id"])

    assert client.get(f"{API}/{export.pk}").json()["state"] == "ready"
    archive = client.get(body["archive_url"])
    assert archive.status_code == 200
    assert _zip_opens_with(archive.content, body["archive_password"])
    assert client.get(body["archive_url"]).status_code == 410


def test_a_zip_made_after_the_request_was_closed_is_not_kept(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = _approved(coordinator, second_coordinator)
    _secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)
    # Given the request expires (the daily job closes it) while the job builds the zip
    real_zip = export_requests.encrypted_zip

    def zip_then_expire(name: str, content: bytes, password: str) -> bytes:
        made = real_zip(name, content, password)
        ExportRequest.objects.filter(pk=export.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        export_requests_expire()
        return made

    monkeypatch.setattr(export_requests, "encrypted_zip", zip_then_expire)

    assert build_export_archive(prepared.pk) == FileStatus.FAILED

    prepared.refresh_from_db()
    export.refresh_from_db()
    assert prepared.content == "" and not prepared.ready
    assert export.state == ExportState.CLOSED and _stored_password(export) is None
    assert not AuditEvent.objects.filter(action="reports.exported_case_list").exists()
    told = Notification.objects.filter(recipient=coordinator.user)
    assert told.filter(template="file_failed").exists()
    assert not told.filter(template="file_ready").exists()


def test_the_approver_reaches_neither_the_zip_nor_its_file_and_takes_nothing_from_her(
    data: None,
    coordinator: Persona,
    second_coordinator: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the zip made for the requester, approved by another coordinator of her unit
    export = _approved(coordinator, second_coordinator)
    secret, prepared = _opened(coordinator, export, django_capture_on_commit_callbacks)
    assert build_export_archive(prepared.pk) == FileStatus.DONE
    approver = second_coordinator.client

    # When the approver tries the request's archive, the file's page and its download
    archive = approver.get(reverse("reports:export_request_archive", args=[export.pk]))
    page = approver.get(reverse("jobs:file_detail", args=[prepared.pk]))
    download = approver.get(reverse("jobs:file_download", args=[prepared.pk]))

    # Then none of them hands over the zip (the file is hers: 404 outside her), and her
    # one download is still there for her
    assert archive.status_code in (403, 404)
    assert page.status_code == 404 and download.status_code == 404
    assert b"PK" not in archive.content[:2] + download.content[:2]
    mine = coordinator.client.get(reverse("reports:export_request_archive", args=[export.pk]))
    assert mine.status_code == 200 and _zip_opens_with(mine.content, secret)
