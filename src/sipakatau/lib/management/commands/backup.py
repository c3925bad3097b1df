"""Write an encrypted, verifiable backup of the whole database, or check one.

    manage.py backup                       # into SIPAKATAU_BACKUP_DIR (var/backups)
    manage.py backup --output /mnt/usb/x.sipbak
    manage.py backup --verify PATH         # open and check a backup, restore nothing

The app may keep running: the snapshot is one consistent moment. See
docs/security.md ("Backup and restore").
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.lib.backup import (
    KEY_BYTES,
    BackupError,
    BackupResult,
    backup_create,
    backup_verify,
    decode_key,
    default_backup_name,
)


def configured_key() -> bytes:
    key = settings.BACKUP_KEY
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise CommandError("BACKUP_KEY is not configured (see SIPAKATAU_BACKUP_KEY).")
    return key


def backup_keys(key_file: str | None) -> list[bytes]:
    """The key to open backups with: the configured one, or one read from ``--key-file``."""
    if not key_file:
        return [configured_key()]
    try:
        return [decode_key(Path(key_file).read_text(encoding="utf-8"))]
    except OSError as exc:
        raise CommandError(f"Cannot read the key file {key_file}: {exc.strerror}") from exc
    except BackupError as exc:
        raise CommandError(f"{key_file}: {exc}") from exc


def describe(command: BaseCommand, result: BackupResult) -> None:
    state = result.found or result.expected
    command.stdout.write(f"  file:       {result.path} ({result.size:,} bytes)")
    command.stdout.write(f"  made:       {result.created_at} UTC, {result.vendor}")
    command.stdout.write(f"  key id:     {result.key_id}")
    command.stdout.write(f"  rows:       {state.rows:,} in {len(state.tables)} tables")
    command.stdout.write(f"  checksum:   {state.checksum}")
    head = state.audit_head
    command.stdout.write(f"  audit head: {head if head else '(no audit events)'}")


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (or check one with --verify)."
    # Backups must work when the rest of the app does not (that is when they matter), so
    # a broken URL or model check elsewhere must not stop them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="file to write (default: a new file in BACKUP_DIR)")
        parser.add_argument("--verify", metavar="PATH", help="check this backup; change nothing")
        parser.add_argument("--key-file", help="open the backup with the key in this file")
        parser.add_argument("--database", default="default", help="database alias")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = False if options["no_progress"] else None
        try:
            if options["verify"]:
                self._verify(Path(options["verify"]), options, progress)
                return
            if options["key_file"]:
                raise CommandError("--key-file is for --verify; backups use SIPAKATAU_BACKUP_KEY.")
            output = Path(options["output"] or settings.BACKUP_DIR / default_backup_name())
            result = backup_create(
                output=output,
                key=configured_key(),
                workdir=Path(settings.VAR_DIR),
                alias=options["database"],
                progress=progress,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Backup written."))
        describe(self, result)
        self.stdout.write(
            "Keep it away from this machine, and the backup key away from the backups."
        )

    def _verify(self, path: Path, options: dict[str, Any], progress: bool | None) -> None:
        result = backup_verify(
            path,
            keys=backup_keys(options["key_file"]),
            workdir=Path(settings.VAR_DIR),
            progress=progress,
        )
        describe(self, result)
        if result.differences:
            raise CommandError(
                "The backup does not match its own manifest:\n  " + "\n  ".join(result.differences)
            )
        if result.found is None:
            self.stdout.write(
                self.style.SUCCESS("Backup is intact and complete.")
                + " (A PostgreSQL dump's content is checked by a restore into a spare database.)"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("Backup is intact: row counts, checksum and audit head match.")
            )
