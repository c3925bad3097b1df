"""Jobs of the reports app, run by the queue (sipakatau.jobs schedules them)."""

from .rollup import rollups_refresh
from .services.export_requests import export_archive_run, export_requests_expire
from .services.monthly import monthly_report_generate, monthly_reports_escalate


def monthly_reports() -> dict[str, int]:
    """Daily: draft the past month's reports (on the 1st; idempotent on other days), tell
    coordinators about late ones, close expired export requests."""
    return {
        "drafted": len(monthly_report_generate()),
        "escalated": monthly_reports_escalate(),
        "expired": export_requests_expire(),
    }


def refresh_statistics(everything: bool = False) -> int:
    """Count again the unit-months a change made out of date (``everything``: all of them)."""
    return rollups_refresh(everything=everything)


def build_export_archive(file_pk: int) -> str:
    """Make the encrypted zip of an opened export request (services.export_requests): the
    queue carries the file's pk only, never the zip's password. A second run does nothing."""
    return export_archive_run(file_pk)
