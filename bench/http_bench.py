"""What the staff pages cost over HTTP as the data grows: the real stack, measured from
outside.

Run from the repository root (``make bench`` runs it with its defaults):

    PYTHONPATH=src .venv/bin/python bench/http_bench.py [--sizes 10000,100000]
        [--layouts spread,piled] [--requests 30] [--write]

On SQLite by default; with DATABASE_URL on PostgreSQL, in databases of their own beside
it (its name + ``_http`` and ``_http_t``, dropped at the end). ``--sizes 10000,100000,1000000``
adds the million (about 15 minutes of generating on this machine, per layout).
``--keep DIR`` keeps what was generated (the var folders in DIR; on PostgreSQL the
databases ``<name>_http_t`` and ``<name>_http_<layout>_<size>``, dropped by hand) and a
later run with the same DIR migrates and reuses it: measure again after a change
without generating again. Timed requests add rows (intake drafts, audit events), so a
kept database drifts a little from run to run.

For each size and layout (``spread``: the cases over one LBK-KK unit per kelurahan of
Parepare, the city grows; ``piled``: all in the pilot unit of Watang Soreang, a unit
grows) it loads the demo, issues the pilot kelurahan's mechanism, generates the cases
(``sipakatau.demo.generate``: encrypted people, blind indexes, referrals, audit events),
refreshes the planner's statistics, starts gunicorn (2 sync workers, development
settings without DEBUG: production's but for TLS) and times its start-up, signs in over
HTTP with the password and the TOTP code (the pilot unit's coordinator; DP3A's head for
the city), then requests each page ``--requests`` times one after another (after a
warm-up; fewer, at least 5, once a page has taken ``--budget`` seconds) and reports
the median and p95 in ms:

- floor: ``/bench-floor/``, a minimal signed-in view through the same middleware
  (mounted by SIPAKATAU_BENCH_FLOOR=1), and the raw SQL of the case list's first page
  executed in a separate process (not HTTP);
- the unit's case list, a case detail (a different case each time), the search by name
  and by NIK (the POST and the list it redirects to), an intake's first step (a new
  draft case), the referral inbox, the mechanism's monitoring page, the city dashboard
  (DP3A), and an export (the referral inbox as CSV: the request that queues its job);
- each page's p95 as a ratio to the floor's; the growth p95(largest)/p95(smallest) per
  page and layout; the workers' RSS after the warm-up and after the run.

``--write`` replaces the part of docs/benchmarks.md between ``<!-- http_bench:start -->``
and ``<!-- http_bench:end -->`` with the table (one database per run: run it once per
database; the section keeps the other database's table).
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_crash_bench import PYTHON, ROOT, Server, psql, server_env

PILOT = "73.72.03.1003"  # Watang Soreang: LBK-KK Bahagia, the demo's pilot unit
COORDINATOR = "bahagia.koordinator"
CITY_HEAD = "dp3a.kepala"
RECIPIENT = "uptd.petugas"  # UPTD PPA: every generated referral goes to it
MIN_TIMED = 5
MARK_START, MARK_END = "<!-- http_bench:start -->", "<!-- http_bench:end -->"
PAGES = [
    "floor",
    "floor: raw SQL of the case list",
    "case list (unit)",
    "case detail",
    "search by name",
    "search by NIK",
    "intake submit (step 1)",
    "referral inbox",
    "mechanism monitoring",
    "city dashboard",
    "export (referral inbox CSV, queued)",
]

BASE = """
import json
from sipakatau.accounts.models import Organisation
from sipakatau.demo.services import demo_load
from tests.builders import issued_version

demo_load()
unit = Organisation.objects.filter(type="LBK_KK", area__code=PILOT).order_by("pk").first()
version = issued_version(unit)
print(json.dumps({"version": version.pk, "unit": unit.pk}))
"""

GENERATE = """
import json, random, time
from datetime import datetime
from zoneinfo import ZoneInfo
from django.db import connection
from sipakatau.cases.models import Case, CaseParty
from sipakatau.demo.generate import generate

started = time.perf_counter()
end = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Makassar"))
made = generate(CASES, seed=19, one_unit=ONE_UNIT, end=end)
seconds = time.perf_counter() - started
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
mine = Case.objects.filter(organisation_id=UNIT, register_number__startswith="GEN/")
rng = random.Random(5)
ids = list(mine.values_list("pk", flat=True)[:2000])
victims = (
    CaseParty.objects.filter(case__in=mine, role="VICTIM", person__nik_index__isnull=False)
    .select_related("person").order_by("pk")[:40]
)
people = [(party.person.name, party.person.nik) for party in victims]
print(json.dumps({
    "seconds": seconds, "in_unit": mine.count(), "counts": made.counts,
    "cases": rng.sample(ids, min(40, len(ids))), "people": people,
}))
"""

RAW_SQL = """
import json, time
from django.db import connection
from sipakatau.accounts.models import Membership
from sipakatau.cases import queries
from sipakatau.cases.forms.lists import CaseFilterForm

membership = Membership.objects.select_related("organisation", "user").get(
    user__username=USERNAME, is_active=True)
form = CaseFilterForm({}, organisation=membership.organisation)
listed = queries.cases_listed(membership, form.case_filter("unit", None))
sql, params = listed[:26].query.sql_with_params()
timings = []
with connection.cursor() as cursor:
    for n in range(REQUESTS + 3):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        if n >= 3:
            timings.append((time.perf_counter() - started) * 1000)
print(json.dumps(timings))
"""


def run_django(env: dict[str, str], code: str) -> dict:  # type: ignore[type-arg]
    script = "import django; django.setup()\n" + code
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def totp_code(username: str) -> str:
    import hashlib

    from django_otp.oath import totp

    key = hashlib.sha256(f"sipakatau-demo-totp:{username}".encode()).digest()[:20]
    return f"{totp(key, t0=0, step=30, digits=6, drift=0):06d}"


def sign_in(base: str, username: str) -> requests.Session:
    """Password, then the TOTP code, as a person signs in (the demo's keys)."""
    session = requests.Session()
    session.get(f"{base}/akun/masuk/", timeout=30)
    answer = session.post(
        f"{base}/akun/masuk/",
        data={
            "username": username,
            "password": "Coba-Sipakatau-2026",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )
    for attempt in range(2):
        answer = session.post(
            f"{base}/akun/verifikasi/",
            data={
                "token": totp_code(username),
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            timeout=30,
        )
        if "/akun/" not in answer.url:
            return session
        # A code is accepted once: on a kept database an earlier run may have used this
        # window's code. The next window's code is a new one.
        if attempt == 0:
            time.sleep(31 - time.time() % 30)
    raise RuntimeError(f"sign-in of {username} failed at {answer.url}")


def timed(call: object, n: int, budget: float, warm: int = 1) -> list[float]:
    """``n`` timings in ms, or fewer (at least ``MIN_TIMED``) once they add up to
    ``budget`` seconds: an export of every referral of the city takes seconds each."""
    timings: list[float] = []
    for i in range(n + warm):
        started = time.perf_counter()
        answer = call(i)  # type: ignore[operator]
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code >= 400:
            raise RuntimeError(f"{answer.request.method} {answer.url}: {answer.status_code}")
        if i >= warm:
            timings.append(elapsed)
            if len(timings) >= MIN_TIMED and sum(timings) > budget * 1000:
                break
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def worker_rss(server: Server) -> list[float]:
    assert server.process is not None
    master = psutil.Process(server.process.pid)
    return sorted(child.memory_info().rss / 2**20 for child in master.children(recursive=True))


PORTS = range(8400, 8500)  # this machine's share for the bench (see /tmp/rules.md)


def start_server(env: dict[str, str]) -> tuple[Server, int, float]:
    """gunicorn with 2 sync workers on a free port of ``PORTS``, and its start-up time
    (to the first answer); another port on a failed start (a port taken meanwhile)."""
    import random
    import socket

    candidates = list(PORTS)
    random.shuffle(candidates)
    for port in candidates[:5]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        server = Server(env, port, 2)
        started = time.perf_counter()
        try:
            server.start()
        except RuntimeError:
            server.kill()
            log = Path(env["SIPAKATAU_VAR_DIR"]) / "gunicorn.log"
            print(log.read_text(encoding="utf-8", errors="replace")[-1500:], flush=True)
            continue
        return server, port, time.perf_counter() - started
    raise RuntimeError("gunicorn did not start on any free port")


def measure(
    env: dict[str, str],
    setup: dict,
    generated: dict,
    requests_n: int,
    budget: float,  # type: ignore[type-arg]
) -> dict:  # type: ignore[type-arg]
    load_before = os.getloadavg()[0]
    server, port, startup = start_server(env)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, list[float]] = {}
    try:
        coordinator = sign_in(base, COORDINATOR)
        head = sign_in(base, CITY_HEAD)
        uptd = sign_in(base, RECIPIENT)
        csrf = coordinator.cookies["csrftoken"]
        cases, people = generated["cases"], generated["people"]

        def search(kind: int) -> object:
            def call(i: int) -> object:
                name, nik = people[i % len(people)]
                return coordinator.post(
                    f"{base}/kasus/?tab=unit",
                    data={"q": name if kind == 0 else nik, "csrfmiddlewaretoken": csrf},
                    timeout=60,
                )

            return call

        def intake(i: int) -> object:
            return coordinator.post(
                f"{base}/kasus/baru/",
                data={
                    "intake_key": str(uuid.uuid4()),
                    "channel": "WALK_IN",
                    "reported_at": "2026-11-30T10:00",
                    "csrfmiddlewaretoken": csrf,
                },
                allow_redirects=False,
                timeout=60,
            )

        pages = {
            "floor": lambda i: coordinator.get(f"{base}/bench-floor/", timeout=60),
            "case list (unit)": lambda i: coordinator.get(f"{base}/kasus/?tab=unit", timeout=60),
            "case detail": lambda i: coordinator.get(
                f"{base}/kasus/{cases[i % len(cases)]}/", timeout=60
            ),
            "search by name": search(0),
            "search by NIK": search(1),
            "intake submit (step 1)": intake,
            "referral inbox": lambda i: uptd.get(f"{base}/rujukan/", timeout=60),
            "mechanism monitoring": lambda i: coordinator.get(
                f"{base}/kasus/pemantauan-mekanisme/{setup['version']}/", timeout=60
            ),
            "city dashboard": lambda i: head.get(f"{base}/statistik/", timeout=120),
            # A job prepares the file (issue 20): this times the request that queues it
            # and the file's page it leads to, not the job.
            "export (referral inbox CSV, queued)": lambda i: uptd.post(
                f"{base}/rujukan/ekspor.csv",
                data={"csrfmiddlewaretoken": uptd.cookies["csrftoken"]},
                timeout=120,
            ),
        }
        # Warm up: every page once (each timing then starts with one more, untimed).
        for call in pages.values():
            call(0)
        rss_warm = worker_rss(server)
        for name, call in pages.items():
            try:
                results[name] = timed(call, requests_n, budget)
                print(f"  {name}: {len(results[name])} requests", flush=True)
            except (RuntimeError, requests.RequestException) as error:
                print(f"  {name}: FAILED {error}", flush=True)
        rss_after = worker_rss(server)
    finally:
        server.kill()
    results["floor: raw SQL of the case list"] = run_django(
        env, f"USERNAME = {COORDINATOR!r}\nREQUESTS = {requests_n}\n" + RAW_SQL
    )
    load = f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
    return {
        "startup": startup,
        "rss_warm": rss_warm,
        "rss_after": rss_after,
        "pages": results,
        "load": load,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="cases, comma-separated")
    parser.add_argument("--layouts", default="spread,piled", help="spread, piled or both")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--budget",
        type=float,
        default=10,
        help="seconds per page: stop timing it there (after at least 5 requests)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the generated data in DIR (and PostgreSQL databases named after it) "
        "and reuse it on the next run with the same DIR: migrated, not generated again",
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    # A SIGTERM ends the run through the cleanup below (gunicorn, scratch databases).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sizes = [int(size) for size in args.sizes.split(",")]
    layouts = args.layouts.split(",")

    if args.keep:
        scratch = Path(args.keep).resolve()
        scratch.mkdir(parents=True, exist_ok=True)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="sipakatau-http-"))
    env = server_env(scratch, SIPAKATAU_DEMO="true", SIPAKATAU_BENCH_FLOOR="1")
    pg_url = os.environ.get("DATABASE_URL", "")
    database = "SQLite"
    if pg_url:
        name = urlsplit(pg_url).path.strip("/") or "sipakatau"
        if not re.fullmatch(r"[a-z0-9_]{1,50}", name):
            parser.error("DATABASE_URL's database name must be lower-case letters, digits, _")
        database = "PostgreSQL"

    def database_url(suffix: str) -> str:
        return urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}_{suffix}"))

    template_var = scratch / "template"
    results: dict[tuple[str, int], dict] = {}  # type: ignore[type-arg]
    made: list[str] = []  # scratch databases to drop at the end
    try:
        base_env = {**env, "SIPAKATAU_VAR_DIR": str(template_var)}
        if pg_url:
            base_env["DATABASE_URL"] = database_url("http_t")
        setup_file = scratch / "template.json"
        if args.keep and setup_file.exists():
            setup = json.loads(setup_file.read_text())
        else:
            shutil.rmtree(template_var, ignore_errors=True)
            template_var.mkdir()
            if pg_url:
                psql(
                    pg_url,
                    f"DROP DATABASE IF EXISTS {name}_http_t",
                    f"CREATE DATABASE {name}_http_t",
                )
                if not args.keep:
                    made.append(f"{name}_http_t")
            migrate(base_env)
            setup = run_django(base_env, f"PILOT = {PILOT!r}\n" + BASE)
            if args.keep:
                setup_file.write_text(json.dumps(setup))
        for layout in layouts:
            for size in sizes:
                run_var = scratch / f"{layout}-{size}"
                run_env = {**env, "SIPAKATAU_VAR_DIR": str(run_var)}
                run_db = f"http_{layout}_{size}" if args.keep else "http"
                if pg_url:
                    run_env["DATABASE_URL"] = database_url(run_db)
                kept = scratch / f"{layout}-{size}.json"
                if args.keep and kept.exists():
                    print(f"{database}, {layout}, {size:,} cases: kept in {run_var}", flush=True)
                    migrate(run_env)
                    generated = json.loads(kept.read_text())
                else:
                    shutil.rmtree(run_var, ignore_errors=True)
                    shutil.copytree(template_var, run_var)
                    if pg_url:
                        psql(
                            pg_url,
                            f"DROP DATABASE IF EXISTS {name}_{run_db} WITH (FORCE)",
                            f"CREATE DATABASE {name}_{run_db} TEMPLATE {name}_http_t",
                        )
                        if not args.keep:
                            made.append(f"{name}_{run_db}")
                    one_unit = PILOT if layout == "piled" else None
                    print(f"{database}, {layout}, {size:,} cases: generating", flush=True)
                    generated = run_django(
                        run_env,
                        f"CASES = {size}\nONE_UNIT = {one_unit!r}\nUNIT = {setup['unit']}\n"
                        + GENERATE,
                    )
                    if args.keep:
                        kept.write_text(json.dumps(generated))
                print(
                    f"  generated in {generated['seconds']:.0f} s; "
                    f"{generated['in_unit']:,} cases in the pilot unit",
                    flush=True,
                )
                result = measure(run_env, setup, generated, args.requests, args.budget)
                result["generated"] = generated
                results[(layout, size)] = result
                print(table(database, {(layout, size): result}, sizes), flush=True)
                if not args.keep:
                    shutil.rmtree(run_var, ignore_errors=True)
    finally:
        if pg_url:
            psql(pg_url, *(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)" for db in made))
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    text = table(database, results, sizes, header=f"sizes {args.sizes}, layouts {args.layouts}")
    print(text)
    if args.write:
        write(text)
    return 0


def migrate(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )


def table(
    database: str,
    results: dict[tuple[str, int], dict],  # type: ignore[type-arg]
    sizes: list[int],
    header: str = "",
) -> str:
    lines = []
    if header:
        lines.append(
            f"### {database}, {header}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
            f"{os.cpu_count()} CPUs, gunicorn 2 sync workers"
        )
        lines.append("")
    lines.append(
        "| layout | cases (in the unit) | page | n | median ms | p95 ms | x floor (p95) "
        "| growth p95 |"
    )
    lines.append("|---|---|---|---:|---:|---:|---:|---:|")
    for (layout, size), result in results.items():
        pages = result["pages"]
        floor = p95(pages["floor"]) if "floor" in pages else None
        smallest = results.get((layout, min(sizes)))
        for page in PAGES:
            timings = pages.get(page)
            if not timings:
                lines.append(f"| {layout} | {size:,} | {page} | | failed | | | |")
                continue
            ratio = (
                "" if floor is None or page.startswith("floor") else f"{p95(timings) / floor:.1f}"
            )
            growth = ""
            if smallest is not None and size != min(sizes) and smallest["pages"].get(page):
                growth = f"{p95(timings) / p95(smallest['pages'][page]):.2f}"
            in_unit = result["generated"]["in_unit"]
            lines.append(
                f"| {layout} | {size:,} ({in_unit:,}) | {page} | {len(timings)} | "
                f"{statistics.median(timings):.1f} | {p95(timings):.1f} | {ratio} | {growth} |"
            )
    lines.append("")
    lines.append(
        "| layout | cases | generated in | gunicorn start-up "
        "| worker RSS after warm-up | after the run | load average (1 min) before / after |"
    )
    lines.append("|---|---|---:|---:|---|---|---|")
    for (layout, size), result in results.items():
        lines.append(
            f"| {layout} | {size:,} | {result['generated']['seconds']:.0f} s | "
            f"{result['startup']:.2f} s | "
            + ", ".join(f"{rss:.0f}" for rss in result["rss_warm"])
            + " MB | "
            + ", ".join(f"{rss:.0f}" for rss in result["rss_after"])
            + f" MB | {result.get('load', '')} |"
        )
    return "\n".join(lines)


def write(text: str) -> None:
    """Replace this run's table (same database, sizes and layouts) inside the marked
    section of docs/benchmarks.md; the other runs' tables stay."""
    path = ROOT / "docs" / "benchmarks.md"
    document = path.read_text(encoding="utf-8")
    if MARK_START not in document:
        document += f"\n{MARK_START}\n{MARK_END}\n"
    before, rest = document.split(MARK_START, 1)
    inside, after = rest.split(MARK_END, 1)
    parts = {
        part.split(";", 1)[0].strip(): part
        for part in re.split(r"(?m)^(?=### )", inside)
        if part.startswith("### ")
    }
    parts[text.split(";", 1)[0].strip()] = text.strip() + "\n\n"
    body = "".join(parts[key] for key in sorted(parts))
    path.write_text(f"{before}{MARK_START}\n{body}{MARK_END}{after}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
