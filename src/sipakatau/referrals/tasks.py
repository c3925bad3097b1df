"""Jobs of the referrals app, run by the queue (sipakatau.jobs schedules them)."""

from .services.escalation import referrals_escalate
from .services.exporting import inbox_export_run


def escalate_referrals() -> int:
    """Tell both sides about referrals not answered in time, once each. Returns how many."""
    return referrals_escalate()


def export_inbox(file_pk: int) -> str:
    """Prepare an officer's inbox export (services.exporting): a second run does nothing."""
    return inbox_export_run(file_pk)
