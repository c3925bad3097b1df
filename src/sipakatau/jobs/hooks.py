"""django-q2 hooks: what happens after a job finished (in the cluster's monitor)."""

from django_q.models import Task
from django_q.tasks import async_task

OUTBOX = "sipakatau.notifications.tasks.deliver_outbox"


def told_someone(result: object) -> bool:
    """A count above 0, or counts of which one is."""
    if isinstance(result, dict):
        return any(told_someone(value) for value in result.values())
    return isinstance(result, int) and not isinstance(result, bool) and result > 0


def deliver_at_once(task: Task) -> None:
    """A job that told someone (an escalation) sends the outbox now, not at the next minute."""
    if task.success and told_someone(task.result):
        async_task(OUTBOX, group="outbox delivery")
