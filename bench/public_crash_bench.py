"""Crash test of the public report API: no report acknowledged to a reporter is ever lost
or stored twice, however often the server dies (SIGKILL, no clean shutdown).

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/public_crash_bench.py --reports 40 --kills 4

The real app is served by gunicorn on a free port against a fresh database: a SQLite
file in a temporary folder, or — when DATABASE_URL is set — a database of its own
(DATABASE_URL's name + ``_crash``, e.g. ``sipakatau_ci_crash``) created and dropped on the
same PostgreSQL server, so the database named in DATABASE_URL is never touched. Clients send
``--reports`` reports to ``POST /api/v1/public/reports``, each with its own
Idempotency-Key, and retry each one (same key) until the server acknowledges it. A killer
thread SIGKILLs gunicorn's whole process group (master and workers) at random moments,
``--kills`` times, and starts it again. Then the database is read directly: every key the
client saw acknowledged must be stored exactly once with the tracking code it received,
and nothing else may be stored. Exit status 1 on any loss, duplicate or mismatch.
"""

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
KELURAHAN = "73.72.03.1003"  # Watang Soreang, covered by LBK-KK Bahagia

SETUP = """
from sipakatau.accounts.models import OrganisationType
from sipakatau.accounts.services.setup import organisation_ensure
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
areas_load_parepare()
organisation_ensure(name="LBK-KK Bahagia", short_name="LBK-KK Bahagia",
    type=OrganisationType.LBK_KK, area=Area.objects.get(code="73.72.03.1003"))
"""

DUMP = """
import json
from sipakatau.public.models import PublicReport
print(json.dumps(list(PublicReport.objects.values_list("idempotency_key", "tracking_code"))))
"""


@dataclass
class Tally:
    acknowledged: dict[str, tuple[int, str]] = field(default_factory=dict)  # key: status, code
    retries: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retry(self, why: str) -> None:
        with self.lock:
            self.retries += 1
            self.errors[why] = self.errors.get(why, 0) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def django_run(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a fresh Python with Django set up (never in this process, so the
    bench holds no connection that could hide a lost commit)."""
    script = "import django; django.setup()\n" + code
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


def psql(url: str, *sql: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    for statement in sql:
        subprocess.run(  # noqa: S603
            ["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],  # noqa: S607
            check=True,
        )


def server_env(var_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a bench's server and its manage.py runs: this process's, with
    the source on the path, development settings without DEBUG (production's but for
    TLS), its own var folder, and ``settings`` (SIPAKATAU_... values) on top; SQLite
    unless ``scratch_databases`` points it at PostgreSQL."""
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
            "SIPAKATAU_ENV": "development",
            "SIPAKATAU_DEBUG": "false",
            "SIPAKATAU_VAR_DIR": str(var_dir),
            **settings,
        }
    )
    env.pop("DATABASE_URL", None)
    return env


def scratch_databases(env: dict[str, str], *suffixes: str) -> list[str]:
    """With DATABASE_URL set, fresh PostgreSQL databases beside its database, named
    ``<name>_<suffix>`` (dropped first if left by an earlier run), ``env`` pointed at the
    first; their names (none on SQLite). ``drop_databases`` removes them."""
    pg_url = os.environ.get("DATABASE_URL", "")
    if not pg_url:
        return []
    name = urlsplit(pg_url).path.strip("/") or "sipakatau"
    if not re.fullmatch(r"[a-z0-9_]{1,40}", name):
        raise SystemExit("DATABASE_URL's database name must be lower-case letters, digits, _")
    names = [f"{name}_{suffix}" for suffix in suffixes]
    for database in names:
        psql(pg_url, f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
    env["DATABASE_URL"] = urlunsplit(urlsplit(pg_url)._replace(path=f"/{names[0]}"))
    return names


def drop_databases(names: list[str]) -> None:
    for database in names:
        psql(os.environ["DATABASE_URL"], f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


class Server:
    """gunicorn in its own process group, so one SIGKILL takes the master and workers."""

    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen[bytes] | None = None
        self.log = open(Path(env["SIPAKATAU_VAR_DIR"]) / "gunicorn.log", "ab")  # noqa: SIM115

    def start(self) -> None:
        bind = f"127.0.0.1:{self.port}"
        command = [PYTHON, "-m", "gunicorn", "sipakatau.wsgi:application", "--bind", bind]
        command += ["--workers", str(self.workers), "--timeout", "60", "--graceful-timeout", "1"]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/lacak/", timeout=5)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start; see gunicorn.log") from None
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # it died on its own already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None


def send(port: int, key: str, n: int, tally: Tally, stop: threading.Event) -> None:
    body = json.dumps(
        {
            "kelurahan_code": KELURAHAN,
            "about_self": n % 2 == 0,
            "what_happened": f"Laporan uji ketahanan nomor {n}.",
        }
    ).encode()
    while not stop.is_set():
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/public/reports",
            data=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answer = json.loads(response.read())
                status = response.status
        except urllib.error.HTTPError as error:
            tally.retry(f"http {error.code}")
        except (OSError, ValueError) as error:  # refused, reset, timed out, cut short
            tally.retry(type(error).__name__)
        else:
            # 201: stored now. 200: stored by an earlier try whose answer the kill cut
            # off — the same report, acknowledged all the same (its PIN was lost with
            # the answer; the reporter would use the code and ask the unit).
            if status in (200, 201):
                with tally.lock:
                    tally.acknowledged[key] = (status, answer["tracking_code"].replace("-", ""))
                return
            tally.retry(f"http {status}")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    scratch = Path(tempfile.mkdtemp(prefix="sipakatau-crash-"))
    # Every report comes from 127.0.0.1 for one kelurahan: the flood limits would stop the
    # bench after five, which is not what it measures.
    env = server_env(
        scratch,
        SIPAKATAU_REPORTS_PER_ADDRESS_HOUR=str(10 * args.reports + 100),
        SIPAKATAU_REPORTS_PER_KELURAHAN_HOUR=str(10 * args.reports + 100),
    )
    databases = scratch_databases(env, "crash")
    try:
        return run(
            args, rng, env, scratch, f"postgresql ({databases[0]})" if databases else "sqlite"
        )
    finally:
        drop_databases(databases)


def run(
    args: argparse.Namespace, rng: random.Random, env: dict[str, str], scratch: Path, db: str
) -> int:
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    django_run(env, SETUP)
    port = free_port()
    server = Server(env, port, args.workers)
    server.start()
    tally = Tally()
    stop = threading.Event()
    clients_done = threading.Event()
    kills = 0

    def killer() -> None:
        nonlocal kills
        while kills < args.kills and not clients_done.is_set():
            time.sleep(rng.uniform(0.05, 0.6))
            if clients_done.is_set():
                return
            server.kill()
            kills += 1
            server.start()

    keys = [f"crash-{args.seed}-{n:06d}" for n in range(args.reports)]
    queue = list(enumerate(keys))
    queue_lock = threading.Lock()

    def client() -> None:
        while True:
            with queue_lock:
                if not queue:
                    return
                n, key = queue.pop(0)
            send(port, key, n, tally, stop)

    started = time.monotonic()
    kill_thread = threading.Thread(target=killer)
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    kill_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients_done.set()
    kill_thread.join()
    elapsed = time.monotonic() - started
    server.kill()

    stored: dict[str, list[str]] = {}
    for key, code in json.loads(django_run(env, DUMP)):
        stored.setdefault(key, []).append(code)
    lost = [k for k in tally.acknowledged if k not in stored]
    duplicated = [k for k, codes in stored.items() if len(codes) > 1]
    mismatched = [
        k for k, (_s, code) in tally.acknowledged.items() if k in stored and stored[k] != [code]
    ]
    extra = [k for k in stored if k not in tally.acknowledged]
    unanswered = [k for k in keys if k not in tally.acknowledged]
    late = sum(1 for status, _code in tally.acknowledged.values() if status == 200)

    print(f"Public report crash test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, database: {db}")
    print(f"reports sent        {args.reports} ({args.clients} clients, seed {args.seed})")
    print(f"gunicorn workers    {args.workers}")
    print(f"kills (SIGKILL)     {kills}")
    print(f"retries             {tally.retries} {dict(sorted(tally.errors.items()))}")
    print(f"acknowledged        {len(tally.acknowledged)} (201: {len(tally.acknowledged) - late},"
          f" 200 after a cut-off answer: {late})")  # fmt: skip
    print(f"stored              {sum(len(codes) for codes in stored.values())}")
    print(f"lost                {len(lost)}")
    print(f"duplicated          {len(duplicated)}")
    print(f"code mismatches     {len(mismatched)}")
    print(f"stored, not acked   {len(extra)}")
    print(f"never acknowledged  {len(unanswered)}")
    print(f"time                {elapsed:.1f} s")
    failed = lost or duplicated or mismatched or extra or unanswered
    print("RESULT              " + ("FAIL" if failed else "ok: nothing lost, nothing twice"))
    if not failed:
        subprocess.run(["rm", "-rf", str(scratch)], check=False)  # noqa: S603,S607
    else:
        print(f"kept for inspection: {scratch}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
