"""What the city dashboard and the monthly report cost over many cases.

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/reports_city.py [--cases 100000] [--years 3]

The issue's target is ``--cases 1000000``. It works on a scratch database, never the
real one: a temporary SQLite file, or, when DATABASE_URL is set, a ``test_<name>``
database on that PostgreSQL server, dropped at the end. It loads Parepare's areas, makes
one LBK-KK unit per kelurahan, and generates cases spread over ``--years`` years with
one or two victims each (80 % with consent for statistics), an incident with forms and
a place, a suspected perpetrator, a first-contact deadline and an assessment for most;
rows go in with bulk inserts (the services would take hours, and are not what is
measured). Then it times, for the city (DP3A's scope) and for one unit: the indicators
of a month, a quarter and a year, suppression, and the monthly report's PDF and XLSX.
Figures go to standard output; record them in docs/benchmarks.md.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import machine

BATCH = 5000
FORMS = ["FISIK", "PSIKIS", "SEKSUAL", "EKSPLOITASI", "TRAFFICKING", "PENELANTARAN", "LAINNYA"]
PLACES = ["RUMAH_TANGGA", "TEMPAT_KERJA", "SEKOLAH", "FASILITAS_UMUM", "LAINNYA", ""]
CHANNELS = ["WALK_IN", "PHONE", "LETTER", "THIRD_PARTY", "OUTREACH", "REFERRAL_IN", "PUBLIC_PORTAL"]
RELATIONSHIPS = [
    "ORANG_TUA",
    "KELUARGA_SAUDARA",
    "SUAMI_ISTRI",
    "PACAR_TEMAN",
    "TETANGGA",
    "LAINNYA",
]


def generate(n_cases: int, years: int, end: datetime, rng: random.Random) -> dict[str, int]:
    from django.db import transaction

    from sipakatau.accounts.models import Organisation, OrganisationType, User
    from sipakatau.areas.models import Area
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.cases.models import (
        Assessment,
        Case,
        CaseDeadline,
        CaseParty,
        Consent,
        Incident,
        PerpetratorLink,
    )
    from sipakatau.people.models import Person

    areas_load_parepare()
    user = User.objects.create(username="bench.koordinator")
    units = [
        Organisation.objects.create(
            name=f"LBK-KK {area.name}", type=OrganisationType.LBK_KK, area=area
        )
        for area in Area.objects.filter(level="kelurahan", code__startswith="73.72.")
    ]
    # People are drawn from a pool: each one is several encrypted fields to write, and
    # what the indicators read of them (sex, disability) is the same either way.
    people = Person.objects.bulk_create(
        Person(
            name="Korban Bench",
            sex=rng.choice(["P", "P", "P", "L", "U"]),
            has_disability=rng.random() < 0.08,
        )
        for _ in range(2000)
    )
    perpetrator = Person.objects.create(name="Terlapor Bench", sex="L")
    span = timedelta(days=365 * years).total_seconds()
    start = end - timedelta(days=365 * years)
    counts = {"cases": 0, "victims": 0, "units": len(units)}
    made = 0
    while made < n_cases:
        size = min(BATCH, n_cases - made)
        with transaction.atomic():
            cases = Case.objects.bulk_create(
                Case(
                    register_number=f"B/{made + i}",
                    organisation=rng.choice(units),
                    channel=rng.choice(CHANNELS),
                    reported_at=(reported := start + timedelta(seconds=rng.random() * span)),
                    intake_completed_at=reported,
                    created_by=user,
                    status=rng.choice(["active", "assessed", "closed", "monitoring"]),
                    risk_level=rng.choice(["HIGH", "MEDIUM", "LOW"]),
                )
                for i in range(size)
            )
            Incident.objects.bulk_create(
                Incident(
                    case=case,
                    violence_forms=rng.sample(FORMS, rng.choice([1, 1, 2, 3])),
                    place_type=rng.choice(PLACES),
                )
                for case in cases
            )
            victims_per_case = [1 if rng.random() < 0.85 else 2 for _ in cases]
            parties = []
            for case, count in zip(cases, victims_per_case, strict=True):
                for person in rng.sample(people, count):
                    parties.append(
                        CaseParty(
                            case=case,
                            person=person,
                            role="VICTIM",
                            age_at_incident=rng.choice([None, *range(0, 80)]),
                        )
                    )
                parties.append(CaseParty(case=case, person=perpetrator, role="PERPETRATOR"))
            parties = CaseParty.objects.bulk_create(parties)
            victims = [p for p in parties if p.role == "VICTIM"]
            perpetrator_of = {p.case_id: p for p in parties if p.role == "PERPETRATOR"}
            Consent.objects.bulk_create(
                Consent(
                    case_id=v.case_id,
                    subject=v,
                    purpose="STATISTICS",
                    method="VERBAL_WITNESSED",
                    given_at=end,
                    recorded_by=user,
                )
                for v in victims
                if rng.random() < 0.8
            )
            PerpetratorLink.objects.bulk_create(
                PerpetratorLink(
                    case_id=v.case_id,
                    victim=v,
                    perpetrator=perpetrator_of[v.case_id],
                    relationship=rng.choice(RELATIONSHIPS),
                )
                for v in victims
            )
            CaseDeadline.objects.bulk_create(
                CaseDeadline(
                    case=case,
                    code="first_contact",
                    label="Contact the survivor",
                    due_at=case.reported_at + timedelta(hours=6),
                    met_at=case.reported_at + timedelta(hours=rng.uniform(0.5, 12))
                    if rng.random() < 0.9
                    else None,
                )
                for case in cases
            )
            Assessment.objects.bulk_create(
                Assessment(
                    case=case,
                    risk_level=case.risk_level,
                    assessed_by=user,
                    assessed_at=case.reported_at + timedelta(hours=rng.uniform(2, 96)),
                )
                for case in cases
                if rng.random() < 0.8
            )
        made += size
        counts["cases"] += size
        counts["victims"] += len(victims)
        if made % (BATCH * 20) == 0 or made == n_cases:
            print(f"  generated {made:,} cases", flush=True)
    return counts


def timed(label: str, run: object, repeat: int = 3) -> object:
    result = None
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    print(f"{label}: best {min(timings):.2f} s, worst {max(timings):.2f} s ({repeat} runs)")
    return result


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
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Count

    scratch = tempfile.TemporaryDirectory(prefix="reports-bench-")
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from zoneinfo import ZoneInfo

        from sipakatau.accounts.models import Organisation, OrganisationType
        from sipakatau.areas.models import Area
        from sipakatau.reports.documents import monthly_pdf, monthly_xlsx
        from sipakatau.reports.indicators import compute
        from sipakatau.reports.models import MonthlyReport
        from sipakatau.reports.periods import Period
        from sipakatau.reports.queries import ReportScope, monthly_report_figures, units_of
        from sipakatau.reports.services.monthly import monthly_report_generate
        from sipakatau.reports.suppression import suppress

        zone = ZoneInfo("Asia/Makassar")
        end = datetime(2026, 12, 1, tzinfo=zone)
        print(f"Reports benchmark, {date.today().isoformat()}, {connection.vendor}")
        print(f"Machine: {machine()}")
        started = time.perf_counter()
        counts = generate(args.cases, args.years, end, random.Random(args.seed))
        print(
            f"generated {counts['cases']:,} cases, {counts['victims']:,} victims in "
            f"{counts['units']} units over {args.years} years: "
            f"{time.perf_counter() - started:.0f} s"
        )
        with connection.cursor() as cursor:
            if args.index:
                cursor.execute(
                    "CREATE INDEX bench_case_unit_reported"
                    " ON cases_case (organisation_id, reported_at)"
                )
                print("with the proposed index on cases (organisation, reported_at)")
            cursor.execute("ANALYZE")

        city = ReportScope("area", Area.objects.get(code="73.72"), None, exact=False)
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
        for name, scope in (("city", city), ("unit", unit)):
            for kind, period in periods.items():
                figures = timed(
                    f"{name} indicators, {kind} ({period.code})",
                    lambda scope=scope, period=period, name=name: compute(
                        units=units_of(scope), period=period, zone=zone, scope_label=name
                    ),
                )
                total = figures.tables["cases_by_channel"].total  # type: ignore[attr-defined]
                print(f"    cases counted: {total:,}")
        year = compute(units=units_of(city), period=periods["year"], zone=zone, scope_label="city")
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
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0, keepdb=False)
        scratch.cleanup()


if __name__ == "__main__":
    main()
