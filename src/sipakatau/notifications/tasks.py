"""Jobs of the notifications app, run by the queue (sipakatau.jobs schedules them)."""

from .worker import deliver_due


def deliver_outbox() -> int:
    """One pass over the outbox: send what is due, retry what failed. Returns the count sent."""
    return deliver_due()
