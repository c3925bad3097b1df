"""Helpers of the tests that run the real thing in subprocesses (``manage.py serve``, two
job clusters): a scratch database of its own, free loopback ports, Django code run in a
fresh interpreter, and the whole process tree of a server (to show none is left behind).
"""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MANAGE = str(ROOT / "manage.py")


def free_port() -> int:
    """A free loopback port: from SIPAKATAU_TEST_PORTS ("8100-8199") where a machine
    shares its ports out, else any the kernel gives."""
    span = os.environ.get("SIPAKATAU_TEST_PORTS", "")
    candidates = range(0, 1)
    if span:
        low, high = (int(part) for part in span.split("-"))
        candidates = range(low, high + 1)
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError(f"no free port in {span}")


def psql(url: str, *statements: str) -> None:
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    for statement in statements:
        subprocess.run(  # noqa: S603
            ["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],  # noqa: S607
            check=True,
            capture_output=True,
        )


def base_env(folder: Path) -> dict[str, str]:
    """The environment of a served installation, without the test run's own settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SIPAKATAU_")
        and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
            "SIPAKATAU_ENV": "development",
            "SIPAKATAU_VAR_DIR": str(folder),
            "SIPAKATAU_STATIC_ROOT": str(folder / "static"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextlib.contextmanager
def scratch_database(backend: str, suffix: str) -> Iterator[str]:
    """ "" for SQLite (the file in SIPAKATAU_VAR_DIR), or the URL of a new PostgreSQL
    database ``<DATABASE_URL's name>_<suffix>``, dropped afterwards."""
    if backend == "sqlite":
        yield ""
        return
    pg_url = os.environ.get("DATABASE_URL", "")
    if not pg_url.startswith("postgres"):
        pytest.skip("PostgreSQL: set DATABASE_URL")
    name = (urlsplit(pg_url).path.strip("/") or "sipakatau") + "_" + suffix
    assert re.fullmatch(r"[a-z0-9_]{1,60}", name), name
    psql(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}"))
    finally:
        psql(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django(env: dict[str, str], code: str, *, log: Path) -> object:
    """Run ``code`` in a fresh Python with ``env``'s settings; what it assigns to
    ``result`` comes back (through JSON on the last line of its output)."""
    wrapper = (
        "import json, sys, django\ndjango.setup()\nresult = None\n"
        + code
        + "\nprint('RESULT ' + json.dumps(result))\n"
    )
    with open(log, "ab") as out:
        done = subprocess.run(  # noqa: S603
            [PYTHON, "-c", wrapper],
            env=env,
            cwd=ROOT,
            check=False,
            stdout=subprocess.PIPE,
            stderr=out,
        )
    text = done.stdout.decode()
    out_lines = [line for line in text.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and out_lines, f"the Django snippet failed; see {log}\n{text}"
    return json.loads(out_lines[-1][len("RESULT ") :])


def migrate(env: dict[str, str], *, log: Path) -> None:
    """Apply the migrations to ``env``'s (scratch) database in a fresh Python."""
    django(
        env,
        "from django.core.management import call_command\n"
        "call_command('migrate', interactive=False, verbosity=0)\n"
        "result = True",
        log=log,
    )


def tree(pid: int) -> list[psutil.Process]:
    """The process and every process under it."""
    try:
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def still_running(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            continue
    return alive
