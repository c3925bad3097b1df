"""Bring a backup back into a new, empty database, and prove it came back whole.

    manage.py restore /mnt/usb/sipakatau-20250101T020000Z.sipbak

The database named by the settings (the SQLite file, or DATABASE_URL) must be empty, and
for SQLite no one may have it open: stop the web server and workers first. Afterwards the
row counts, every table's checksum and the audit head are compared with the manifest
sealed in the backup; any difference makes the command fail. See
docs/security.md ("Backup and restore").
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.lib.backup import BackupError, backup_restore

from .backup import backup_keys, describe


class Command(BaseCommand):
    help = "Restore a backup into the configured (empty) database and verify it."
    # Backups must work when the rest of the app does not (that is when they matter), so
    # a broken URL or model check elsewhere must not stop them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .sipbak file")
        parser.add_argument("--key-file", help="open the backup with the key in this file")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                Path(options["path"]),
                keys=backup_keys(options["key_file"]),
                alias=options["database"],
                progress=False if options["no_progress"] else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        describe(self, result)
        if result.differences:
            raise CommandError(
                "The restored database does not match the backup. Do not use it:\n  "
                + "\n  ".join(result.differences)
            )
        self.stdout.write(
            self.style.SUCCESS("Restored: row counts, checksum and audit head match the backup.")
        )
        self.stdout.write("Next: manage.py migrate (if this version is newer), then start the app.")
