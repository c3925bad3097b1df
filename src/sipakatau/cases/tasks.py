"""Jobs of the cases app, run by the queue (sipakatau.jobs schedules them)."""

from .services.deadlines import deadlines_escalate
from .services.drafts import stale_intake_drafts_remove


def escalate_deadlines() -> int:
    """Tell coordinators about overdue deadlines, once each. Returns how many."""
    return deadlines_escalate()


def remove_stale_intake_drafts() -> int:
    """Remove intake drafts never completed in time. Returns how many."""
    return len(stale_intake_drafts_remove())
