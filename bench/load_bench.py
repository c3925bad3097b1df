"""Load test: many people at once on a real server, bounded in time; 0 errors allowed.

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/load_bench.py --users 50 --seconds 60

The real app is served by gunicorn on a free port against a fresh database (a SQLite
file, or — with DATABASE_URL — a database of its own beside it, its name + ``_load``).
Two units with ``--cases`` cases each and four caseworkers each are made through the real
services; then locust (``bench/load/locustfile.py``) runs ``--users`` simulated people
for ``--seconds``: 70 % case reads, 20 % case updates (notes), 5 % public reports, 5 %
the city's dashboard. It prints the median and p95 per request type and fails (exit 1)
on any failed request or any "database is locked" in the server's log.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_crash_bench import (
    PYTHON,
    ROOT,
    Server,
    django_run,
    drop_databases,
    free_port,
    scratch_databases,
    server_env,
)

SETUP = """
import json
from django.utils import timezone
from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure
from sipakatau.accounts.tokens import api_token_issue
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
from sipakatau.referrals.tests.support import case_with_victim
from tests.factories import make_user

areas_load_parepare()
workers = []
for name, code in (("LBK-KK Bahagia", "73.72.03.1003"), ("LBK-KK Ikhlas", "73.72.01.1005")):
    unit = organisation_ensure(name=name, short_name=name, type=OrganisationType.LBK_KK,
                               area=Area.objects.get(code=code))
    members = [Membership.objects.get(user=make_user(unit, Role.CASEWORKER), organisation=unit)
               for _n in range(4)]
    cases = [case_with_victim(members[n % 4])[0].pk for n in range(CASES)]
    for member in members:
        workers.append({"token": api_token_issue(membership=member).token, "cases": cases})
dp3a = organisation_ensure(name="DP3A Kota Parepare", short_name="DP3A",
                           type=OrganisationType.DP3A, area=Area.objects.get(code="73.72"))
manager = Membership.objects.get(user=make_user(dp3a, Role.AGENCY_MANAGER), organisation=dp3a)
print(json.dumps({"workers": workers, "dp3a_token": api_token_issue(membership=manager).token,
                  "kelurahan": "73.72.03.1003", "year": str(timezone.localdate().year)}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--cases", type=int, default=200, help="cases per unit")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sipakatau-load-"))
    # Every simulated neighbour comes from 127.0.0.1: the flood limits would turn the
    # public reports into challenges, which is not what this measures.
    env = server_env(
        scratch,
        SIPAKATAU_REPORTS_PER_ADDRESS_HOUR="100000",
        SIPAKATAU_REPORTS_PER_KELURAHAN_HOUR="100000",
    )
    databases = scratch_databases(env, "load")
    try:
        return run(args, env, scratch, databases[0] if databases else "sqlite")
    finally:
        drop_databases(databases)


def run(args: argparse.Namespace, env: dict[str, str], scratch: Path, database: str) -> int:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    setup_file = scratch / "setup.json"
    setup_file.write_text(django_run(env, f"CASES = {args.cases}\n" + SETUP).splitlines()[-1])
    port = free_port()
    server = Server(env, port, args.workers)
    server.start()
    try:
        locust = subprocess.run(  # noqa: S603
            [
                str(Path(PYTHON).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(1, args.users // 10)),
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(scratch / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**env, "LOAD_SETUP": str(setup_file)},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        server.kill()
    rows = list(csv.DictReader((scratch / "load_stats.csv").open(encoding="utf-8")))
    log = (scratch / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    locked = log.count("database is locked")
    failures = sum(int(row["Failure Count"]) for row in rows if row["Name"] != "Aggregated")

    print(f"Load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, database: {database}")
    print(f"{args.users} users for {args.seconds} s, {args.workers} gunicorn workers,"
          f" {2 * args.cases} cases in two units")  # fmt: skip
    print(f"{'request':32} {'count':>7} {'failed':>6} {'median ms':>10} {'p95 ms':>8} {'req/s':>7}")
    for row in rows:
        print(
            f"{row['Name']:32} {row['Request Count']:>7} {row['Failure Count']:>6}"
            f" {row['Median Response Time']:>10} {row['95%']:>8}"
            f" {float(row['Requests/s']):>7.1f}"
        )
    print(f"'database is locked' in the server log: {locked}")
    failed = failures > 0 or locked > 0 or locust.returncode not in (0, 1)
    if failures:
        failure_file = scratch / "load_failures.csv"
        print(failure_file.read_text(encoding="utf-8")[:2000])
    print("RESULT " + ("FAIL" if failed else "ok: 0 errors"))
    if failed:
        print(f"kept for inspection: {scratch}\n{locust.stderr[-2000:]}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
