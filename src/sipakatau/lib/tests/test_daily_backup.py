"""The daily backup job writes nothing where backups are not configured, and says so.
(Where they are, it is ``backup_create``, tested in test_backup.py.)"""

from pathlib import Path

import pytest
from django.test import override_settings

from sipakatau.lib.tasks import daily_backup


def test_the_daily_backup_is_skipped_where_backups_are_not_configured(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with override_settings(BACKUP_SCHEDULED=False, BACKUP_DIR=tmp_path):
        assert daily_backup() == ""
    assert list(tmp_path.iterdir()) == []
    assert "Daily backup skipped" in caplog.text


def test_the_daily_backup_is_skipped_without_a_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with override_settings(BACKUP_SCHEDULED=True, BACKUP_DIR=tmp_path, BACKUP_KEY=b""):
        assert daily_backup() == ""
    assert list(tmp_path.iterdir()) == []
    assert "SIPAKATAU_BACKUP_KEY is not configured" in caplog.text
