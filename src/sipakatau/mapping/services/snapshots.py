"""The analysis as a job (issue 20): asked for from the page or the API, made by the queue
(``mapping.tasks.analyse``) with progress, kept as an ``AnalysisSnapshot`` that every
reader's page shows, and the one who asked told when it is ready. A visit never computes
the analysis: at 5,000 responses that took seconds (docs/benchmarks.md)."""

import logging
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django_q.tasks import async_task

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.jobs.services import claim_queued, stuck_after, stuck_rows
from sipakatau.notifications.services import notify

from ..analysis import Analysis, Record, threshold
from ..models import ANALYSIS_PENDING, AnalysisSnapshot, AnalysisStatus, Questionnaire
from ..presentation import build_report
from ..queries import may_read_analysis, submissions_fingerprint
from ..snapshot import all_crosstabs, crosstab_count, report_result
from .common import lists_of, require, specs_of

logger = logging.getLogger(__name__)

ANALYSIS_TASK = "sipakatau.mapping.tasks.analyse"
GROUP = "mapping analysis"
# Progress is written (and the heartbeat moved) every this many responses read, and after
# the cross-tabs of each split: often enough for the bar, rarely enough to cost nothing.
ROWS_PER_STEP = 1000


def analysis_snapshot_request(
    *, actor: Membership, questionnaire: Questionnaire
) -> AnalysisSnapshot:
    """Ask for the analysis of ``questionnaire`` to be made: a QUEUED snapshot whose job
    starts when this transaction commits. The same permission as reading the analysis.
    Nothing new when a job is already waiting or running (that one is returned), nor when
    the newest analysis is of the responses as they are (it is returned, DONE): two
    requests at once queue one job (the questionnaire's row is locked, and the database
    allows one pending snapshot per questionnaire)."""
    with transaction.atomic():
        questionnaire = (
            Questionnaire.objects.select_for_update(of=("self",))
            .select_related("kelurahan")
            .get(pk=questionnaire.pk)
        )
        require(may_read_analysis(actor, questionnaire))
        snapshots = AnalysisSnapshot.objects.filter(questionnaire=questionnaire).defer(
            "result", "crosstabs"
        )
        pending = snapshots.filter(status__in=ANALYSIS_PENDING).first()
        if pending is not None:
            return pending
        count, last = submissions_fingerprint(questionnaire)
        limit = threshold()
        current = (
            snapshots.filter(status=AnalysisStatus.DONE, threshold=limit)
            .order_by("-finished_at", "-pk")
            .first()
        )
        if current is not None and (current.submission_count, current.last_submission_id) == (
            count,
            last,
        ):
            return current
        snapshot = AnalysisSnapshot.objects.create(
            questionnaire=questionnaire,
            requested_by=actor,
            language=translation.get_language() or "",
            threshold=limit,
            submission_count=count,
            last_submission_id=last,
        )
        audit.log(actor, "mapping.analysis_requested", snapshot)
        _queue_on_commit(snapshot.pk)
    return snapshot


def _queue_on_commit(pk: int) -> None:
    transaction.on_commit(partial(async_task, ANALYSIS_TASK, pk, group=GROUP))


def analysis_snapshot_run(pk: int) -> str:
    """Claim a QUEUED snapshot, make the analysis (every table, suppressed, and every
    cross-tab a reader can ask for), keep it and tell the one who asked; a snapshot
    already claimed (the job sent twice) is left alone. Returns the status as found or
    left."""
    snapshot, found = claim_queued(AnalysisSnapshot.objects.defer("result", "crosstabs"), pk)
    if snapshot is None:
        return found
    try:
        with translation.override(snapshot.language or None):
            made = _make(snapshot)
    except Exception as exc:  # the message may hold values: only its type is logged
        logger.error("Analysis %s stopped: %s", pk, type(exc).__name__)
        made = None
    _finish(snapshot, made)
    return snapshot.status


def _progress(pk: int, done: int, total: int) -> None:
    AnalysisSnapshot.objects.filter(pk=pk).update(
        done=done, total=total, heartbeat_at=timezone.now()
    )


def _make(snapshot: AnalysisSnapshot) -> tuple[dict[str, Any], dict[str, Any]]:
    """The analysis of the responses up to the highest pk there is now; the snapshot's
    fingerprint becomes that of the responses it was made from. Steps: one per response
    read, one per cross-tab made."""
    questionnaire = Questionnaire.objects.select_related("kelurahan").get(
        pk=snapshot.questionnaire_id
    )
    count, last = submissions_fingerprint(questionnaire)
    specs, lists = specs_of(questionnaire), lists_of(questionnaire)
    # Known before the rows are read: the cross-tabs are one per choice question and split,
    # and the splits do not depend on the responses.
    tables = crosstab_count(Analysis(specs, lists, []))
    total = count + tables
    _progress(snapshot.pk, 0, total)

    def records() -> Iterator[Record]:
        # Coded answers only: free text (``private``) is never read. Responses are
        # questionnaire-wide: the permission was checked when the job was asked for.
        rows = (
            questionnaire.submissions.filter(pk__lte=last)
            .order_by("pk")
            .values_list("rw", "answers")
            .iterator(2000)
        )
        for read, row in enumerate(rows, start=1):
            if read % ROWS_PER_STEP == 0:
                _progress(snapshot.pk, read, total)
            yield row

    analysis = Analysis(specs, lists, records())
    read = len(analysis.records)
    report = build_report(analysis, questionnaire.kelurahan)

    def made(n: int) -> None:
        _progress(snapshot.pk, read + n, read + tables)

    crosstabs = all_crosstabs(analysis, report.limit, made)
    snapshot.threshold = report.limit
    # A response with a lower pk committed after ``last`` was read is not counted here:
    # the count then differs from the questionnaire's, and the page says it is out of date.
    snapshot.submission_count = read
    snapshot.last_submission_id = last
    snapshot.done = snapshot.total = read + tables
    return report_result(analysis, report), crosstabs


def _finish(snapshot: AnalysisSnapshot, made: tuple[dict[str, Any], dict[str, Any]] | None) -> None:
    """DONE with the analysis, or FAILED; the one who asked told either way, all or
    nothing. A new analysis replaces the older ones of its questionnaire (they are
    deleted: only the newest is ever shown)."""
    with transaction.atomic():
        snapshot.finished_at = timezone.now()
        fields = ["status", "finished_at"]
        if made is None:
            snapshot.status = AnalysisStatus.FAILED
        else:
            snapshot.status = AnalysisStatus.DONE
            snapshot.result, snapshot.crosstabs = made
            fields += [
                "result",
                "crosstabs",
                "threshold",
                "submission_count",
                "last_submission_id",
                "done",
                "total",
            ]
        snapshot.save(update_fields=fields)
        if made is not None:
            AnalysisSnapshot.objects.filter(
                questionnaire_id=snapshot.questionnaire_id,
                status__in=[AnalysisStatus.DONE, AnalysisStatus.FAILED],
            ).exclude(pk=snapshot.pk).delete()
        audit.log(
            None,
            "mapping.analysis_done" if made is not None else "mapping.analysis_failed",
            snapshot,
        )
        asker = None
        if snapshot.requested_by_id is not None:
            asker = Membership.objects.select_related("user").get(pk=snapshot.requested_by_id)
        if asker is not None:
            questionnaire = Questionnaire.objects.select_related("kelurahan").get(
                pk=snapshot.questionnaire_id
            )
            notify(
                users=[asker.user],
                template="analysis_ready" if made is not None else "analysis_failed",
                context={
                    "unit_name": questionnaire.kelurahan.name,
                    "link": reverse("mapping:analysis", args=[questionnaire.pk]),
                },
            )


def analysis_snapshots_requeue(now: datetime | None = None) -> int:
    """Queue again the analyses whose job died (``jobs.services.stuck_after``): RUNNING
    with no step for that long goes back to QUEUED, its progress from zero; QUEUED for
    that long is sent again (the queue lost it; if not, the second job finds it claimed
    and does nothing). Returns how many."""
    before = (now or timezone.now()) - stuck_after()
    with transaction.atomic():
        stuck = list(
            AnalysisSnapshot.objects.select_for_update()
            .defer("result", "crosstabs")
            .filter(stuck_rows(before, queued_at="created_at"))
        )
        for snapshot in stuck:
            snapshot.status = AnalysisStatus.QUEUED
            snapshot.done = 0
            # Counted from now, so a job is not sent again at every pass of this one.
            snapshot.heartbeat_at = timezone.now()
            snapshot.save(update_fields=["status", "done", "heartbeat_at"])
            audit.log(None, "mapping.analysis_requeued", snapshot)
            _queue_on_commit(snapshot.pk)
    if stuck:
        logger.warning("Analyses queued again after a worker died: %s", len(stuck))
    return len(stuck)
