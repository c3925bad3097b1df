"""SIPAKATAU_LOG_FORMAT=json: every log line one JSON object, and still no request body,
query string or person in it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SENTINEL = "Siti Lognamawati"
NIK = "7372014501900003"

# Run in a fresh interpreter: the log format is read when the settings load.
SCRIPT = f"""
import django
django.setup()
from django.test import Client
client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
# A form sent without its CSRF token (logged as Forbidden) and a page that does not exist
# (logged as Not Found), each carrying a name and a NIK in the body and the query string.
client.post("/lapor/?nik={NIK}", {{"name": "{SENTINEL}", "nik": "{NIK}"}})
client.post("/no-such-page/?name={SENTINEL}", {{"name": "{SENTINEL}", "nik": "{NIK}"}})
client.get("/no-such-page/", {{"q": "{SENTINEL}"}})
"""


def run_logged(tmp_path: Path, log_format: str) -> list[str]:
    env = {
        **os.environ,
        "SIPAKATAU_ENV": "test",
        "SIPAKATAU_LOG_FORMAT": log_format,
        "SIPAKATAU_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
    }
    env.pop("DATABASE_URL", None)  # no request here reads the database
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-W", "ignore", "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [line for line in done.stderr.splitlines() if line.strip()]


def test_every_line_is_one_json_object_without_personal_data(tmp_path: Path) -> None:
    lines = run_logged(tmp_path, "json")

    assert len(lines) >= 3, lines
    records = [json.loads(line) for line in lines]
    for record in records:
        assert isinstance(record, dict)
        assert {"time", "level", "logger", "message"} <= set(record)
    assert any(r["level"] == "WARNING" and "Not Found" in r["message"] for r in records)
    assert any("Forbidden" in r["message"] for r in records)
    text = "\n".join(lines)
    assert "Lognamawati" not in text
    assert NIK not in text


def test_the_default_stays_plain_text(tmp_path: Path) -> None:
    lines = run_logged(tmp_path, "text")

    assert lines
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[0])
