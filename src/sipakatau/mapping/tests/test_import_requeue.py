"""A run left RUNNING by a worker that died, or QUEUED when the queue lost its task, is
queued again (``services.submissions_import_requeue``, every five minutes) and then
completes; nothing is imported twice. A run that is merely busy is left alone."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from sipakatau.accounts.models import Membership
from sipakatau.audit.models import AuditEvent
from sipakatau.jobs.services import stuck_after
from sipakatau.mapping import services
from sipakatau.mapping.models import ImportFile, ImportRun, ImportStatus, Questionnaire, Submission
from sipakatau.mapping.services import submissions as submissions_service
from sipakatau.mapping.tasks import requeue_stuck_imports

from .test_analysis_pages import kobo_csv


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: the job stops between two steps."""


def _queued(analyst: Membership, questionnaire: Questionnaire) -> ImportRun:
    return services.submissions_import(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )


def _long_ago() -> Any:
    return timezone.now() - stuck_after() - timedelta(minutes=1)


def test_a_run_whose_worker_died_is_queued_again_and_completes_without_importing_twice(
    analyst: Membership,
    questionnaire: Questionnaire,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a worker that imported every row and died before it could finish the run
    run = _queued(analyst, questionnaire)

    def die(run: ImportRun, failure: str) -> None:
        raise WorkerDied

    with monkeypatch.context() as patch:
        patch.setattr(submissions_service, "_finish", die)
        with pytest.raises(WorkerDied):
            services.submissions_import_run(run.pk)
    first_attempt = set(Submission.objects.values_list("pk", flat=True))
    run.refresh_from_db()
    counted = (run.rows_created, run.rows_duplicate, run.rows_rejected)
    assert run.status == ImportStatus.RUNNING and first_attempt
    assert ImportFile.objects.filter(run=run).exists()
    # ... long enough ago that the queue has surely killed whatever still ran it
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=_long_ago())
    waiting = OrmQ.objects.count()

    # When the re-queue job passes
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_imports() == 1

    # Then the run is queued again, from zero
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_created) == (ImportStatus.QUEUED, 0, 0)
    assert OrmQ.objects.count() == waiting + 1
    assert AuditEvent.objects.filter(action="mapping.submissions_import_requeued").count() == 1
    # And its job completes: the rows of the first attempt are counted as added, not twice
    assert services.submissions_import_run(run.pk) == ImportStatus.DONE
    run.refresh_from_db()
    assert set(Submission.objects.values_list("pk", flat=True)) == first_attempt
    assert (run.rows_created, run.rows_duplicate, run.rows_rejected) == counted
    assert run.rows_created == len(first_attempt)
    assert run.rows_done == run.rows_total
    assert not ImportFile.objects.filter(run=run).exists()
    # And the next pass finds nothing to do
    assert requeue_stuck_imports() == 0


def test_a_run_that_is_busy_or_freshly_queued_is_left_alone(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    busy = _queued(analyst, questionnaire)
    ImportRun.objects.filter(pk=busy.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    _queued(analyst, questionnaire)
    waiting = OrmQ.objects.count()

    assert requeue_stuck_imports() == 0

    busy.refresh_from_db()
    assert busy.status == ImportStatus.RUNNING
    assert OrmQ.objects.count() == waiting


def test_a_run_the_queue_lost_is_sent_again_once(
    analyst: Membership, questionnaire: Questionnaire, django_capture_on_commit_callbacks: Any
) -> None:
    lost = _queued(analyst, questionnaire)
    ImportRun.objects.filter(pk=lost.pk).update(imported_at=_long_ago())

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_imports() == 1
    # Sent again now; the next passes wait another stuck_after() before sending it again.
    assert requeue_stuck_imports() == 0
    assert services.submissions_import_run(lost.pk) == ImportStatus.DONE
    assert services.submissions_import_run(lost.pk) == ImportStatus.DONE
    lost.refresh_from_db()
    assert Submission.objects.filter(import_run=lost).count() == lost.rows_created > 0
