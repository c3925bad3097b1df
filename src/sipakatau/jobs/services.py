"""Writes of prepared files: queued by an app's own service (which checks its permission
first), run by that app's job through ``prepared_file_run``, downloaded once by the person
who asked, expired, and queued again when a worker died under them."""

import base64
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django_q.tasks import async_task

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.notifications.services import notify

from .models import FileStatus, PreparedFile

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=Model)

# How long a ready file waits for its download before it is deleted.
KEEP_FOR = timedelta(hours=24)

Progress = Callable[[int, int], None]
Build = Callable[[PreparedFile, Progress], bytes]
# Called in the transaction that stores the file (True: made) or marks it FAILED (False),
# before the row is saved: what the asking app must change together with it (forget a
# password the job needed, shorten ``expires_at`` to its own deadline). Returns whether
# the file is kept: False turns a made file into FAILED (its request closed meanwhile).
Finished = Callable[[PreparedFile, bool], bool]


def stuck_after() -> timedelta:
    """A job silent for longer than the queue lets any job run is dead: django-q2 has
    killed it (``Q_CLUSTER["timeout"]``) or its worker died. Queuing it again then can
    never make two workers run it at once."""
    return timedelta(seconds=int(str(settings.Q_CLUSTER["timeout"])) + 120)


def stuck_rows(before: datetime, *, queued_at: str) -> Q:
    """The rows of a job-backed model (a ``status`` of QUEUED/RUNNING and a
    ``heartbeat_at``) whose job is dead: RUNNING with no step since ``before``, or QUEUED
    since before it (``queued_at`` names the model's creation time) and not sent again
    since. For ``PreparedFile`` and ``mapping.ImportRun`` alike."""
    return Q(status="RUNNING", heartbeat_at__lt=before) | (
        Q(status="QUEUED", **{f"{queued_at}__lt": before})
        & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=before))
    )


def claim_queued(rows: QuerySet[M], pk: int) -> tuple[M | None, str]:
    """The job's row, locked, moved from QUEUED to RUNNING (its heartbeat now), for one of
    the job-backed models (``PreparedFile``, ``mapping.ImportRun``,
    ``mapping.AnalysisSnapshot``). A row already claimed (the job sent twice) or gone is
    left alone: (None, its status or "MISSING"), for the job to return. Only the job's row
    is locked: rows ``select_related`` brings along (an import's questionnaire and its
    uploader) stay free for the pages that lock them."""
    with transaction.atomic():
        row = rows.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None:
            return None, "MISSING"
        status = str(row.status)  # type: ignore[attr-defined]
        if status != "QUEUED":
            return None, status
        row.status = "RUNNING"  # type: ignore[attr-defined]
        row.heartbeat_at = timezone.now()  # type: ignore[attr-defined]
        row.save(update_fields=["status", "heartbeat_at"])
    return row, "RUNNING"


def prepared_file_queue(
    *, actor: Membership, kind: str, task: str, file_name: str, content_type: str
) -> PreparedFile:
    """A file to prepare for ``actor``, its job (``task``, called with the row's pk)
    started when the caller's transaction commits. The caller has checked that the actor
    may have this file."""
    with transaction.atomic():
        prepared = PreparedFile.objects.create(
            kind=kind,
            task=task,
            membership=actor,
            language=translation.get_language() or "",
            file_name=file_name[:100],
            content_type=content_type,
        )
        audit.log(actor, "jobs.file_requested", prepared)
        _queue_on_commit(prepared)
    return prepared


def _queue_on_commit(prepared: PreparedFile) -> None:
    task, pk, kind = prepared.task, prepared.pk, prepared.kind
    transaction.on_commit(lambda: async_task(task, pk, group=kind))


def prepared_file_run(pk: int, build: Build, finished: Finished | None = None) -> str:
    """Claim a QUEUED file, build it (``build`` reports its progress), store it encrypted
    and tell its owner; a file already claimed (the job sent twice) is left alone. Returns
    the status as found or left. ``finished`` runs in the transaction that ends the run."""
    prepared, found = claim_queued(PreparedFile.objects.all(), pk)
    if prepared is None:
        return found

    def progress(done: int, total: int) -> None:
        PreparedFile.objects.filter(pk=pk).update(
            done=done, total=total, heartbeat_at=timezone.now()
        )

    try:
        with translation.override(prepared.language or None):
            data = build(prepared, progress)
    except Exception as exc:  # the message may hold values: only its type is logged
        logger.error("Prepared file %s stopped: %s", pk, type(exc).__name__)
        _finish(prepared, None, finished)
    else:
        _finish(prepared, data, finished)
    return prepared.status


def _finish(prepared: PreparedFile, data: bytes | None, finished: Finished | None) -> None:
    """DONE with the file, or FAILED; the owner told either way: all or nothing."""
    now = timezone.now()
    with transaction.atomic():
        prepared.refresh_from_db(fields=["done", "total"])
        prepared.finished_at = now
        if data is not None:
            prepared.expires_at = now + KEEP_FOR
        # The asking app may shorten ``expires_at``, or refuse a file made too late.
        if finished is not None and not finished(prepared, data is not None):
            data = None
        if data is None:
            prepared.status = FileStatus.FAILED
            prepared.expires_at = None
        else:
            prepared.status = FileStatus.DONE
            prepared.content = base64.b64encode(data).decode("ascii")
            prepared.done = prepared.total = max(prepared.total, prepared.done)
        prepared.save()
        audit.log(None, "jobs.file_ready" if data is not None else "jobs.file_failed", prepared)
        membership = Membership.objects.select_related("user", "organisation").get(
            pk=prepared.membership_id
        )
        notify(
            users=[membership.user],
            template="file_ready" if data is not None else "file_failed",
            context={
                "unit_name": membership.organisation.name,
                "count": _hours_left(prepared, now),
                "link": reverse("jobs:file_detail", args=[prepared.pk]),
            },
        )


def _hours_left(prepared: PreparedFile, now: datetime) -> int:
    left = (prepared.expires_at - now) if prepared.expires_at else KEEP_FOR
    return max(1, int(left.total_seconds() // 3600))


def prepared_file_download(*, actor: Membership, pk: int) -> PreparedFile | None:
    """The ready file of ``actor`` (its content still set on the returned row), deleted
    from the database in the same transaction: a file is downloaded once. None when it is
    not ready (still running, failed, downloaded or expired)."""
    with transaction.atomic():
        prepared = PreparedFile.objects.select_for_update().get(pk=pk, membership=actor)
        if not prepared.ready:
            return None
        content = prepared.content
        prepared.content = ""
        prepared.downloaded_at = prepared.deleted_at = timezone.now()
        prepared.save(update_fields=["content", "downloaded_at", "deleted_at"])
        audit.log(actor, "jobs.file_downloaded", prepared)
    prepared.content = content
    return prepared


def prepared_file_end(*, pk: int, at: datetime) -> None:
    """The file is no longer handed over after ``at`` (the asking app's own deadline
    passed: its request closed); the hourly expiry deletes it."""
    PreparedFile.objects.filter(pk=pk, status=FileStatus.DONE, expires_at__gt=at).update(
        expires_at=at
    )


def prepared_files_expire(now: datetime | None = None) -> int:
    """Delete the content of ready files past their time. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            PreparedFile.objects.filter(
                status=FileStatus.DONE, deleted_at__isnull=True, expires_at__lte=now
            ).values_list("pk", flat=True)
        )
        PreparedFile.objects.filter(pk__in=expired).update(content="", deleted_at=now)
        for pk in expired:
            audit.log(None, "jobs.file_expired", ("jobs.preparedfile", pk))
    return len(expired)


def prepared_files_requeue(now: datetime | None = None) -> int:
    """Queue again the files whose job died: RUNNING with no step for ``stuck_after()``
    (set back to QUEUED, progress from zero), and QUEUED for as long (the queue lost the
    task, e.g. the server stopped before it was written). Sending a job that is in fact
    still waiting is harmless: the first of the two claims the file, the other finds it
    claimed. Returns how many were queued again."""
    before = (now or timezone.now()) - stuck_after()
    with transaction.atomic():
        stuck = list(
            PreparedFile.objects.select_for_update().filter(
                stuck_rows(before, queued_at="created_at")
            )
        )
        for prepared in stuck:
            prepared.status = FileStatus.QUEUED
            prepared.done = 0
            # Counted from now, so a file is not sent again at every pass of this job.
            prepared.heartbeat_at = timezone.now()
            prepared.save(update_fields=["status", "done", "heartbeat_at"])
            audit.log(None, "jobs.file_requeued", prepared)
            _queue_on_commit(prepared)
    if stuck:
        logger.warning("Prepared files queued again after a worker died: %s", len(stuck))
    return len(stuck)
