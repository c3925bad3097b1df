"""What the audit trail costs: one event written, and the chain verified.

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/audit_bench.py [--events 5000] [--verify-events 50000]

It works on a scratch database, never on the real one: a temporary SQLite file (with the
production settings: WAL, synchronous=FULL, immediate transactions), or, when
DATABASE_URL is set, a ``test_<name>`` database on that PostgreSQL server, dropped at
the end. Figures go to standard output; record them in docs/benchmarks.md.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import django


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="events written one by one")
    parser.add_argument(
        "--verify-events", type=int, default=50_000, help="chain length for the verify run"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.db import connection, transaction

    from sipakatau.audit.models import AuditEvent
    from sipakatau.audit.services import Actor, chain_hash, log
    from sipakatau.audit.verify import verify_chain

    scratch = tempfile.TemporaryDirectory(prefix="audit-bench-")
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        actor = Actor(user_id=42, label="bench.pendamping", organisation_id=7, role="caseworker")

        def write() -> None:
            log(
                actor, "person.viewed", ("people.person", 123456), fields=["name", "nik", "address"]
            )

        print(f"Audit benchmark, {date.today().isoformat()}, {connection.vendor}")
        print(f"Machine: {machine()}")

        # Each event in its own transaction, committed to disk: a request that writes
        # nothing else, the worst case.
        timings = []
        for _ in range(args.events):
            started = time.perf_counter()
            write()
            timings.append(time.perf_counter() - started)
        timings.sort()
        print(
            f"write, own transaction (commit included), {args.events} events: "
            f"mean {statistics.fmean(timings) * 1e6:.0f} µs, "
            f"median {timings[len(timings) // 2] * 1e6:.0f} µs, "
            f"p99 {timings[int(len(timings) * 0.99)] * 1e6:.0f} µs per event"
        )

        # Inside a transaction the request has open anyway: the audit write's own share.
        batch = 1000
        started = time.perf_counter()
        with transaction.atomic():
            for _ in range(batch):
                write()
        inside = (time.perf_counter() - started) / batch
        print(f"write, inside an open transaction: {inside * 1e6:.0f} µs per event")

        sample = AuditEvent.objects.order_by("-seq").first()
        assert sample is not None
        rounds = 20_000
        started = time.perf_counter()
        for _ in range(rounds):
            chain_hash(sample.prev_hash, sample)
        print(
            f"chain_hash alone (canonical JSON + HMAC-SHA256): "
            f"{(time.perf_counter() - started) / rounds * 1e6:.1f} µs"
        )

        missing = args.verify_events - AuditEvent.objects.count()
        while missing > 0:
            with transaction.atomic():
                for _ in range(min(missing, 5000)):
                    write()
            missing -= 5000
        started = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - started
        assert result.ok, result.failure
        print(
            f"verify, {result.count} events: {elapsed:.2f} s, "
            f"{result.count / elapsed:,.0f} events/s"
        )
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0, keepdb=False)
        scratch.cleanup()


if __name__ == "__main__":
    main()
