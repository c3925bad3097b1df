"""What the city dashboard, the monthly report and the statistics exports cost over many
cases.

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/reports_city.py [--cases 100000] [--years 3]

The issue's target is ``--cases 1000000``. It works on a scratch database, never the
real one: a temporary SQLite file, or, when DATABASE_URL is set, a ``test_<name>``
database on that PostgreSQL server, dropped at the end. ``--keep PATH_OR_NAME`` keeps the
generated database instead (SQLite: that file; PostgreSQL: that database on the
DATABASE_URL server, replaced if it exists), and ``--reuse PATH_OR_NAME`` skips the
generation and times against a kept one (after applying any newer migrations to it).

The generator (``sipakatau.demo.generate``, also behind ``manage.py
generate_demo_data``) loads Parepare's areas, makes one LBK-KK unit per
kelurahan, and generates cases spread over ``--years`` years with one or two victims
each (80 % with consent for statistics), an incident with forms and a place, suspected
perpetrators for most, a first-contact deadline and an assessment for most, referrals for about
30 %, an approved closure for the closed ones, and reports from the public (10 % of the
cases count); rows go in with raw bulk inserts (the services would take days, and are
not what is measured). Then it times, for the city (DP3A's scope) and for one unit: the
indicators of a month, a quarter and a year (live, and from the rollups when
``sipakatau.reports.rollup`` exists, after timing their refresh), suppression, the
monthly report's PDF and XLSX, and the city's SIMFONI and GBVIMS workbooks of one month.
``--skip-live`` skips the live city quarter and year (minutes at a million cases).
Figures go to standard output; record them in docs/benchmarks.md.
"""

import argparse
import importlib
import importlib.util
import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import django

from sipakatau.demo.generate import generate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import machine


def timed(label: str, run: object, repeat: int = 3) -> object:
    result = None
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    print(f"{label}: best {min(timings):.2f} s, worst {max(timings):.2f} s ({repeat} runs)")
    return result


def open_database(args: argparse.Namespace, scratch: Path) -> bool:
    """Point Django's connection at the database to time: a new one (generated next;
    returns True) or the kept one named by ``--reuse`` (returns False)."""
    from django.core.management import call_command
    from django.db import connection

    if args.reuse:
        if connection.vendor == "sqlite" and not Path(args.reuse).is_file():
            sys.exit(f"no such SQLite file: {args.reuse}")
        connection.close()
        connection.settings_dict["NAME"] = args.reuse
        # A kept database predates any migration added since (the rollups' tables).
        call_command("migrate", verbosity=0, interactive=False)
        return False
    if args.keep:
        if connection.vendor == "sqlite":
            Path(args.keep).resolve().parent.mkdir(parents=True, exist_ok=True)
            connection.settings_dict["TEST"]["NAME"] = str(Path(args.keep).resolve())
        else:
            connection.settings_dict["TEST"]["NAME"] = args.keep
    elif connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(scratch / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to generate")
    parser.add_argument("--years", type=int, default=3, help="years the cases spread over")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--index",
        action="store_true",
        help="add the index on cases (organisation, reported_at) proposed for the cases app",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--keep",
        metavar="PATH_OR_DBNAME",
        help="keep the generated database: a SQLite file, or a database on the PostgreSQL "
        "server of DATABASE_URL (replaced if it exists)",
    )
    where.add_argument(
        "--reuse",
        metavar="PATH_OR_DBNAME",
        help="time against a database kept with --keep instead of generating one",
    )
    parser.add_argument(
        "--skip-live",
        action="store_true",
        help="do not time the live indicators of the city's quarter and year",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="generate (with --keep) and stop: time nothing, so the kept database has no "
        "rollups or monthly reports yet",
    )
    parser.add_argument(
        "--cold-rollups",
        action="store_true",
        help="delete the rollups a reused database holds before timing their refresh",
    )
    args = parser.parse_args()
    if args.generate_only and not args.keep:
        parser.error("--generate-only needs --keep")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.apps import apps
    from django.db import connection
    from django.db.models import Count

    scratch = tempfile.TemporaryDirectory(prefix="reports-bench-")
    real_name = connection.settings_dict["NAME"]
    generating = open_database(args, Path(scratch.name))
    try:
        from zoneinfo import ZoneInfo

        from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
        from sipakatau.areas.models import Area
        from sipakatau.cases.models import Case
        from sipakatau.reports.documents import monthly_pdf, monthly_xlsx
        from sipakatau.reports.exports import gbvims_xlsx, simfoni_xlsx
        from sipakatau.reports.indicators import compute
        from sipakatau.reports.models import MonthlyReport
        from sipakatau.reports.periods import Period
        from sipakatau.reports.queries import (
            ReportScope,
            cases_for_export,
            monthly_report_figures,
            units_of,
        )
        from sipakatau.reports.services.monthly import monthly_report_generate
        from sipakatau.reports.suppression import suppress

        zone = ZoneInfo("Asia/Makassar")
        end = datetime(2026, 12, 1, tzinfo=zone)
        print(f"Reports benchmark, {date.today().isoformat()}, {connection.vendor}")
        print(f"Machine: {machine()}")
        print(f"Database: {connection.settings_dict['NAME']}")
        if generating:
            started = time.perf_counter()
            made = generate(args.cases, seed=args.seed, years=args.years, end=end)
            counts = made.counts
            print(
                f"generated {counts['cases']:,} cases, {counts['victims']:,} victims, "
                f"{counts['referrals']:,} referrals, {counts['closures']:,} closures, "
                f"{counts['public_reports']:,} public reports in {counts['units']} units "
                f"over {args.years} years: {time.perf_counter() - started:.0f} s"
            )
            print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in made.rows.items()))
        else:
            print(f"reusing {Case.objects.count():,} cases")
        if generating and args.generate_only:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"statistics refreshed (ANALYZE): {time.perf_counter() - started:.0f} s")
            return
        with connection.cursor() as cursor:
            if args.index:
                cursor.execute(
                    "CREATE INDEX IF NOT EXISTS bench_case_unit_reported"
                    " ON cases_case (organisation_id, reported_at)"
                )
                print("with the proposed index on cases (organisation, reported_at)")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"statistics refreshed (ANALYZE): {time.perf_counter() - started:.0f} s")

        city_area = Area.objects.get(code="73.72")
        city = ReportScope("area", city_area, None, exact=False)
        busiest = (
            Organisation.objects.filter(type=OrganisationType.LBK_KK)
            .annotate(n=Count("cases"))
            .order_by("-n")
            .first()
        )
        assert busiest is not None
        unit = ReportScope("unit", busiest.area, busiest, exact=False)
        periods = {
            "month": Period("month", date(2026, 11, 1)),
            "quarter": Period("quarter", date(2026, 7, 1)),
            "year": Period("year", date(2026, 1, 1)),
        }
        rollup: Any = None
        if importlib.util.find_spec("sipakatau.reports.rollup") is not None:
            rollup = importlib.import_module("sipakatau.reports.rollup")
            if args.cold_rollups:
                deleted, _by_model = (
                    apps.get_model("reports", "StatisticsRollup").objects.all().delete()
                )
                print(f"rollups deleted first (--cold-rollups): {deleted}")
            started = time.perf_counter()
            refreshed = rollup.rollups_refresh()
            print(f"rollups refreshed: {refreshed} in {time.perf_counter() - started:.2f} s (once)")
        else:
            print("no sipakatau.reports.rollup: timing the live indicators only")
        for name, scope in (("city", city), ("unit", unit)):
            for kind, period in periods.items():
                live = None
                if args.skip_live and name == "city" and kind != "month":
                    print(f"{name} indicators, {kind} ({period.code}): skipped (--skip-live)")
                else:
                    live = timed(
                        f"{name} indicators, {kind} ({period.code})",
                        lambda scope=scope, period=period, name=name: compute(
                            units=units_of(scope), period=period, zone=zone, scope_label=name
                        ),
                    )
                    total = live.tables["cases_by_channel"].total  # type: ignore[attr-defined]
                    print(f"    cases counted: {total:,}")
                if rollup is None:
                    continue
                rolled = timed(
                    f"{name} rollup figures, {kind} ({period.code})",
                    lambda scope=scope, period=period, name=name: rollup.figures(
                        units=units_of(scope), period=period, zone=zone, scope_label=name
                    ),
                )
                total = rolled.tables["cases_by_channel"].total  # type: ignore[attr-defined]
                same = "" if live is None else f", same as live: {rolled == live}"
                print(f"    cases counted: {total:,}{same}")
        if rollup is not None and args.skip_live:
            year = rollup.figures(
                units=units_of(city), period=periods["year"], zone=zone, scope_label="city"
            )
        else:
            year = compute(
                units=units_of(city), period=periods["year"], zone=zone, scope_label="city"
            )
        timed("suppression of the city's year", lambda: suppress(year, 5), repeat=5)

        monthly_report_generate(month=date(2026, 11, 1))
        report = MonthlyReport.objects.select_related("organisation").get(
            organisation=busiest, month=date(2026, 11, 1)
        )
        data = timed(
            "monthly report figures (one unit, November)", lambda: monthly_report_figures(report)
        )
        timed("monthly report PDF", lambda: monthly_pdf(report, data), repeat=2)  # type: ignore[arg-type]
        timed("monthly report XLSX", lambda: monthly_xlsx(report, data), repeat=2)  # type: ignore[arg-type]

        # The city's statistics workbooks, as DP3A's manager asks for them (unsaved: only
        # her role and her organisation's type and area decide the scope).
        manager = Membership(
            organisation=Organisation(
                name="DP3A Kota Parepare", type=OrganisationType.DP3A, area=city_area
            ),
            role=Role.AGENCY_MANAGER,
            is_active=True,
        )
        for kind, build in (("simfoni", simfoni_xlsx), ("gbvims", gbvims_xlsx)):
            cases, export_zone = cases_for_export(manager, kind, periods["month"])
            content = timed(
                f"city {kind} workbook, November",
                lambda cases=cases, export_zone=export_zone, build=build: build(cases, export_zone),
                repeat=2,
            )
            print(f"    {cases.count():,} cases, {len(content):,} bytes")  # type: ignore[arg-type]
    finally:
        if generating and not args.keep:
            connection.creation.destroy_test_db(real_name, verbosity=0, keepdb=False)
        elif generating:
            print(f"kept: {connection.settings_dict['NAME']}")
        scratch.cleanup()


if __name__ == "__main__":
    main()
