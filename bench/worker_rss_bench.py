"""Worker memory: the RSS of each gunicorn worker after it served the everyday pages.

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/worker_rss_bench.py [--workers 2] [--rounds 20]

gunicorn (``--workers`` sync workers, as in production) serves a fresh SQLite database in a
scratch directory, with one unit, one signed-in caseworker and a few cases made through the
real services. Each worker is warmed up with the pages a caseworker opens all day — the
public home page, sign-in, the staff home page, the case list and a case detail — and then
its resident set size (RSS, what ``ps`` and the issue's target count) and unique set size
(USS, what it alone holds; the rest is shared libraries) are printed, with the heavy
libraries that must not be in it (see ``tests/test_lean_workers.py`` for the same check
inside one interpreter). The target is under 80 MB RSS per worker.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_crash_bench import PYTHON, ROOT, Server, django_run, free_port

SETUP = """
import json
from django.conf import settings
from django.urls import reverse
from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
from sipakatau.referrals.tests.support import case_with_victim
from tests.factories import make_user, signed_in_client

areas_load_parepare()
unit = organisation_ensure(name="LBK-KK Bahagia", short_name="Bahagia",
                           type=OrganisationType.LBK_KK,
                           area=Area.objects.get(code="73.72.03.1003"))
user = make_user(unit, Role.CASEWORKER)
worker = Membership.objects.get(user=user, organisation=unit)
cases = [case_with_victim(worker)[0].pk for _n in range(5)]
name = settings.SESSION_COOKIE_NAME
print(json.dumps({
    "cookie": f"{name}={signed_in_client(user).cookies[name].value}",
    "pages": [reverse("accounts:home"), reverse("cases:case_list"),
              reverse("cases:case_detail", args=[cases[0]])],
    "public": ["/", reverse("accounts:login")],
}))
"""

# Must stay out of a worker that never prints, exports or screens (issue 19).
HEAVY = ("weasyprint", "openpyxl", "docx", "pyxform", "pyzipper", "qrcode", "rule_engine")


def fetch(port: int, path: str, cookie: str = "") -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        answer.read()
        return int(answer.status)


def loaded_libraries(pid: int) -> set[str]:
    """The heavy libraries whose files the worker has mapped or opened (an import of a
    pure-Python package leaves no trace here, so this is a hint, not the proof: the test
    is)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {name for name in HEAVY if f"/{name}/" in maps or f"/{name}." in maps}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20, help="warm-up rounds of every page")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sipakatau-rss-"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
        "SIPAKATAU_ENV": "development",
        "SIPAKATAU_DEBUG": "false",
        "SIPAKATAU_VAR_DIR": str(scratch),
    }
    env.pop("DATABASE_URL", None)
    try:
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        setup = json.loads(django_run(env, SETUP).splitlines()[-1])
        port = free_port()
        server = Server(env, port, args.workers)
        server.start()
        try:
            assert server.process is not None
            master = psutil.Process(server.process.pid)
            workers = master.children()
            started = {worker.pid: worker.memory_info().rss for worker in workers}
            # Enough requests that every worker serves every page several times.
            for _round in range(args.rounds * args.workers):
                for path in setup["public"]:
                    assert fetch(port, path) == 200, path
                for path in setup["pages"]:
                    assert fetch(port, path, setup["cookie"]) == 200, path
            rows = [
                (
                    worker.pid,
                    started[worker.pid],
                    worker.memory_full_info(),
                    loaded_libraries(worker.pid),
                )
                for worker in workers
            ]
            master_rss = master.memory_info().rss
        finally:
            server.kill()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    mb = 1024 * 1024
    print(f"Worker memory, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, SQLite, {args.workers} workers,")
    print(f"{args.rounds} rounds of {', '.join(setup['public'] + setup['pages'])} per worker")
    print(f"{'worker':>8} {'RSS at start':>13} {'RSS warm':>9} {'USS warm':>9}  heavy libraries")
    for pid, start, info, heavy in rows:
        print(
            f"{pid:>8} {start / mb:>10.1f} MB {info.rss / mb:>6.1f} MB {info.uss / mb:>6.1f} MB"
            f"  {', '.join(sorted(heavy)) or 'none'}"
        )
    print(f"master: {master_rss / mb:.1f} MB RSS")
    worst = max(info.rss for _pid, _start, info, _heavy in rows)
    print(f"RESULT largest worker {worst / mb:.1f} MB RSS (target < 80 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
