"""Encrypted, verifiable backups of the whole database, and their restore.

A backup is a consistent snapshot (SQLite's online backup API, or ``pg_dump`` on an
exported PostgreSQL snapshot), gzip-compressed and sealed with AES-256-GCM under the
backup key (see ``container``). Sealed inside it is a manifest of what the snapshot holds:
per-table row counts and hashes, a checksum over them and the head of the audit chain
(see ``state``). A restore goes only into an empty database, and is checked against that
manifest before anyone relies on it.

Nothing here knows about cases or people: the tables are whatever the database has.
"""

import os
import platform
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import django
from django.db import connections
from django.utils.translation import gettext as _
from tqdm import tqdm

from ..backup_names import SUFFIX
from .container import KEY_BYTES, BackupError, SealedReader, SealedWriter, decode_key, key_id
from .engines import (
    DUMP_COMPLETE,
    Database,
    first_table_with_rows,
    postgresql_dump,
    postgresql_load,
    postgresql_snapshot,
    private_file,
    sqlite_install,
    sqlite_receive,
    sqlite_snapshot,
    sync_directory,
)
from .state import ChainHead, DatabaseState, database_state

__all__ = [
    "KEY_BYTES",
    "BackupError",
    "BackupResult",
    "ChainHead",
    "DatabaseState",
    "backup_create",
    "backup_restore",
    "backup_verify",
    "database_state",
    "decode_key",
    "default_backup_name",
    "key_id",
    "live_state",
]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str
    created_at: str
    key_id: str
    expected: DatabaseState  # what the manifest says
    found: DatabaseState | None = None  # what a restore or verification found
    differences: tuple[str, ...] = ()


def default_backup_name(now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"sipakatau-{moment:%Y%m%dT%H%M%SZ}{SUFFIX}"


def _bar(progress: bool | None, **kwargs: Any) -> Any:
    # ``progress=None`` shows a bar only on a terminal (tqdm's own rule).
    return tqdm(
        disable=None if progress is None else not progress,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        leave=False,
        **kwargs,
    )


class _CountingReader:
    """A readable file that moves a progress bar as it is read."""

    def __init__(self, raw: IO[bytes], bar: Any) -> None:
        self._raw, self._bar = raw, bar

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._bar.update(len(data))
        return data


def _manifest(db: Database, created_at: str, state: DatabaseState, server: str) -> dict[str, Any]:
    return {
        "created_at": created_at,
        "vendor": db.vendor,
        "payload": "sqlite-database" if db.vendor == "sqlite" else "pg_dump-plain",
        "software": {
            "django": django.get_version(),
            "python": platform.python_version(),
            "server": server,
        },
        "state": state.to_json(),
    }


def backup_create(
    *,
    output: Path,
    key: bytes,
    workdir: Path,
    alias: str = "default",
    progress: bool | None = False,
) -> BackupResult:
    """Write a sealed snapshot of the database to ``output`` (which must not exist)."""
    db = Database.for_alias(alias)
    if connections[alias].in_atomic_block:
        # Our own open transaction would hide its writes or, on SQLite, block the copy.
        raise BackupError("a backup cannot be taken inside a transaction")
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    output = output.resolve()
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": output})
    partial = output.with_name(f".{output.name}.partial")
    try:
        with private_file(partial) as out:
            if db.vendor == "sqlite":
                with sqlite_snapshot(db, workdir) as copy:
                    conn = sqlite3.connect(copy)
                    try:
                        state = database_state(conn, "sqlite", progress=progress)
                    finally:
                        conn.close()
                    writer = SealedWriter(
                        out,
                        key=key,
                        vendor=db.vendor,
                        created_at=created_at,
                        manifest=_manifest(db, created_at, state, sqlite3.sqlite_version),
                    )
                    size = copy.stat().st_size
                    with copy.open("rb") as raw, _bar(progress, total=size, desc="Backup") as bar:
                        while chunk := raw.read(_CHUNK):
                            writer.write(chunk)
                            bar.update(len(chunk))
            else:
                with postgresql_snapshot(db) as (conn, snapshot):
                    state = database_state(conn, "postgresql", progress=progress)
                    writer = SealedWriter(
                        out,
                        key=key,
                        vendor=db.vendor,
                        created_at=created_at,
                        manifest=_manifest(db, created_at, state, str(conn.info.server_version)),
                    )
                    with _bar(progress, desc="Backup") as bar:
                        for chunk in postgresql_dump(db, snapshot):
                            writer.write(chunk)
                            bar.update(len(chunk))
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        try:
            # A link, not a rename, so that an existing backup is never overwritten.
            output.hardlink_to(partial)
        except FileExistsError as exc:
            raise BackupError(
                _("%(path)s already exists; choose another name.") % {"path": output}
            ) from exc
        except OSError:
            # FAT and exFAT (most USB disks) have no hard links; the check above must do.
            os.replace(partial, output)
        sync_directory(output.parent)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        vendor=db.vendor,
        created_at=created_at,
        key_id=key_id(key),
        expected=state,
    )


@contextmanager
def _open(
    path: Path, keys: Sequence[bytes], progress: bool | None, desc: str
) -> Iterator[SealedReader]:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise BackupError(
            _("Cannot open %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    with raw, _bar(progress, total=path.stat().st_size, desc=desc) as bar:
        yield SealedReader(_CountingReader(raw, bar), keys=keys)


def _result(
    path: Path, reader: SealedReader, found: DatabaseState | None, differences: list[str]
) -> BackupResult:
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        vendor=reader.header.vendor,
        created_at=reader.header.created_at,
        key_id=reader.header.key_id,
        expected=DatabaseState.from_json(reader.manifest["state"]),
        found=found,
        differences=tuple(differences),
    )


def _sqlite_state(path: Path, progress: bool | None) -> DatabaseState:
    conn = sqlite3.connect(path)
    try:
        return database_state(conn, "sqlite", progress=progress)
    finally:
        conn.close()


def backup_verify(
    path: Path, *, keys: Sequence[bytes], workdir: Path, progress: bool | None = False
) -> BackupResult:
    """Open and check a backup without touching the database.

    Every frame is authenticated. A SQLite snapshot is unpacked into a private scratch
    file and compared table by table with its manifest; a PostgreSQL dump can only be
    checked for completeness here (its content is checked by a restore drill).
    """
    with _open(path, keys, progress, "Verify") as reader:
        expected = DatabaseState.from_json(reader.manifest["state"])
        if reader.header.vendor == "sqlite":
            workdir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=workdir, prefix=".verify-") as scratch:
                copy = Path(scratch) / "restored.sqlite3"
                sqlite_receive(reader.chunks(), copy)
                found = _sqlite_state(copy, progress)
            return _result(path, reader, found, expected.differences(found))
        last = b""
        for chunk in reader.chunks():
            last = (last + chunk)[-4096:]
        complete = DUMP_COMPLETE in last
        return _result(path, reader, None, [] if complete else ["the dump is incomplete"])


def backup_restore(
    path: Path, *, keys: Sequence[bytes], alias: str = "default", progress: bool | None = False
) -> BackupResult:
    """Restore a backup into the (empty) database of ``alias`` and check it.

    The result's ``differences`` is empty only when row counts, every table's hash and the
    audit head all match the manifest.
    """
    db = Database.for_alias(alias)
    with _open(path, keys, progress, "Restore") as reader:
        if reader.header.vendor != db.vendor:
            raise BackupError(
                _("This is a backup of a %(backup)s database; the database here is %(here)s.")
                % {"backup": reader.header.vendor, "here": db.vendor}
            )
        table = first_table_with_rows(db)
        if table is not None:
            raise BackupError(
                _(
                    "The database is not empty (table %(table)s has rows). A restore goes only "
                    "into a new, empty database, so that nothing is overwritten: for SQLite, "
                    "move the database file away; for PostgreSQL, create a new database. Do "
                    "not run migrate before restoring."
                )
                % {"table": table}
            )
        # Our own connection must not hold the old file or a transaction open.
        connections[alias].close()
        expected = DatabaseState.from_json(reader.manifest["state"])
        if db.vendor == "sqlite":
            db.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=db.path.parent, prefix=".restore-") as scratch:
                restored = Path(scratch) / db.path.name
                sqlite_receive(reader.chunks(), restored)
                # Check before it replaces anything: a copy that does not match its own
                # manifest must never become the live database.
                found = _sqlite_state(restored, progress)
                differences = expected.differences(found)
                if not differences:
                    sqlite_install(db, restored)
            if not differences:
                found = _sqlite_state(db.path, progress)
                differences = expected.differences(found)
        else:
            postgresql_load(db, reader.chunks())
            with db.postgresql() as conn:
                found = database_state(conn, "postgresql", progress=progress)
            differences = expected.differences(found)
        return _result(path, reader, found, differences)


def live_state(alias: str = "default", *, progress: bool | None = False) -> DatabaseState:
    """The state of the database of ``alias``, read through a connection of its own."""
    db = Database.for_alias(alias)
    if db.vendor == "sqlite":
        return _sqlite_state(db.path, progress)
    with db.postgresql() as conn:
        return database_state(conn, "postgresql", progress=progress)
