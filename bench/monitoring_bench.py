"""What a mechanism's monitoring figures and the city dashboard cost over many cases:
counting every deadline of the mechanism (as before issue 19) against reading the counts
the writers keep (``cases.deadline_tally``), and the dashboard's figures from the rollups.

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/monitoring_bench.py [--cases 100000]

It works on a scratch database (a temporary SQLite file, or with DATABASE_URL a
``test_<name>`` database on that PostgreSQL server, dropped at the end). The cases come
from ``reports_data`` (one first-contact deadline each); this adds an assessment and a
follow-up deadline to each, in every state (met in time or late, open and past due, open
and not yet due), puts every case under one mechanism's rule set, and counts the tallies
once (``tally_rebuild``, as ``manage.py refresh_deadline_tallies`` does after a load).
Figures go to standard output; record them in docs/benchmarks.md.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import machine
from reports_data import generate

RULE_SET = "mechanism-bench"


def timed(label: str, run: Any, repeat: int = 7) -> Any:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = None
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run()
            timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"{label}: median {timings[len(timings) // 2] * 1000:.1f} ms, "
        f"worst {timings[-1] * 1000:.1f} ms, {len(queries)} queries ({repeat} runs)"
    )
    return result


def counted_every_time(now: datetime) -> tuple[int, dict[str, dict[str, int]]]:
    """The monitoring page's reads before issue 19 (cases.monitoring, commit 4b3b3f5)."""
    from django.db.models import Count, F, Q

    from sipakatau.cases.models import CaseDeadline, Status

    deadlines = CaseDeadline.objects.filter(case__rule_set=RULE_SET)
    open_ = Q(met_at__isnull=True)
    closed = Q(case__status=Status.CLOSED)
    rows = {
        row.pop("code"): row
        for row in deadlines.values("code").annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
            overdue=Count("pk", filter=open_ & Q(due_at__lt=now) & ~closed),
            pending=Count("pk", filter=open_ & Q(due_at__gte=now) & ~closed),
            closed_unmet=Count("pk", filter=open_ & closed),
        )
    }
    return deadlines.values("case").distinct().count(), rows


def more_deadlines(rng: random.Random, now: datetime) -> int:
    """An assessment and a follow-up deadline for every case, in every state."""
    from sipakatau.cases.models import Case, CaseDeadline

    added = 0
    batch: list[CaseDeadline] = []
    for case_id, reported in Case.objects.values_list("pk", "reported_at").iterator(2000):
        for code, hours in (("assessment", 72), ("follow_up", 24 * 14)):
            due = reported + timedelta(hours=hours)
            roll = rng.random()
            met = None
            if roll < 0.6:
                met = reported + timedelta(hours=hours * rng.uniform(0.2, 1.0))
            elif roll < 0.85:
                met = reported + timedelta(hours=hours * rng.uniform(1.0, 3.0))
            if met is not None and met > now:
                met = None
            batch.append(
                CaseDeadline(case_id=case_id, code=code, label=code, due_at=due, met_at=met)
            )
        if len(batch) >= 5000:
            CaseDeadline.objects.bulk_create(batch)
            added += len(batch)
            batch = []
    CaseDeadline.objects.bulk_create(batch)
    return added + len(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    scratch = tempfile.TemporaryDirectory(prefix="monitoring-bench-")
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from sipakatau.accounts.models import Organisation, OrganisationType
        from sipakatau.areas.models import Area
        from sipakatau.cases.deadline_tally import tally_rebuild
        from sipakatau.cases.models import Case, CaseDeadline
        from sipakatau.cases.monitoring import step_counts
        from sipakatau.reports import rollup
        from sipakatau.reports.periods import Period
        from sipakatau.reports.queries import ReportScope, units_of

        print(machine())
        print(f"database: {connection.vendor}")
        rng = random.Random(args.seed)
        now = timezone.now()
        started = time.perf_counter()
        generate(args.cases, 2, now, rng)
        added = more_deadlines(rng, now)
        Case.objects.update(rule_set=RULE_SET)
        print(
            f"generated {Case.objects.count():,} cases, "
            f"{CaseDeadline.objects.count():,} deadlines ({added:,} added here) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        started = time.perf_counter()
        rows = tally_rebuild()
        print(f"tally_rebuild: {rows} rows in {time.perf_counter() - started:.2f} s (once)")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        old = timed("monitoring, counted every time (before)", lambda: counted_every_time(now))
        new = timed("monitoring, kept counts (after)", lambda: step_counts(RULE_SET, now))
        print(f"    same figures: {old == new}")

        rollup.rollups_refresh()
        city = ReportScope("area", Area.objects.get(code="73.72"), None, exact=False)
        month = Period("month", timezone.localdate().replace(day=1))
        zone = Organisation.objects.filter(type=OrganisationType.LBK_KK).first()
        assert zone is not None
        from sipakatau.cases.services.common import unit_zone

        timed(
            "city dashboard figures, this month (rollups)",
            lambda: rollup.figures(
                units=units_of(city), period=month, zone=unit_zone(zone), scope_label="city"
            ),
        )
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()
