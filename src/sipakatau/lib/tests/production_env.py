"""Helpers for tests that run the site the way production runs it: in a process of its own
with only the environment file's settings (manage.py init_production)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, ``#`` comments and blank lines skipped (as systemd reads them)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def production_environ(env_file: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any Sipakatau or database setting of the test
    run, and with the environment file's instead."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SIPAKATAU_")
        # (the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for this process)
        and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(read_env_file(env_file))
    environ.update(PYTHONPATH=str(REPO / "src"), DJANGO_SETTINGS_MODULE="sipakatau.settings")
    environ.update(extra)
    return environ


def manage(env_file: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter, manage.py, fixed arguments)
        [sys.executable, str(REPO / "manage.py"), *args],
        env=production_environ(env_file, **extra),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
