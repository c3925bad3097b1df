"""How often each timed step of an issued mechanism met its deadline, over the cases it
governs: the evidence the kelurahan brings to the next revision (issue 7).

Counts only, never a case: a kelurahan officer sees it, who must not see identities."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from sipakatau.mechanisms.codes import Trigger
from sipakatau.mechanisms.models import MechanismVersion

from .deadline_tally import CASES
from .models import CaseDeadline, DeadlineTally, Status

# A step that only some kinds of violence start (police forwarding: sexual violence, UU
# 12/2022 Pasal 41) counts those cases in one kelurahan. With one or two, whoever saw a
# neighbour go to the posko learns what she reported; so below SMALL_CELL (zero included)
# the page shows "fewer than 3" and no figure (DESIGN §5: small cells suppressed). Steps
# every case has (first contact, assessment, follow-up) say how the unit worked, not
# what happened.
SMALL_CELL = 3
TRIGGERS_BY_VIOLENCE = frozenset({Trigger.SEXUAL_VIOLENCE_RECORDED})


@dataclass(frozen=True)
class StepCompliance:
    position: int
    title: str
    action: str
    total: int
    on_time: int
    late: int
    overdue: int  # still open and past due, the case not closed
    pending: int  # still open, not yet due
    closed_unmet: int  # the case closed without the action recorded
    suppressed: bool = False  # fewer than SMALL_CELL cases of one kind of violence

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.overdue + self.closed_unmet

    @property
    def on_time_percent(self) -> int | None:
        """Of the deadlines that have come to an end (met, late or past due)."""
        return round(100 * self.on_time / self.decided) if self.decided else None


def step_counts(rule_set: str, now: datetime) -> tuple[int, dict[str, dict[str, int]]]:
    """The cases with deadlines under ``rule_set``, and per step its deadlines by outcome.
    Two queries, each reading few rows however many cases there are: the counts kept by
    the writers (``deadline_tally``), and the open deadlines not yet due (the pending
    ones, through the index on ``(met_at, due_at)``); the other open ones are overdue."""
    tallies = {tally.code: tally for tally in DeadlineTally.objects.filter(rule_set=rule_set)}
    pending = dict(
        CaseDeadline.objects.filter(case__rule_set=rule_set, met_at__isnull=True, due_at__gte=now)
        .exclude(case__status=Status.CLOSED)
        .values("code")
        .annotate(pending=Count("pk"))
        .values_list("code", "pending")
    )
    rows = {
        code: {
            "total": tally.total,
            "on_time": tally.on_time,
            "late": tally.late,
            "overdue": tally.open - pending.get(code, 0),
            "pending": pending.get(code, 0),
            "closed_unmet": tally.closed_unmet,
        }
        for code, tally in tallies.items()
        if code != CASES
    }
    return (tallies[CASES].total if CASES in tallies else 0), rows


def mechanism_compliance(
    version: MechanismVersion, now: datetime | None = None
) -> tuple[int, list[StepCompliance]]:
    """The number of cases the version governs, and per timed step its deadlines."""
    cases, rows = step_counts(version.rule_set, now or timezone.now())
    steps = []
    for step in version.steps.exclude(action="").order_by("position"):
        row: dict[str, Any] = dict(rows.get(step.action) or {})
        steps.append(
            StepCompliance(
                position=step.position,
                title=step.title,
                action=step.action,
                total=row.get("total", 0),
                on_time=row.get("on_time", 0),
                late=row.get("late", 0),
                overdue=row.get("overdue", 0),
                pending=row.get("pending", 0),
                closed_unmet=row.get("closed_unmet", 0),
                # None is told apart from one or two: "0" beside "1 case" would say
                # as much as "1".
                suppressed=step.trigger in TRIGGERS_BY_VIOLENCE
                and row.get("total", 0) < SMALL_CELL,
            )
        )
    return cases, steps
