"""Jobs of the ground floor, run by the queue (sipakatau.jobs schedules them)."""

import logging
from pathlib import Path

from django.conf import settings

from .backup import KEY_BYTES, backup_create, default_backup_name

logger = logging.getLogger(__name__)


def daily_backup() -> str:
    """An encrypted backup into BACKUP_DIR, where backups are configured (BACKUP_SCHEDULED);
    elsewhere a log line says why none was made. Returns the file's name, or ""."""
    key = settings.BACKUP_KEY
    if not settings.BACKUP_SCHEDULED:
        logger.info("Daily backup skipped: backups are not configured (set SIPAKATAU_BACKUP_DIR).")
        return ""
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        logger.warning("Daily backup skipped: SIPAKATAU_BACKUP_KEY is not configured.")
        return ""
    result = backup_create(
        output=Path(settings.BACKUP_DIR) / default_backup_name(),
        key=key,
        workdir=Path(settings.VAR_DIR),
    )
    logger.info("Daily backup written: %s (%s bytes)", result.path.name, result.size)
    return result.path.name
