"""make upgrade (deploy/upgrade.sh): a backup first, then the migrations, then a restart;
nothing after a step that failed."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from .production_env import REPO, manage


def init_site(tmp_path: Path) -> Path:
    call_command("init_production", str(tmp_path / "site"), stdout=io.StringIO())
    return tmp_path / "site" / "sipakatau.env"


def upgrade(env_file: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SIPAKATAU_")}
    environ.pop("DATABASE_URL", None)
    environ.update(
        ENV_FILE=str(env_file),
        PYTHON=sys.executable,
        PYTHONPATH=str(REPO / "src"),
        DJANGO_SETTINGS_MODULE="sipakatau.settings",
        SITE_USER="no-such-account-here",
    )
    return subprocess.run(  # noqa: S603 (our own script)
        ["/bin/bash", str(REPO / "deploy" / "upgrade.sh")],
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_it_backs_up_migrates_and_says_what_to_restart(tmp_path: Path) -> None:
    env_file = init_site(tmp_path)
    assert manage(env_file, "migrate", "--no-input", "-v0").returncode == 0

    upgraded = upgrade(env_file)

    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    steps = [line for line in upgraded.stdout.splitlines() if line.startswith("== ")]
    assert steps == ["== backup", "== migrate", "== restart"]
    backups = list((tmp_path / "site" / "var" / "backups").iterdir())
    assert len(backups) == 1
    assert manage(env_file, "backup", "--verify", str(backups[0])).returncode == 0
    # No systemd runs the site here (a test machine): it says what to restart.
    assert "Restart the site now" in upgraded.stdout


def test_without_a_backup_nothing_is_migrated(tmp_path: Path) -> None:
    # A site never migrated has no database to back up: the backup fails, and so must the
    # upgrade, before the migrations.
    env_file = init_site(tmp_path)

    upgraded = upgrade(env_file)

    assert upgraded.returncode != 0
    assert "== migrate" not in upgraded.stdout
    assert not (tmp_path / "site" / "var" / "sipakatau.sqlite3").exists()


def test_an_unreadable_environment_file_stops_it(tmp_path: Path) -> None:
    upgraded = upgrade(tmp_path / "missing.env")
    assert upgraded.returncode == 1
    assert "cannot read ENV_FILE" in upgraded.stderr
    assert "== backup" not in upgraded.stdout
