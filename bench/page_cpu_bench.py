"""Staff pages in-process (issue 19): wall time, the process's own CPU time and the
number of queries of the floor, a case page and the city dashboard, through Django's test
client, so that a page's Python and its queries can be told apart from the machine's load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sipakatau_x SIPAKATAU_BENCH_FLOOR=1 \
      PYTHONPATH=src:. .venv/bin/python bench/page_cpu_bench.py --generate 10000
    ... bench/page_cpu_bench.py --requests 40            # again, on the same data
    ... bench/page_cpu_bench.py --profile "case detail"  # where the CPU time goes

``--generate`` fills an empty, migrated database as bench/http_bench.py does (the demo's people,
then every case in the pilot unit); without it the data must be there already. Never in
production: the generator refuses, and the floor is not mounted there.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
os.environ.setdefault("SIPAKATAU_BENCH_FLOOR", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from sipakatau.accounts.models import Membership, Organisation, User  # noqa: E402
from sipakatau.cases.models import Case  # noqa: E402
from tests.factories import signed_in_client  # noqa: E402

PILOT = "73.72.03.1003"  # Watang Soreang: LBK-KK Bahagia, the demo's pilot unit
COORDINATOR = "bahagia.koordinator"
CITY_HEAD = "dp3a.kepala"


def generate(cases: int) -> None:
    from sipakatau.demo.generate import generate as generate_cases
    from sipakatau.demo.services import demo_load
    from tests.builders import issued_version

    demo_load()
    unit = Organisation.objects.filter(type="LBK_KK", area__code=PILOT).order_by("pk").first()
    assert unit is not None
    issued_version(unit)
    end = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Makassar"))
    generate_cases(cases, seed=19, one_unit=PILOT, end=end)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def pages() -> dict[str, Callable[[int], None]]:
    settings.ALLOWED_HOSTS = ["testserver"]
    coordinator = signed_in_client(User.objects.get(username=COORDINATOR))
    head = signed_in_client(User.objects.get(username=CITY_HEAD))
    unit = Membership.objects.get(user__username=COORDINATOR, is_active=True).organisation_id
    ids = list(
        Case.objects.filter(organisation_id=unit, register_number__startswith="GEN/")
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    cases = random.Random(5).sample(ids, min(40, len(ids)))

    def get(client: object, url: str) -> None:
        status = client.get(url).status_code  # type: ignore[attr-defined]
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")

    return {
        "floor": lambda i: get(coordinator, "/bench-floor/"),
        "case detail": lambda i: get(coordinator, f"/kasus/{cases[i % len(cases)]}/"),
        "city dashboard": lambda i: get(head, "/statistik/"),
    }


def count_queries(call: Callable[[int], None]) -> int:
    sent: list[str] = []

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        call(2)
    return len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", type=int, default=0, help="cases to generate first")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", choices=["floor", "case detail", "city dashboard"])
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
    calls = pages()
    if args.profile:
        call = calls[args.profile]
        call(0)
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for i in range(args.requests):
            call(i)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats("sipakatau", 40)
        return
    print(f"load average {os.getloadavg()[0]:.1f}, {connection.vendor}")
    for name, call in calls.items():
        call(0)
        call(1)
        walls, cpus = [], []
        for i in range(args.requests):
            wall, cpu = time.perf_counter(), time.process_time()
            call(i)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        walls.sort()
        p95 = walls[round(0.95 * (len(walls) - 1))]
        print(
            f"{name:15s} n={args.requests} median {statistics.median(walls):6.1f} ms"
            f"  p95 {p95:6.1f} ms  CPU median {statistics.median(cpus):5.1f} ms"
            f"  queries {count_queries(call)}"
        )


if __name__ == "__main__":
    main()
