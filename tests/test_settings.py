"""The settings module reads the environment loudly, and production mode is safe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Neither our settings nor the browser tests' async switch may leak into the child.
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SIPAKATAU_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_production_mode_passes_the_deploy_check(tmp_path: Path) -> None:
    audit_key = tmp_path / "audit_key"
    audit_key.write_text("x" * 64)
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SIPAKATAU_ENV="production",
        SIPAKATAU_SECRET_KEY="k" * 20 + "-production-secret-that-is-long-and-random-1234567890",
        SIPAKATAU_AUDIT_KEY_FILE=str(audit_key),
        SIPAKATAU_ALLOWED_HOSTS="sipakatau.example.go.id",
        SIPAKATAU_BASE_URL="https://sipakatau.example.go.id",
        SIPAKATAU_VAR_DIR=str(tmp_path),
        **_production_keys(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _production_keys(tmp_path: Path) -> dict[str, str]:
    """Keys that later modules require in production, given through the environment."""
    import base64

    key = base64.b64encode(b"\x01" * 32).decode()
    return {
        "SIPAKATAU_FIELD_KEYS": f"k1:{key}",
        "SIPAKATAU_INDEX_KEY": "i1:" + base64.b64encode(b"\x02" * 32).decode(),
        "SIPAKATAU_BACKUP_KEY": base64.b64encode(b"\x03" * 32).decode(),
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SIPAKATAU_ENV": "prod"}, "SIPAKATAU_ENV='prod' must be one of"),
        ({"SIPAKATAU_DEBUG": "maybe"}, "SIPAKATAU_DEBUG='maybe' is not a boolean"),
        (
            {"SIPAKATAU_SESSION_IDLE_MINUTES": "ten"},
            "SIPAKATAU_SESSION_IDLE_MINUTES='ten' is not a whole number",
        ),
        ({"SIPAKATAU_ENV": "production"}, "SIPAKATAU_SECRET_KEY"),
        (
            {"SIPAKATAU_ENV": "production", "SIPAKATAU_DEMO": "1", "SIPAKATAU_SECRET_KEY": "x"},
            "SIPAKATAU_DEMO cannot be on",
        ),
    ],
)
def test_bad_values_stop_the_start_with_a_clear_message(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = _manage("check", SIPAKATAU_VAR_DIR=str(tmp_path), **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    from sipakatau.lib.env import env_str

    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    os.environ["SIPAKATAU_TEST_SECRET_FILE"] = str(secret)
    try:
        assert env_str("SIPAKATAU_TEST_SECRET") == "from-a-file"
    finally:
        del os.environ["SIPAKATAU_TEST_SECRET_FILE"]


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start() -> None:
    result = _manage("check", SIPAKATAU_TRUSTED_PROXIES="127.0.0.1,proxy.local")
    assert result.returncode != 0
    assert "SIPAKATAU_TRUSTED_PROXIES: 'proxy.local' is not an IP address" in result.stderr


def test_the_old_proxy_count_stops_the_start_and_names_its_replacement() -> None:
    result = _manage("check", SIPAKATAU_PROXY_COUNT="1")
    assert result.returncode != 0
    assert "replaced by SIPAKATAU_TRUSTED_PROXIES" in result.stderr
    assert _manage("check", SIPAKATAU_PROXY_COUNT="0").returncode == 0
