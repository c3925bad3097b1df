"""Field encryption figures: cost per value, and rotation throughput.

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings .venv/bin/python bench/crypto_bench.py

Runs against a temporary SQLite database (never the real one) and prints the figures that
docs/benchmarks.md records. Options: ``--people N`` (default 20000), ``--rounds N``.
"""

import argparse
import io
import os
import platform
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _setup(directory: Path) -> None:
    # Before Django reads its settings: a throw-away database and throw-away key files.
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SIPAKATAU_VAR_DIR"] = str(directory / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    import django

    django.setup()


def _per_value_us(function: object, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        function()  # type: ignore[operator]
    return (time.perf_counter() - start) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=20_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _setup(Path(tmp))
        from django.core.management import call_command
        from django.test import override_settings

        from sipakatau.lib import blind_index
        from sipakatau.lib.crypto import KeyRing, new_key_entry, parse_key_ring
        from sipakatau.people.models import Person

        old, new = new_key_entry("bench-old"), new_key_entry("bench-new")
        ring = KeyRing(parse_key_ring(old, setting="bench"))
        label = "people.Person.name"

        print(f"Python {platform.python_version()}, {platform.machine()}")
        for what, text in (
            ("name (20 chars)", "Siti Aminah Rahmawati"),
            ("note (1,000 chars)", "x" * 1000),
        ):
            token = ring.encrypt(text, label=label)
            enc = _per_value_us(lambda t=text: ring.encrypt(t, label=label), args.rounds)
            dec = _per_value_us(lambda t=token: ring.decrypt(t, label=label), args.rounds)
            print(
                f"{what:<20} encrypt {enc:6.1f} µs  decrypt {dec:6.1f} µs  both {enc + dec:6.1f} µs"
            )
        index = _per_value_us(
            lambda: blind_index.name_indexes("Hj. Siti Aminah Rahmawati"), args.rounds // 4
        )
        print(
            f"{'name blind indexes':<20} {index:6.1f} µs per name (3 words: tokens, sounds, pairs)"
        )

        call_command("migrate", verbosity=0)
        with override_settings(FIELD_KEYS=old):
            started = time.perf_counter()
            batch = []
            for i in range(args.people):
                batch.append(
                    Person(
                        name=f"Orang Nomor {i}",
                        nik=f"7372034107{i:06d}",
                        phone=f"+62812{i:08d}",
                        address=f"Jalan Kenari {i}, RT 00{i % 9}/RW 00{i % 7}",
                        birth_date=date(1950 + i % 70, 1 + i % 12, 1 + i % 28),
                    )
                )
                if len(batch) == 1000:
                    Person.objects.bulk_create(batch)
                    batch = []
            Person.objects.bulk_create(batch)
            print(f"created {args.people} people in {time.perf_counter() - started:.1f} s")

        with override_settings(FIELD_KEYS=f"{new},{old}"):
            out = io.StringIO()
            started = time.perf_counter()
            call_command("rotate_keys", stdout=out, stderr=io.StringIO(), verbosity=0)
            elapsed = time.perf_counter() - started
        match = re.search(r"Re-encrypted (\d+) values", out.getvalue())
        values = int(match.group(1)) if match else 0
        print(
            f"rotation: {values} values of {args.people} people in {elapsed:.1f} s "
            f"= {values / elapsed:,.0f} values/s (batches of 500, SQLite, one process)"
        )


if __name__ == "__main__":
    sys.exit(main())
