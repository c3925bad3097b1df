"""Flood benchmark of the public report API: how many reports one script gets into one
unit's inbox when it solves every challenge as fast as it can (issue 18).

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/public_flood_bench.py --seconds 120

The real app is served by gunicorn on loopback against a fresh database (a SQLite file in
a temporary folder, or — when DATABASE_URL is set — a database of its own, DATABASE_URL's
name + ``_flood``, created and dropped on that server), with the project's default flood
settings. One client (one process, one core) sends reports to ``POST
/api/v1/public/reports`` for Kel. Watang Soreang, one after another, for ``--seconds``:
each report without a challenge first, and when the answer is 429, again with a proof of
work found in Python with hashlib — the same SHA-256 the page's script computes. With
``--addresses N`` it sends from N loopback addresses in turn (127.0.1.1 …), as a script
spread over many addresses would, so the kelurahan's own count is what slows it.

Printed: per interval, the reports accepted (and per minute), the work asked (bits), the
client's time per report (solving) and the server's time per refused report (the
round trip of a 429 on loopback: the request without a token, and one with false work
sent after every accepted report, which the server must refuse with one hash); then, per
level, the client's expected solving time against the server's refusal time.
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from public_crash_bench import (  # noqa: E402
    SETUP,
    Server,
    django_run,
    drop_databases,
    free_port,
    scratch_databases,
    server_env,
)

KELURAHAN = "73.72.03.1003"  # Watang Soreang, covered by LBK-KK Bahagia
PATH = "/api/v1/public/reports"


def solve(nonce: str, bits: int) -> tuple[str, int]:
    """The first number whose SHA-256 with the nonce has ``bits`` leading zero bits, as
    public-challenge.js finds it; and how many hashes that took."""
    shift = 256 - bits
    prefix = f"{nonce}:".encode()
    sha = hashlib.sha256
    n = 0
    while int.from_bytes(sha(prefix + str(n).encode()).digest(), "big") >> shift:
        n += 1
    return str(n), n + 1


def hash_rate(seconds: float = 1.0) -> float:
    """Hashes per second of ``solve``'s loop on this machine (one core)."""
    prefix, sha, n = b"rate:", hashlib.sha256, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(10_000):
            int.from_bytes(sha(prefix + str(n).encode()).digest(), "big") >> 240
            n += 1
    return n / (time.perf_counter() - started)


@dataclass
class Interval:
    accepted: int = 0
    free: int = 0
    bits: list[int] = field(default_factory=list)
    solve_ms: list[float] = field(default_factory=list)
    refused_ms: list[float] = field(default_factory=list)  # 429 without a token
    false_work_ms: list[tuple[int, float]] = field(default_factory=list)  # bits, 429 ms
    accepted_ms: list[float] = field(default_factory=list)  # 201 round trip


class Client:
    def __init__(self, port: int, source: str) -> None:
        self.port, self.source = port, source
        self.connection: http.client.HTTPConnection | None = None

    def post(self, key: str, n: int, headers: dict[str, str]) -> tuple[int, dict, float]:
        body = json.dumps(
            {"kelurahan_code": KELURAHAN, "what_happened": f"Laporan banjir uji nomor {n}."}
        )
        for attempt in range(3):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120, source_address=(self.source, 0)
                )
            started = time.perf_counter()
            try:
                self.connection.request(
                    "POST",
                    PATH,
                    body,
                    {"Content-Type": "application/json", "Idempotency-Key": key, **headers},
                )
                response = self.connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, json.loads(data or b"{}"), elapsed
        raise AssertionError("unreachable")


def flood(port: int, seconds: float, interval: float, addresses: int) -> list[Interval]:
    sources = [f"127.0.1.{1 + i % 250}" for i in range(addresses)]
    clients = [Client(port, source) for source in sources]
    rows: list[Interval] = []
    started = time.monotonic()
    n = 0
    while (now := time.monotonic()) - started < seconds:
        slot = int((now - started) // interval)
        while len(rows) <= slot:
            rows.append(Interval())
        row = rows[slot]
        client = clients[n % len(clients)]
        n += 1
        key = uuid.uuid4().hex
        status, answer, ms = client.post(key, n, {})
        if status == 201:
            row.accepted += 1
            row.free += 1
            row.accepted_ms.append(ms)
            continue
        if status != 429:
            raise RuntimeError(f"unexpected answer {status}: {answer}")
        row.refused_ms.append(ms)
        challenge = answer["challenge"]
        bits, nonce, token = challenge["work_bits"], challenge["nonce"], challenge["token"]
        solving = time.perf_counter()
        work, _hashes = solve(nonce, bits)
        row.solve_ms.append((time.perf_counter() - solving) * 1000)
        row.bits.append(bits)
        status, answer, ms = client.post(
            key, n, {"X-Challenge-Token": token, "X-Challenge-Work": work}
        )
        if status == 201:
            row.accepted += 1
            row.accepted_ms.append(ms)
            # What a refusal of false work costs the server: the fresh challenge of this
            # 429 answer, sent back with a number that is not a proof.
            probe = _false_probe(client, n)
            if probe is not None:
                row.false_work_ms.append(probe)
        elif status == 429:
            # The rate rose while solving (another address, or the window): count it
            row.refused_ms.append(ms)
        else:
            raise RuntimeError(f"unexpected answer {status}: {answer}")
    return rows


def _false_probe(client: Client, n: int) -> tuple[int, float] | None:
    key = uuid.uuid4().hex
    status, answer, _ms = client.post(key, n, {})
    if status != 429:
        return None
    challenge = answer["challenge"]
    nonce, bits = challenge["nonce"], challenge["work_bits"]
    false = 0
    while _zero_bits(nonce, false) >= bits:
        false += 1
    status, _answer, ms = client.post(
        key, n, {"X-Challenge-Token": challenge["token"], "X-Challenge-Work": str(false)}
    )
    return (bits, ms) if status == 429 else None


def _zero_bits(nonce: str, n: int) -> int:
    value = int.from_bytes(hashlib.sha256(f"{nonce}:{n}".encode()).digest(), "big")
    return 256 - value.bit_length()


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


def report(rows: list[Interval], interval: float, rate: float, seconds: float, db: str) -> None:
    print(f"Public report flood, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, database: {db}")
    print(f"client: one process, Python hashlib, {rate / 1e6:.2f} M hashes/s")
    print()
    head = ("from s", "accepted", "per min", "free", "bits", "client ms/report",
            "server ms/refused", "ms/false work", "ms/accepted")  # fmt: skip
    print("{:>6} {:>8} {:>7} {:>4} {:>7} {:>16} {:>17} {:>13} {:>11}".format(*head))
    total = 0
    for i, row in enumerate(rows):
        total += row.accepted
        bits = f"{min(row.bits)}-{max(row.bits)}" if row.bits else "0"
        print(
            f"{i * interval:>6.0f} {row.accepted:>8} {row.accepted * 60 / interval:>7.1f} "
            f"{row.free:>4} {bits:>7} {_median(row.solve_ms):>16} "
            f"{_median(row.refused_ms):>17} {_median([ms for _b, ms in row.false_work_ms]):>13} "
            f"{_median(row.accepted_ms):>11}"
        )
    print()
    print(f"accepted in {seconds:.0f} s: {total} ({total * 60 / seconds:.1f} per minute)")
    reached = max((max(r.bits) for r in rows if r.bits), default=0)
    print(f"most work asked: {reached} bits")
    refusals: dict[int, list[float]] = {}
    for row in rows:
        for bits, ms in row.false_work_ms:
            refusals.setdefault(bits, []).append(ms)
    print()
    print("per level: the client's expected work against the server's cost of a refusal")
    print(f"{'bits':>4} {'hashes':>12} {'client ms (Python)':>18} {'server ms/refused':>17}")
    for bits in range(16, max(reached, 16) + 1):
        hashes = 2**bits
        refused = _median(refusals.get(bits, []))
        print(f"{bits:>4} {hashes:>12,} {hashes / rate * 1000:>18.0f} {refused:>17}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--interval", type=float, default=20, help="seconds per table row")
    parser.add_argument("--addresses", type=int, default=1, help="loopback addresses to use")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sipakatau-flood-"))
    env = server_env(scratch)
    for name in ("SIPAKATAU_REPORTS_PER_ADDRESS_HOUR", "SIPAKATAU_REPORTS_PER_KELURAHAN_HOUR"):
        env.pop(name, None)  # the project's defaults: what a real flood meets
    databases = scratch_databases(env, "flood")
    database = f"postgresql ({databases[0]})" if databases else "sqlite"
    server: Server | None = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        django_run(env, SETUP)
        port = free_port()
        server = Server(env, port, args.workers)
        server.start()
        rate = hash_rate()
        rows = flood(port, args.seconds, args.interval, args.addresses)
        report(rows, args.interval, rate, args.seconds, database)
    finally:
        if server is not None:
            server.kill()
        drop_databases(databases)
        with contextlib.suppress(OSError):
            subprocess.run(["rm", "-rf", str(scratch)], check=False)  # noqa: S603,S607
    return 0


if __name__ == "__main__":
    sys.exit(main())
