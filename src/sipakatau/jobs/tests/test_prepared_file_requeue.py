"""A prepared file whose job died (RUNNING and silent, or QUEUED and lost by the queue) is
queued again (``jobs.tasks.requeue_stuck_files``, every five minutes) and completes; one
whose job is merely busy is left alone. The referral inbox export is the job here."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.jobs.models import FileStatus, PreparedFile
from sipakatau.jobs.services import stuck_after
from sipakatau.jobs.tasks import requeue_stuck_files
from sipakatau.notifications.models import Notification
from sipakatau.referrals.models import Referral
from sipakatau.referrals.tasks import export_inbox
from sipakatau.referrals.tests.support import (
    case_with_victim,
    consent_for_referral,
    provider_for,
    refer,
    referral_rules,  # noqa: F401 (fixture)
)
from tests.factories import Persona


@pytest.fixture
def sent(
    bahagia_caseworker: Persona,
    dinsos: Organisation,
    referral_rules: None,  # noqa: F811
    deadline_rules: None,
) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, name="Wati Kusuma")
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


def _asked(officer: Persona) -> PreparedFile:
    officer.client.post(reverse("referrals:inbox_export"))
    return PreparedFile.objects.latest("pk")


def _long_ago() -> Any:
    return timezone.now() - stuck_after() - timedelta(minutes=1)


def test_a_file_whose_worker_died_is_queued_again_and_completes(
    sent: Referral, dinsos_officer: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a job that claimed the file and was never heard of again
    prepared = _asked(dinsos_officer)
    PreparedFile.objects.filter(pk=prepared.pk).update(
        status=FileStatus.RUNNING, done=0, total=1, heartbeat_at=_long_ago()
    )
    assert export_inbox(prepared.pk) == FileStatus.RUNNING  # claimed: the job leaves it
    waiting = OrmQ.objects.count()

    # When the re-queue job passes
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_files() == 1

    # Then it is queued again, and its job completes the file once
    prepared.refresh_from_db()
    assert prepared.status == FileStatus.QUEUED and OrmQ.objects.count() == waiting + 1
    assert export_inbox(prepared.pk) == FileStatus.DONE
    prepared.refresh_from_db()
    assert prepared.ready
    assert Notification.objects.filter(recipient=dinsos_officer.user).count() == 1
    assert requeue_stuck_files() == 0


def test_a_file_the_queue_lost_is_sent_again_once(
    sent: Referral, dinsos_officer: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    prepared = _asked(dinsos_officer)
    PreparedFile.objects.filter(pk=prepared.pk).update(created_at=_long_ago())

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_files() == 1
    assert requeue_stuck_files() == 0
    assert export_inbox(prepared.pk) == FileStatus.DONE


def test_a_busy_or_fresh_or_finished_file_is_left_alone(
    sent: Referral, dinsos_officer: Persona
) -> None:
    busy = _asked(dinsos_officer)
    PreparedFile.objects.filter(pk=busy.pk).update(
        status=FileStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    _asked(dinsos_officer)
    finished = _asked(dinsos_officer)
    export_inbox(finished.pk)
    PreparedFile.objects.filter(pk=finished.pk).update(
        created_at=_long_ago(), heartbeat_at=_long_ago()
    )
    waiting = OrmQ.objects.count()

    assert requeue_stuck_files() == 0

    assert PreparedFile.objects.get(pk=busy.pk).status == FileStatus.RUNNING
    assert OrmQ.objects.count() == waiting
