"""deploy/: the systemd units pass `systemd-analyze verify`, the Caddyfile `caddy validate`.
(nginx runs for real in test_deploy_nginx.py.)"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .production_env import REPO

DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def test_there_is_a_web_unit_and_a_worker_unit() -> None:
    assert [unit.name for unit in UNITS] == ["sipakatau-worker.service", "sipakatau.service"]
    web = (DEPLOY / "systemd" / "sipakatau.service").read_text()
    assert "manage.py serve --env-file /var/lib/sipakatau/sipakatau.env" in web


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian package systemd, .ci/system-packages)",
)
@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_the_unit_passes_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    # verify checks that ExecStart's program exists: point the unit at this checkout.
    text = unit.read_text().replace("/opt/sipakatau", str(REPO))
    text = text.replace("/var/lib/sipakatau", str(tmp_path))
    (tmp_path / "sipakatau.env").write_text("SIPAKATAU_ENV=production\n")
    rendered = tmp_path / unit.name
    rendered.write_text(text)

    verified = subprocess.run(  # noqa: S603 (a fixed program, our own unit)
        [shutil.which("systemd-analyze") or "systemd-analyze", "verify", str(rendered)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    # A misspelt setting is only a warning, with exit 0: nothing may be printed at all.
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout + verified.stderr == ""


@pytest.mark.skipif(
    shutil.which("caddy") is None,
    reason="caddy is not installed (Debian package caddy, .ci/system-packages)",
)
def test_the_caddyfile_passes_caddy_validate_without_warnings(tmp_path: Path) -> None:
    validated = subprocess.run(  # noqa: S603 (a fixed program, our own file)
        [
            shutil.which("caddy") or "caddy",
            "validate",
            "--adapter",
            "caddyfile",
            "--config",
            str(DEPLOY / "caddy" / "Caddyfile"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
        | {"XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert validated.returncode == 0, validated.stderr
    assert "Valid configuration" in validated.stdout + validated.stderr
    assert '"level":"warn"' not in validated.stderr, validated.stderr
