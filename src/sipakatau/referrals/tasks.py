"""Jobs of the referrals app, run by the queue (sipakatau.jobs schedules them)."""

from .services.escalation import referrals_escalate


def escalate_referrals() -> int:
    """Tell both sides about referrals not answered in time, once each. Returns how many."""
    return referrals_escalate()
