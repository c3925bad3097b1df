"""Submissions: imported from KoBoToolbox / ODK Central, or entered in the app."""

import base64
import hashlib
import itertools
import logging
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.jobs.services import claim_queued, stuck_after, stuck_rows
from sipakatau.notifications.services import notify

from .. import kobo
from ..answers import coerce
from ..models import (
    ImportFailure,
    ImportFile,
    ImportRun,
    ImportStatus,
    Questionnaire,
    Submission,
    SubmissionSource,
)
from ..queries import may_enter_response, may_import_submissions
from .common import lists_of, require, specs_of

# The report keeps at most this many rejected rows: enough to fix a file, not a copy of it.
MAX_REJECTED_LISTED = 500

logger = logging.getLogger(__name__)


# The job that imports a run (mapping.tasks.import_submissions).
IMPORT_TASK = "sipakatau.mapping.tasks.import_submissions"
# Rows written per transaction: the run page sees the count move between two of them.
IMPORT_BATCH = 200


def submissions_import(
    *, actor: Membership, questionnaire: Questionnaire, data: bytes, file_name: str
) -> ImportRun:
    """A file of submissions queued for import: read here (a file that is no table of the
    form is refused at once, and nothing is kept), stored encrypted until the job has
    imported it (``submissions_import_run``), the job started when this transaction
    commits. Returns the QUEUED run, whose page shows the progress."""
    require(may_import_submissions(actor, questionnaire))
    try:
        table = kobo.read_table(data, file_name)
    except kobo.ImportFileError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    with transaction.atomic():
        run = ImportRun.objects.create(
            questionnaire=questionnaire,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            source=table.source,
            imported_by=actor.user,
            status=ImportStatus.QUEUED,
            rows_total=len(table.rows),
        )
        ImportFile.objects.create(run=run, content=base64.b64encode(data).decode("ascii"))
        audit.log(actor, "mapping.submissions_imported", run, fields=["answers", "private"])
        pk = run.pk
        transaction.on_commit(lambda: async_task(IMPORT_TASK, pk, group="mapping import"))
    return run


def submissions_import_run(run_pk: int) -> str:
    """Import the rows of a QUEUED run, IMPORT_BATCH at a time, each batch in its own
    transaction; then DONE (or FAILED, with a reason naming no value), the stored file
    deleted and the uploader told. A run already claimed (the job sent twice) is left
    alone: returns the run's status as it found or left it."""
    run, found = claim_queued(
        ImportRun.objects.select_related("questionnaire__kelurahan", "imported_by"), run_pk
    )
    if run is None:
        return found
    try:
        _import_rows(run)
    except kobo.ImportFileError:
        _finish(run, ImportFailure.UNREADABLE)
    except _NoFile:
        _finish(run, ImportFailure.MISSING)
    except Exception as exc:  # the reason is kept as a code; the message may hold values
        logger.error("Import run %s stopped: %s", run.pk, type(exc).__name__)
        _finish(run, ImportFailure.ERROR)
    else:
        _finish(run, "")
    return run.status


class _NoFile(Exception):
    pass


def _import_rows(run: ImportRun) -> None:
    upload = ImportFile.objects.filter(run=run).first()
    if upload is None:
        raise _NoFile
    data = base64.b64decode(upload.content)
    table = kobo.read_table(data, run.file_name)
    del data, upload
    questionnaire = run.questionnaire
    rows = kobo.rows(table, specs_of(questionnaire), lists_of(questionnaire))
    run.rows_total = len(table.rows)
    rejected: list[dict[str, Any]] = []
    seen: set[str] = set()
    while batch := list(itertools.islice(rows, IMPORT_BATCH)):
        with transaction.atomic():
            # One import of a form at a time between the check of its keys and the insert.
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
            keys = {row.key for row in batch if not row.reasons}
            # Key → the run that imported it: a run queued again after its worker died
            # finds its own rows of the first attempt, and counts them as added.
            known = dict(
                Submission.objects.filter(questionnaire=questionnaire, source_key__in=keys)
                .exclude(source_key="")
                .values_list("source_key", "import_run_id")
            )
            new: list[Submission] = []
            now = timezone.now()
            for row in batch:
                if row.reasons:
                    rejected.append({"row": row.number, "reasons": row.reasons})
                    run.rows_rejected += 1
                    continue
                if row.key in known and known[row.key] == run.pk and row.key not in seen:
                    seen.add(row.key)
                    run.rows_created += 1
                    continue
                if row.key in known or row.key in seen:
                    run.rows_duplicate += 1
                    continue
                seen.add(row.key)
                new.append(
                    Submission(
                        questionnaire=questionnaire,
                        rw=row.rw,
                        rt=row.rt,
                        submitted_at=row.submitted_at or now,
                        source=run.source,
                        source_key=row.key,
                        import_run=run,
                        answers=row.answers,
                        private=row.private,
                    )
                )
            Submission.objects.bulk_create(new)
            run.rows_created += len(new)
            run.rows_done += len(batch)
            run.rejected = rejected[:MAX_REJECTED_LISTED]
            run.heartbeat_at = timezone.now()
            run.save(update_fields=[*_COUNTS, "rejected", "heartbeat_at"])


_COUNTS = ["rows_total", "rows_done", "rows_created", "rows_duplicate", "rows_rejected"]


def _finish(run: ImportRun, failure: str) -> None:
    """DONE or FAILED, the file gone, the uploader told: all or nothing."""
    questionnaire = run.questionnaire
    with transaction.atomic():
        ImportFile.objects.filter(run=run).delete()
        run.status = ImportStatus.FAILED if failure else ImportStatus.DONE
        run.failure = failure
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure", "finished_at"])
        if failure:
            audit.log(None, "mapping.submissions_import_failed", run)
        else:
            audit.log(None, "mapping.submissions_import_done", run)
        notify(
            users=[run.imported_by],
            template="submissions_import_failed" if failure else "submissions_import_done",
            context={
                "unit_name": questionnaire.kelurahan.name,
                "count": run.rows_created,
                "link": reverse("mapping:import_run_detail", args=[run.pk]),
            },
        )


def submissions_import_requeue(now: datetime | None = None) -> int:
    """Queue again the runs whose job died (``jobs.services.stuck_after``): RUNNING with no
    batch for that long goes back to QUEUED with its counts from zero (the rows it added
    stay and are counted again as added, never twice); QUEUED for that long is sent again
    (the queue lost it; if not, the second job finds the run claimed and does nothing).
    The stored file is still there: only a finished run deletes it. Returns how many."""
    before = (now or timezone.now()) - stuck_after()
    with transaction.atomic():
        stuck = list(
            ImportRun.objects.select_for_update().filter(
                stuck_rows(before, queued_at="imported_at")
            )
        )
        for run in stuck:
            run.status = ImportStatus.QUEUED
            for name in _COUNTS[1:]:
                setattr(run, name, 0)
            run.rejected = []
            # Counted from now, so a run is not sent again at every pass of this job.
            run.heartbeat_at = timezone.now()
            run.save(update_fields=["status", *_COUNTS[1:], "rejected", "heartbeat_at"])
            audit.log(None, "mapping.submissions_import_requeued", run)
            transaction.on_commit(partial(async_task, IMPORT_TASK, run.pk, group="mapping import"))
    if stuck:
        logger.warning("Import runs queued again after a worker died: %s", len(stuck))
    return len(stuck)


@transaction.atomic
def submission_record(
    *,
    actor: Membership,
    questionnaire: Questionnaire,
    rw: str,
    rt: str,
    answers: dict[str, Any],
    household_id: int | None = None,
    key: str = "",
) -> Submission:
    """One respondent's answers entered in the app (``key`` makes a resend harmless)."""
    require(may_enter_response(actor, questionnaire))
    if key:
        existing = Submission.objects.filter(questionnaire=questionnaire, source_key=key).first()
        if existing is not None:
            return existing
    errors: list[str] = []
    coded: dict[str, Any] = {}
    private: dict[str, Any] = {}
    lists = lists_of(questionnaire)
    questions = specs_of(questionnaire)
    # The form's own RW/RT questions (the template's lokasi/rw, lokasi/rt) take the place.
    answers = dict(answers)
    for question in questions:
        if question.name in ("rw", "rt") and question.path not in answers:
            answers[question.path] = rw if question.name == "rw" else rt
    for question in questions:
        if question.type not in kobo.ASKED or question.type == "note" or question.repeat_path:
            continue
        items = lists.get(question.list_name, [])
        raw = answers.get(question.path, "")
        checked = coerce(
            question,
            raw if isinstance(raw, list) else str(raw if raw is not None else ""),
            dict(items),
            {label.lower(): value for value, label in items},
        )
        if checked.reason:
            errors.append(checked.reason)
        elif checked.value not in (None, []):
            (private if question.personal else coded)[question.path] = checked.value
    rw_code, rt_code = kobo._rt_rw(str(rw)), kobo._rt_rw(str(rt))
    if not rw_code or not rt_code:
        errors.append(_("Write the RT and RW numbers."))
    if errors:
        raise ValidationError(errors)
    submission = Submission.objects.create(
        questionnaire=questionnaire,
        rw=rw_code,
        rt=rt_code,
        household_id=household_id,
        enumerator=actor.user,
        submitted_at=timezone.now(),
        source=SubmissionSource.APP,
        source_key=key[:100],
        answers=coded,
        private=private,
    )
    audit.log(actor, "mapping.submission_recorded", submission, fields=["answers", "private"])
    return submission
