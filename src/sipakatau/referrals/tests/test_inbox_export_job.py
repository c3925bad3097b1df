"""The inbox export as a job (issue 20): the officer asks, waits on a page that reloads
itself, is told when the file is ready, and downloads it once from a page that only she
reaches; the file waits encrypted and is deleted when downloaded or expired. The job's
function is run here as the queue would run it (tests/test_import_job_cluster.py runs a
real cluster for the import)."""

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.jobs.models import FileStatus, PreparedFile
from sipakatau.jobs.services import prepared_files_expire
from sipakatau.notifications.models import Notification
from sipakatau.notifications.templates import render
from sipakatau.referrals.models import Referral
from sipakatau.referrals.tasks import export_inbox
from tests.factories import Persona, make_persona

from .support import case_with_victim, consent_for_referral, provider_for, refer

pytestmark = [pytest.mark.usefixtures("in_english"), pytest.mark.english]

REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture
def to_dinsos(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


@pytest.fixture
def to_puskesmas(bahagia_caseworker: Persona, puskesmas: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Rini Lestari")
    consent_for_referral(worker, case, victim, OrganisationType.PUSKESMAS)
    return refer(worker, case, provider_for(puskesmas))


@pytest.fixture
def puskesmas_officer(puskesmas: Organisation) -> Persona:
    return make_persona(puskesmas, Role.AGENCY_OFFICER, username="puskesmas.petugas")


def _ask(client: Any) -> PreparedFile:
    response = client.post(reverse("referrals:inbox_export"))
    prepared = PreparedFile.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:file_detail", args=[prepared.pk])
    return prepared


def test_the_officer_waits_on_a_progress_page_and_downloads_her_organisations_file_once(
    to_dinsos: Referral,
    to_puskesmas: Referral,
    dinsos_officer: Persona,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = dinsos_officer.client
    # Given the officer pressed Export: the job waits in the queue once the request commits
    with django_capture_on_commit_callbacks(execute=True):
        prepared = _ask(client)
    waiting = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()
    assert OrmQ.objects.count() == 1
    assert prepared.status == FileStatus.QUEUED and prepared.membership == dinsos_officer.membership
    assert REFRESH in waiting and "<progress" in waiting and "Download" not in waiting

    # When the job runs
    assert export_inbox(prepared.pk) == FileStatus.DONE

    # Then the file waits encrypted, and she is told in words that name nobody
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM jobs_preparedfile WHERE id = %s", [prepared.pk])
        (stored,) = cursor.fetchone()
    plain = PreparedFile.objects.get(pk=prepared.pk).content
    assert to_dinsos.register_number in base64.b64decode(plain).decode("utf-8")
    assert stored and stored != plain and plain not in stored
    (note,) = Notification.objects.filter(recipient=dinsos_officer.user)
    text = render(note.template, note.context)
    assert note.template == "file_ready" and note.context["link"] == reverse(
        "jobs:file_detail", args=[prepared.pk]
    )
    assert "Wati" not in text and to_dinsos.register_number not in text
    ready = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()
    assert REFRESH not in ready and reverse("jobs:file_download", args=[prepared.pk]) in ready

    # And the download holds her organisation's referrals only, shared fields only
    download = client.get(reverse("jobs:file_download", args=[prepared.pk]))
    body = download.content.decode("utf-8")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="rujukan-')
    assert body.startswith("\ufeffReferral number;")
    assert to_dinsos.register_number in body and "Wati" in body and "Kusuma" not in body
    assert to_puskesmas.register_number not in body and "Rini" not in body
    # Once: the file is gone from the server, the page says so
    prepared.refresh_from_db()
    assert prepared.content == "" and prepared.downloaded_at is not None
    again = client.get(reverse("jobs:file_download", args=[prepared.pk]))
    assert again.status_code == 302
    assert "no longer here" in client.get(again["Location"]).content.decode()
    assert list(
        AuditEvent.objects.filter(object_type="jobs.preparedfile").values_list("action", flat=True)
    ) == ["jobs.file_requested", "jobs.file_ready", "jobs.file_downloaded"]
    assert AuditEvent.objects.filter(action="referral.exported").count() == 1


def test_nobody_else_reaches_the_file(
    to_dinsos: Referral,
    dinsos: Organisation,
    dinsos_officer: Persona,
    puskesmas_officer: Persona,
) -> None:
    prepared = _ask(dinsos_officer.client)
    export_inbox(prepared.pk)
    colleague = make_persona(dinsos, Role.AGENCY_OFFICER, username="dinsos.rekan")

    for outsider in (puskesmas_officer, colleague):
        for name in ("jobs:file_detail", "jobs:file_download"):
            assert outsider.client.get(reverse(name, args=[prepared.pk])).status_code == 404
        assert outsider.client.get(f"/api/v1/files/{prepared.pk}").status_code == 404
        assert outsider.client.get(f"/api/v1/files/{prepared.pk}/download").status_code == 404
    prepared.refresh_from_db()
    assert prepared.content != "" and prepared.downloaded_at is None


def test_the_file_of_another_organisation_lists_only_its_own_referrals(
    to_dinsos: Referral, to_puskesmas: Referral, puskesmas_officer: Persona
) -> None:
    prepared = _ask(puskesmas_officer.client)
    export_inbox(prepared.pk)
    body = puskesmas_officer.client.get(reverse("jobs:file_download", args=[prepared.pk]))
    text = body.content.decode("utf-8")
    assert to_puskesmas.register_number in text and "Rini" in text
    assert to_dinsos.register_number not in text and "Wati" not in text


def test_a_second_run_of_the_job_does_nothing(to_dinsos: Referral, dinsos_officer: Persona) -> None:
    prepared = _ask(dinsos_officer.client)
    export_inbox(prepared.pk)
    assert export_inbox(prepared.pk) == FileStatus.DONE
    assert Notification.objects.filter(recipient=dinsos_officer.user).count() == 1
    assert AuditEvent.objects.filter(action="referral.exported").count() == 1


def test_a_role_taken_away_before_the_job_runs_stops_it(
    to_dinsos: Referral, dinsos_officer: Persona
) -> None:
    prepared = _ask(dinsos_officer.client)
    Membership.objects.filter(pk=dinsos_officer.membership.pk).update(role=Role.AUDITOR)

    assert export_inbox(prepared.pk) == FileStatus.FAILED

    prepared.refresh_from_db()
    assert prepared.content == ""
    assert not AuditEvent.objects.filter(action="referral.exported").exists()
    (note,) = Notification.objects.filter(recipient=dinsos_officer.user)
    assert note.template == "file_failed"


def test_a_file_not_downloaded_in_time_is_deleted(
    to_dinsos: Referral, dinsos_officer: Persona
) -> None:
    prepared = _ask(dinsos_officer.client)
    export_inbox(prepared.pk)
    prepared.refresh_from_db()
    assert prepared.expires_at is not None

    assert prepared_files_expire(prepared.expires_at - timedelta(minutes=1)) == 0
    assert prepared_files_expire(prepared.expires_at) == 1

    prepared.refresh_from_db()
    assert prepared.content == "" and not prepared.ready
    client = dinsos_officer.client
    assert client.get(reverse("jobs:file_download", args=[prepared.pk])).status_code == 302
    page = client.get(reverse("jobs:file_detail", args=[prepared.pk])).content.decode()
    assert "downloaded or has expired" in page


def test_a_file_past_its_time_is_not_handed_over_before_the_expiry_job_ran(
    to_dinsos: Referral, dinsos_officer: Persona
) -> None:
    prepared = _ask(dinsos_officer.client)
    export_inbox(prepared.pk)
    PreparedFile.objects.filter(pk=prepared.pk).update(expires_at=timezone.now())

    response = dinsos_officer.client.get(reverse("jobs:file_download", args=[prepared.pk]))

    assert response.status_code == 302


def test_the_api_answers_202_with_a_status_url_then_the_download(
    to_dinsos: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    client = dinsos_officer.client
    asked = client.post("/api/v1/referrals/received/export")
    assert asked.status_code == 202
    status = asked.json()
    assert status["status"] == "QUEUED" and status["download_url"] is None
    assert client.get(f"/api/v1/files/{status['id']}/download").status_code == 409

    export_inbox(status["id"])

    done = client.get(status["url"]).json()
    assert done["status"] == "DONE" and done["done"] == done["total"] == 1
    body = client.get(done["download_url"]).content.decode("utf-8")
    assert to_dinsos.register_number in body
    assert client.get(done["download_url"]).status_code == 410
    refused = bahagia_caseworker.client.post("/api/v1/referrals/received/export")
    assert refused.status_code == 403
