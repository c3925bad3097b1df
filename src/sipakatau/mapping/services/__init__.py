"""Every write of needs mapping (issue 15): one service per use case, each in its own
transaction, checking a ``may_<verb>`` predicate of ``queries.py`` and writing its audit
event with field names only."""

from .analysis import (
    analysis_export,
    analysis_report_pdf,
    gaps_report_to_directory,
    questionnaire_findings_save,
)
from .entry import draft_discard, draft_save, draft_start, draft_submit
from .questionnaires import (
    questionnaire_export,
    questionnaire_import,
    questionnaire_load_template,
    questionnaire_set_status,
)
from .report_files import analysis_report_request, analysis_report_run
from .snapshots import (
    analysis_snapshot_request,
    analysis_snapshot_run,
    analysis_snapshots_requeue,
)
from .submissions import (
    submission_record,
    submissions_import,
    submissions_import_requeue,
    submissions_import_run,
)

__all__ = [
    "analysis_export",
    "analysis_report_pdf",
    "analysis_report_request",
    "analysis_report_run",
    "analysis_snapshot_request",
    "analysis_snapshot_run",
    "analysis_snapshots_requeue",
    "draft_discard",
    "draft_save",
    "draft_start",
    "draft_submit",
    "gaps_report_to_directory",
    "questionnaire_export",
    "questionnaire_findings_save",
    "questionnaire_import",
    "questionnaire_load_template",
    "questionnaire_set_status",
    "submission_record",
    "submissions_import",
    "submissions_import_requeue",
    "submissions_import_run",
]
