"""An escalation that told someone sends the outbox at once."""

import pytest
from django_q.models import OrmQ, Task

from sipakatau.jobs.hooks import OUTBOX, deliver_at_once, told_someone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("result", "told"),
    [(0, False), (3, True), (None, False), (True, False), ({"drafted": 0, "escalated": 2}, True)],
)
def test_told_someone(result: object, told: bool) -> None:
    assert told_someone(result) is told


def test_an_escalation_that_told_someone_enqueues_the_outbox(settings: object) -> None:
    deliver_at_once(Task(success=True, result=0, name="quiet"))
    assert OrmQ.objects.count() == 0
    deliver_at_once(Task(success=True, result=2, name="told"))
    queued = [entry.func() for entry in OrmQ.objects.all()]
    assert queued == [OUTBOX]
