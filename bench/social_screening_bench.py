"""What screening costs: every rule over many generated households (issue 13).

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/social_screening_bench.py [--households 100000]

It works on a scratch database, never on the real one: a temporary SQLite file, or, when
DATABASE_URL is set, a ``test_<name>`` database on that PostgreSQL server, dropped at the
end. It generates households of 1-6 members (encrypted names and birth dates, as real
ones), DTSEN knowledge, civil documents and enrolments, then times the facts and every
rule over all households (``screen_all``, chunk by chunk as the nightly
``screen_households`` does), once for time and once under tracemalloc for the peak memory.
Figures go to standard output; record them in docs/benchmarks.md.
"""

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))

RULES = [
    ("PKH", "desil <= 4 and not in_pkh"),
    ("BPNT", "in_dtsen and desil <= 4 and not in_bpnt"),
    ("PBI_JK", "has_member_without_bpjs and not has_pbi"),
    ("ATENSI_DISABILITAS", "has_severe_disability and not has_pbi"),
    ("ATENSI_ANAK", "has_child_without_akta"),
    ("ASLUT", "lives_alone_elderly and not in_aslut"),
    ("RTLH", "not dtsen_known and members >= 5"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from audit_bench import machine
    from django.db import connection, transaction

    from sipakatau.accounts.models import OrganisationType, Role
    from sipakatau.accounts.services.setup import organisation_ensure, user_ensure
    from sipakatau.areas.models import Area
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.lib.blind_index import kk_index
    from sipakatau.people.models import Person
    from sipakatau.social.models import (
        CivilDocument,
        DtsenRecord,
        Enrolment,
        Household,
        HouseholdMember,
        Programme,
        ScreeningRule,
    )
    from sipakatau.social.rules import compile_rule, fact_types
    from sipakatau.social.services.screening import screen_all

    scratch = tempfile.TemporaryDirectory(prefix="social-bench-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        areas_load_parepare()
        kelurahan = Area.objects.get(code="73.72.03.1003")
        dinsos = organisation_ensure(
            name="Dinas Sosial Kota Parepare",
            short_name="",
            type=OrganisationType.DINSOS,
            area=Area.objects.get(code="73.72"),
            parent=None,
        )
        user = user_ensure(
            username="bench.dinsos",
            full_name="Bench",
            password="x" * 20,
            organisation=dinsos,
            role=Role.AGENCY_OFFICER,
            is_signatory=False,
            validate=False,
        )
        programmes = {p.code: p for p in Programme.objects.all()}
        rng = random.Random(13)
        today = date.today()

        print(f"Social screening benchmark, {today.isoformat()}, {connection.vendor}")
        print(f"Machine: {machine()}")
        started = time.perf_counter()
        batch = 2000
        people_count = 0
        for first in range(0, args.households, batch):
            size = min(batch, args.households - first)
            with transaction.atomic():
                homes = Household.objects.bulk_create(
                    Household(
                        kk_number=f"7372031{n:09d}",
                        kk_index=kk_index(f"7372031{n:09d}"),
                        kelurahan=kelurahan,
                        rw=f"{rng.randint(1, 9):03d}",
                        rt=f"{rng.randint(1, 9):03d}",
                        address="Jl. Contoh",
                        organisation=dinsos,
                        created_by=user,
                    )
                    for n in range(first, first + size)
                )
                people, rows, dtsen, documents, enrolments = [], [], [], [], []
                for home in homes:
                    for index in range(rng.randint(1, 6)):
                        age = rng.randint(30, 80) if index == 0 else rng.randint(0, 90)
                        severe = rng.random() < 0.03
                        person = Person(
                            name=f"Warga {home.pk}-{index}",
                            sex=rng.choice("LP"),
                            birth_date=today - timedelta(days=365 * age + rng.randint(0, 364)),
                            has_disability=severe,
                            wg_answers={"WALKING": "CANNOT"} if severe else {},
                        )
                        people.append(person)
                        rows.append((home, person, "KEPALA" if index == 0 else "ANAK", age))
                    if rng.random() < 0.7:
                        listed = rng.random() < 0.8
                        dtsen.append(
                            DtsenRecord(
                                household=home,
                                status="LISTED" if listed else "NOT_LISTED",
                                desil=rng.randint(1, 10) if listed else None,
                                source="CEK_BANSOS",
                                known_on=today,
                                recorded_by=user,
                            )
                        )
                    if rng.random() < 0.2:
                        enrolments.append(
                            Enrolment(
                                programme=programmes["PKH"],
                                household=home,
                                status="ENROLLED",
                                source="DATA_DINSOS",
                                known_on=today,
                                recorded_by=user,
                            )
                        )
                Person.objects.bulk_create(people)
                people_count += len(people)
                HouseholdMember.objects.bulk_create(
                    HouseholdMember(
                        household=home, person=person, relationship=rel, start_date=today
                    )
                    for home, person, rel, _age in rows
                )
                for _home, person, _rel, age in rows:
                    if age < 18 and rng.random() < 0.1:
                        documents.append(
                            CivilDocument(
                                person=person,
                                kind="AKTA_KELAHIRAN",
                                status="MISSING",
                                recorded_by=user,
                            )
                        )
                    if rng.random() < 0.3:
                        documents.append(
                            CivilDocument(
                                person=person,
                                kind="BPJS_KESEHATAN",
                                status=rng.choice(["ACTIVE", "INACTIVE", "NONE"]),
                                is_pbi=rng.random() < 0.5,
                                recorded_by=user,
                            )
                        )
                DtsenRecord.objects.bulk_create(dtsen)
                CivilDocument.objects.bulk_create(documents)
                Enrolment.objects.bulk_create(enrolments)
        print(
            f"Generated {args.households} households, {people_count} people "
            f"in {time.perf_counter() - started:.1f} s"
        )

        types = fact_types()
        rules = []
        for code, expression in RULES:
            rule = ScreeningRule.objects.create(
                programme=programmes[code],
                area=dinsos.area,
                expression=expression,
                description=code,
                edited_by=user,
                edited_at=django.utils.timezone.now(),
            )
            rules.append((rule, compile_rule(expression, types)))
        ids = list(Household.objects.values_list("pk", flat=True))

        started = time.perf_counter()
        flagged = sum(1 for _ in screen_all(rules, ids))
        elapsed = time.perf_counter() - started
        print(
            f"Screening {len(rules)} rules over {len(ids)} households: {elapsed:.1f} s "
            f"({elapsed / len(ids) * 1e6:.0f} µs per household), {flagged} flags"
        )

        tracemalloc.start()
        sum(1 for _ in screen_all(rules, ids))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"Peak memory while screening (tracemalloc): {peak / 2**20:.1f} MiB")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()
