"""One command runs everything: the web server and the jobs, supervised.

    manage.py serve                                # http://127.0.0.1:8000 (HOST, PORT)
    manage.py serve --bind 0.0.0.0:8000
    manage.py serve --env-file /etc/sipakatau/env  # what init_production wrote

Starts two child processes, each in a process group of its own: gunicorn (the production
WSGI server, ``sipakatau.wsgi``; workers from the CPU count) and django-q2's cluster
(``manage.py qcluster``: the outbox, the escalations, the reports, the backup; see
sipakatau.jobs.schedule). The schedules are registered first. A child that dies is
started again, with a log line (and a growing pause if it keeps dying). Ctrl-C or SIGTERM
stops both, gracefully, then whatever they left behind; the command exits 0.
"""

import argparse
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.jobs.schedule import schedules_register

logger = logging.getLogger("sipakatau.serve")

# Past this, a stopping child is killed (with what it started).
STOP_GRACE_SECONDS = 30.0
# A child that dies again within this many seconds of its start is started again only
# after a pause that doubles each time, up to RESTART_PAUSE_MAX.
QUICK_DEATH_SECONDS = 30.0
RESTART_PAUSE_MAX = 60.0


def web_workers() -> int:
    """One process per CPU plus one, 4 threads each; at least 2, at most 8 (memory)."""
    return min(max((os.cpu_count() or 1) + 1, 2), 8)


def static_files_stale() -> bool:
    """Whether STATIC_ROOT lacks WhiteNoise's manifest, or a source file is newer than it
    (a new release). Collecting compresses every file: minutes on a small server, so a
    restart of the same release skips it."""
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        return True
    collected = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False


def metrics_dir() -> Path:
    """An empty folder where every child counts its metrics, so that one scrape of
    /metrics sums the workers and the jobs (docs/operator.md, "Health, metrics and
    logs"); emptied at each start, before anything is forked."""
    folder = Path(settings.VAR_DIR) / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700, parents=True)
    return folder


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if serve itself is killed (SIGKILL), so no server
    is left behind holding the port."""
    os.setsid()
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float = 0.0
    exits: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            self.argv, env=self.env, preexec_fn=_die_with_parent
        )
        self.started_at = time.monotonic()
        logger.info("%s started (pid %s)", self.name, self.process.pid)

    def signal(self, signum: int) -> None:
        """Its main process only: gunicorn's master and the cluster's stop their own
        workers (a signal to each of them at once leaves the cluster hanging)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)


class Command(BaseCommand):
    help = "Serve the site (gunicorn) and run the jobs (django-q2), supervised; Ctrl-C stops all."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        host = os.environ.get("HOST") or "127.0.0.1"
        port = os.environ.get("PORT") or "8000"
        parser.add_argument(
            "--bind", default=f"{host}:{port}", help="address:port (default HOST:PORT)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("SIPAKATAU_WEB_WORKERS") or web_workers()),
            help="gunicorn worker processes (default: CPUs + 1, 2 to 8; SIPAKATAU_WEB_WORKERS)",
        )
        parser.add_argument(
            "--env-file",
            metavar="FILE",
            help="KEY=VALUE lines read into the environment before the settings (manage.py "
            "reads it, for every command; variables already set win)",
        )
        parser.add_argument("--no-jobs", action="store_true", help="the web server only")
        parser.add_argument(
            "--migrate",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="apply the migrations first (default: in production; a hub with several "
            "app servers migrates once, from one of them, and starts the others --no-migrate)",
        )
        parser.add_argument(
            "--collectstatic",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="collect the static files first (default: in production, when a source "
            "file is newer than the collected ones)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["env_file"]:
            # manage.py takes it off its command line; here only through call_command().
            raise CommandError("--env-file is read by manage.py: give it on manage.py's line.")
        self.check(display_num_errors=False)
        migrate = options["migrate"]
        if migrate is None:
            migrate = settings.PRODUCTION
        if migrate:
            logger.info("Applying the migrations")
            call_command("migrate", interactive=False, verbosity=0)
        collect = options["collectstatic"]
        if collect is None:
            collect = settings.PRODUCTION and static_files_stale()
        if collect:
            logger.info("Collecting the static files (compressed: this can take minutes)")
            call_command("collectstatic", interactive=False, verbosity=0)
        else:
            # WhiteNoise serves from the source folders outside production, and warns
            # at every start when STATIC_ROOT is missing.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        source = str(Path(settings.PACKAGE_DIR).parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
        env.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
        env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir()))
        web = [sys.executable, "-m", "gunicorn", "sipakatau.wsgi:application"]
        web += ["--bind", options["bind"], "--workers", str(max(options["workers"], 1))]
        web += ["--worker-class", "gthread", "--threads", "4", "--timeout", "60"]
        web += ["--graceful-timeout", str(int(STOP_GRACE_SECONDS) - 5), "--no-control-socket"]
        children = [Child("web server (gunicorn)", web, env)]
        if not options["no_jobs"]:
            schedules_register()
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            children.append(
                Child("jobs (django-q2 cluster)", [sys.executable, manage, "qcluster"], env)
            )
        self._supervise(children, options["bind"])

    def _supervise(self, children: list[Child], bind: str) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for child in children:
                child.start()
            what = "with the jobs" if len(children) > 1 else "without the jobs"
            self.stdout.write(f"Serving http://{bind}/ {what}; Ctrl-C stops everything.")
            while not stop.wait(0.5):
                for child in children:
                    self._look_after(child)
        finally:
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Stopped.")

    def _look_after(self, child: Child) -> None:
        now = time.monotonic()
        if child.process is None:
            if now >= child.restart_at:
                child.start()
            return
        code = child.process.poll()
        if code is None:
            return
        child.signal_group(signal.SIGKILL)  # whatever it started and left behind
        child.exits.append(code)
        child.process = None
        if now - child.started_at < QUICK_DEATH_SECONDS:
            child.quick_deaths += 1
        else:
            child.quick_deaths = 0
        pause = (
            min(2.0 ** (child.quick_deaths - 1), RESTART_PAUSE_MAX) if child.quick_deaths else 0.0
        )
        child.restart_at = now + pause
        logger.warning(
            "%s exited with code %s; starting it again in %.0f s", child.name, code, pause
        )

    def _stop_all(self, children: list[Child]) -> None:
        running = [child for child in children if child.process is not None]
        for child in running:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in time; killing it", child.name)
            child.signal_group(signal.SIGKILL)
            child.process.wait()
            logger.info("%s stopped", child.name)
            child.process = None
