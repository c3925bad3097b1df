"""The gateway URL is checked when the settings are read: loudly, by variable name."""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("url", ["ftp://gateway.example/send", "gateway.example/send"])
def test_a_gateway_url_that_is_not_http_stops_the_start(url: str) -> None:
    env = {**os.environ, "SIPAKATAU_ENV": "test", "SIPAKATAU_SMS_GATEWAY_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.INSTALLED_APPS"],
        env={**env, "DJANGO_SETTINGS_MODULE": "sipakatau.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SIPAKATAU_SMS_GATEWAY_URL" in result.stderr
