"""The deadline counts a mechanism's monitoring page reads (``DeadlineTally``), kept
current in the transaction of every write that changes them, so that the page reads a
few rows however many cases the mechanism governed (issue 19).

A write that touches a case's deadlines or its status runs inside ``tally_kept(case)``:
the case's share of the counts is read before and after (its own deadlines, a handful of
rows), and the difference is added to the rule set's rows with ``F()`` increments, which
the database applies under the row's lock, so two writers never lose each other's count.
The writes are: deadlines created (``deadlines_on_trigger``) or met (``deadlines_meet``),
a case closed or reopened (``workflow._set_status``) and a draft removed. Moving an open
deadline's due date (a new risk level) or escalating it changes no count here: pending
and overdue are told apart when read (``monitoring.mechanism_compliance``).

``tally_rebuild`` counts everything again (``manage.py refresh_deadline_tallies``, and
the migration that created the table): after data were loaded around the services.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q

from .models import Case, CaseDeadline, DeadlineTally, Status

FIELDS = ("total", "on_time", "late", "open", "closed_unmet")
CASES = ""  # the code of the row whose ``total`` counts the cases with any deadline

Share = Counter[tuple[str, str, str]]  # (rule set, code, field) -> count


def _share(case_id: int) -> Share:
    """What one case adds to the counts, as the database holds it now."""
    share: Share = Counter()
    rows = CaseDeadline.objects.filter(case_id=case_id).values_list(
        "code", "due_at", "met_at", "case__status", "case__rule_set"
    )
    for code, due_at, met_at, status, rule_set in rows:
        share[rule_set, code, "total"] += 1
        if met_at is not None:
            share[rule_set, code, "on_time" if met_at <= due_at else "late"] += 1
        elif status == Status.CLOSED:
            share[rule_set, code, "closed_unmet"] += 1
        else:
            share[rule_set, code, "open"] += 1
        share[rule_set, CASES, "total"] = 1
    return share


def _add(difference: dict[tuple[str, str, str], int]) -> None:
    by_row: dict[tuple[str, str], dict[str, int]] = {}
    for (rule_set, code, field), amount in difference.items():
        if amount:
            by_row.setdefault((rule_set, code), {})[field] = amount
    for (rule_set, code), amounts in sorted(by_row.items()):
        increments = {field: F(field) + amount for field, amount in amounts.items()}
        rows = DeadlineTally.objects.filter(rule_set=rule_set, code=code)
        if rows.update(**increments):
            continue
        try:
            with transaction.atomic():
                DeadlineTally.objects.create(rule_set=rule_set, code=code, **amounts)
        except IntegrityError:
            # Another writer created the row meanwhile: add to it.
            rows.update(**increments)


@contextmanager
def tally_kept(case: Case) -> Iterator[None]:
    """Keep the counts current across the writes of the block (inside a transaction)."""
    case_id = case.pk  # a deleted case loses its pk
    before = _share(case_id)
    yield
    after = _share(case_id)
    _add({key: after[key] - before[key] for key in before.keys() | after.keys()})


def counted(deadlines: Any) -> dict[tuple[str, str], dict[str, int]]:
    """The counts of ``deadlines`` (a CaseDeadline queryset) by rule set and step, counted
    over the rows."""
    open_ = Q(met_at__isnull=True)
    closed = Q(case__status=Status.CLOSED)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in deadlines.values("case__rule_set", "code").annotate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
        open=Count("pk", filter=open_ & ~closed),
        closed_unmet=Count("pk", filter=open_ & closed),
    ):
        counts[row["case__rule_set"], row["code"]] = {field: row[field] for field in FIELDS}
    for row in deadlines.values("case__rule_set").annotate(cases=Count("case", distinct=True)):
        counts[row["case__rule_set"], CASES] = dict.fromkeys(FIELDS, 0) | {"total": row["cases"]}
    return counts


@transaction.atomic
def tally_rebuild() -> int:
    """Count every rule set's deadlines again and replace the rows; the number of rows."""
    if connection.vendor == "postgresql":
        # A writer still inside ``tally_kept`` waits here until the new rows are in, and
        # then adds its change to them: what it wrote was not yet committed, so not
        # counted. (SQLite lets one writer at a time anyway.)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DeadlineTally._meta.db_table} IN EXCLUSIVE MODE")
    counts = counted(CaseDeadline.objects.all())
    DeadlineTally.objects.all().delete()
    DeadlineTally.objects.bulk_create(
        DeadlineTally(rule_set=rule_set, code=code, **values)
        for (rule_set, code), values in sorted(counts.items())
    )
    return len(counts)
