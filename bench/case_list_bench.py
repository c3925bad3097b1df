"""What a page of the unit's case list costs as the unit grows (issue 19).

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/case_list_bench.py [--cases 10000 100000] [--runs 20] [--explain]

It works on a scratch database, never on the real one: a temporary SQLite file, or, when
DATABASE_URL is set, a ``<name>_case_list_bench`` database on that PostgreSQL server,
dropped at the end. Minimal cases are written directly (``bulk_create``, no parties, no
audit): only the list's own queries are measured, not the intake. A second unit holds a
quarter as many cases, so that the unit's filter has something to leave out.

For each size it times, median and p95 of ``--runs`` runs, the queries the page makes
(``cases_listed`` for the unit tab, a coordinator's scope, with the open-deadline
prefetch): the first page and a page halfway down reached by cursor (keyset), the same two
pages the old way (page number: OFFSET and a COUNT of the unit), and a register number
looked up as stored against the old UPPER() comparison. ``--explain`` prints the plans.
"""

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import django

BATCH = 5000
PAGE = 25


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (OSError, ValueError):
        memory = "unknown memory"
    return f"{os.cpu_count()} CPUs ({model}), {memory}, Python {platform.python_version()}"


def timed(runs: int, work: Callable[[], object]) -> str:
    work()  # warm: the first run pays for the plan and the cache
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(len(timings) * 0.95) - 1)]
    return f"median {statistics.median(timings) * 1e3:7.2f} ms, p95 {p95 * 1e3:7.2f} ms"


def explain(
    connection: Any,
    listed: Any,
    old: Any,
    deep_cursor: str,
    visible: Any,
    number: str,
    active: Any,
) -> None:
    """The plans of the list's queries, as the database will run them."""
    from sipakatau.lib.keyset import _beyond, _decode, _key_fields

    fields = _key_fields(listed)
    _key, values, _backwards = _decode(fields, deep_cursor)
    plans = [
        ("first page, keyset", listed[: PAGE + 1]),
        ("deep page, keyset", listed.filter(_beyond(fields, values, False))[: PAGE + 1]),
        ("status=active first page, keyset", active[: PAGE + 1]),
        ("first page, page number (before)", old[:PAGE]),
        ("register number, as stored", visible.filter(register_number=number.upper())),
        ("register number, iexact (before)", visible.filter(register_number__iexact=number)),
    ]
    for label, query in plans:
        print(f"\n  EXPLAIN {label}:")
        print("    " + query.explain().replace("\n", "\n    "))
    sql, params = old.values("pk").query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} SELECT COUNT(*) FROM ({sql}) AS sub", params)  # noqa: S608
        plan = "\n    ".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())
    print(f"\n  EXPLAIN COUNT of the unit (before):\n    {plan}")


def measure(membership: Any, unit_id: int, size: int, runs: int, plans: bool) -> None:
    """Time (and explain) the list's queries at the unit's present size."""
    from django.core.paginator import Paginator
    from django.db import connection

    from sipakatau.cases import queries
    from sipakatau.lib.keyset import _encode, _key_fields, keyset_window

    listed = queries.cases_listed(membership, queries.CaseFilter())
    active = queries.cases_listed(membership, queries.CaseFilter(status="active"))
    middle = listed[size // 2]
    deep_cursor = _encode(_key_fields(listed), middle, backwards=False)
    old = listed.order_by("-reported_at")  # the order before issue 19
    deep_page = size // 2 // PAGE
    number = f"bnc-{unit_id}/{size // 3:07d}"
    visible = queries.cases_visible_to(membership)

    def keyset(base: Any, cursor: str | None) -> Callable[[], object]:
        return lambda: keyset_window(base, cursor, PAGE)

    def numbered(page_number: int) -> Callable[[], object]:
        return lambda: list(Paginator(old, PAGE).get_page(page_number))

    rows = [
        ("first page, keyset", keyset(listed, None)),
        ("deep page (half way), keyset", keyset(listed, deep_cursor)),
        ("status=active first page, keyset", keyset(active, None)),
        ("first page, page number + COUNT (before)", numbered(1)),
        (f"page {deep_page}, page number + COUNT (before)", numbered(deep_page)),
        (
            "register number, as stored",
            lambda: list(visible.filter(register_number=number.upper()).values("pk")),
        ),
        (
            "register number, iexact (before)",
            lambda: list(visible.filter(register_number__iexact=number).values("pk")),
        ),
    ]
    for label, work in rows:
        print(f"  {label:45} {timed(runs, work)}")
    if plans:
        explain(connection, listed, old, deep_cursor, visible, number, active)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.db import connection

    from sipakatau.accounts.models import Membership, Organisation, Role, User
    from sipakatau.areas.models import Area
    from sipakatau.cases.models import Case, Status

    scratch = tempfile.TemporaryDirectory(prefix="case-list-bench-")
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    else:
        connection.settings_dict["TEST"]["NAME"] = f"{real_name}_case_list_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        area = Area.objects.create(code="99.99", name="Bench", level="kota")
        units = [
            Organisation.objects.create(name=f"LBK-KK Bench {n}", type="lbk_kk", area=area)
            for n in (1, 2)
        ]
        user = User.objects.create(username="bench.koordinator", full_name="Bench")
        membership = Membership.objects.create(
            user=user, organisation=units[0], role=Role.COORDINATOR
        )
        membership = Membership.objects.select_related("organisation").get(pk=membership.pk)
        rng = random.Random(19)
        statuses = [Status.NEW, Status.ASSESSED, Status.ACTIVE, Status.MONITORING, Status.CLOSED]
        start = datetime(2024, 1, 1, tzinfo=UTC)
        written = {units[0].pk: 0, units[1].pk: 0}

        def grow(unit: Organisation, total: int) -> None:
            while written[unit.pk] < total:
                batch = min(BATCH, total - written[unit.pk])
                first = written[unit.pk]
                Case.objects.bulk_create(
                    Case(
                        organisation=unit,
                        register_number=f"BNC-{unit.pk}/{first + n:07d}",
                        channel="walk_in",
                        status=rng.choice(statuses),
                        reported_at=start + timedelta(seconds=rng.randrange(3 * 365 * 86400)),
                        created_by=user,
                        intake_completed_at=start,
                    )
                    for n in range(batch)
                )
                written[unit.pk] += batch

        print(f"Case list benchmark, {date.today().isoformat()}, {connection.vendor}")
        print(f"Machine: {machine()}")
        for size in sorted(args.cases):
            started = time.perf_counter()
            grow(units[0], size)
            grow(units[1], size // 4)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"\n{size:,} cases in the unit (+{size // 4:,} in another), "
                f"written in {time.perf_counter() - started:.1f} s"
            )
            measure(membership, units[0].pk, size, args.runs, args.explain)
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0, keepdb=False)
        scratch.cleanup()


if __name__ == "__main__":
    main()
