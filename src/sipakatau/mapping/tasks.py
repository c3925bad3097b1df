"""Jobs of the needs mapping, run by the queue (django-q2, ``manage.py serve``)."""

from . import services


def import_submissions(run_pk: int) -> str:
    """The rows of an uploaded file of submissions, imported in batches with progress
    (``services.submissions_import_run``); a second run of the same job imports nothing."""
    return services.submissions_import_run(run_pk)


def requeue_stuck_imports() -> int:
    """Runs whose worker died, queued again (``services.submissions_import_requeue``)."""
    return services.submissions_import_requeue()


def build_report(file_pk: int) -> str:
    """A reader's report of an analysis, PDF or XLSX (``services.analysis_report_run``): a
    second run of the same job does nothing."""
    return services.analysis_report_run(file_pk)


def analyse(snapshot_pk: int) -> str:
    """The analysis of a questionnaire, made and kept for its page
    (``services.analysis_snapshot_run``); a second run of the same job does nothing."""
    return services.analysis_snapshot_run(snapshot_pk)


def requeue_stuck_analyses() -> int:
    """Analyses whose worker died, queued again (``services.analysis_snapshots_requeue``)."""
    return services.analysis_snapshots_requeue()
