"""Taking a consistent snapshot out of a database and putting one back, per vendor.

SQLite: the online backup API copies the live file page by page into a private file.
PostgreSQL: ``pg_dump`` (plain SQL, so any later server can read it) and ``psql``.
"""

import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connections
from django.utils.translation import gettext as _

from .container import BackupError

DUMP_COMPLETE = b"-- PostgreSQL database dump complete"
_CHUNK = 1 << 20
# libpq options a Django OPTIONS dict may carry, and the variables pg_dump and psql read.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def private_file(path: Path) -> IO[bytes]:
    """A new file only its owner can read: snapshots and backups hold everything."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def sync_directory(path: Path) -> None:
    # A rename is durable only once the directory entry itself reaches the disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Database:
    """The database behind a Django connection alias, as plain settings."""

    vendor: str
    settings: dict[str, Any] = field(repr=False)

    @classmethod
    def for_alias(cls, alias: str) -> "Database":
        wrapper = connections[alias]
        if wrapper.vendor not in ("sqlite", "postgresql"):
            raise BackupError(
                _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
                % {"vendor": wrapper.vendor}
            )
        return cls(wrapper.vendor, dict(wrapper.settings_dict))

    # --- SQLite ---------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        name = str(self.settings["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError(_("An in-memory database cannot be backed up or restored."))
        return Path(name)

    def sqlite(self, path: Path | None = None) -> sqlite3.Connection:
        timeout = float(self.settings.get("OPTIONS", {}).get("timeout", 20))
        return sqlite3.connect(path or self.path, timeout=timeout, isolation_level=None)

    # --- PostgreSQL -----------------------------------------------------------------------

    def libpq(self) -> dict[str, str]:
        """Connection parameters in libpq's own names, empty ones left out."""
        options = self.settings.get("OPTIONS", {})
        params = {
            "dbname": self.settings.get("NAME") or "",
            "user": self.settings.get("USER") or "",
            "password": self.settings.get("PASSWORD") or "",
            "host": self.settings.get("HOST") or "",
            "port": str(self.settings.get("PORT") or ""),
            **{name: str(options[name]) for name in _LIBPQ_ENV if options.get(name)},
        }
        return {name: value for name, value in params.items() if value}

    def environment(self) -> dict[str, str]:
        """The environment for pg_dump and psql. The password travels here, never in the
        command line, where any user of the machine could read it with ``ps``."""
        env = dict(os.environ)
        names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
        names |= {"host": "PGHOST", "port": "PGPORT", **_LIBPQ_ENV}
        for name, value in self.libpq().items():
            env[names[name]] = value
        return env

    def postgresql(self) -> Any:
        import psycopg
        from psycopg.conninfo import make_conninfo

        try:
            return psycopg.connect(make_conninfo(**self.libpq()))
        except psycopg.Error as exc:
            raise BackupError(
                _("Cannot connect to the database: %(error)s") % {"error": exc}
            ) from exc


def first_table_with_rows(db: Database) -> str | None:
    """The name of a table that holds rows, or None when the database is empty."""
    if db.vendor == "sqlite":
        if not db.path.exists() or db.path.stat().st_size == 0:
            return None
        conn = db.sqlite()
        try:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                if conn.execute(f"SELECT 1 FROM {quoted} LIMIT 1").fetchone():  # noqa: S608
                    return str(name)
            return None
        finally:
            conn.close()
    with db.postgresql() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(tablename), tablename FROM pg_tables "
            "WHERE schemaname = current_schema() ORDER BY tablename"
        )
        for quoted, name in cursor.fetchall():
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return str(name)
    return None


# --- SQLite ---------------------------------------------------------------------------------


@contextmanager
def sqlite_snapshot(db: Database, workdir: Path) -> Iterator[Path]:
    """A consistent private copy of the live SQLite database, removed afterwards."""
    if not db.path.is_file():
        raise BackupError(_("There is no database at %(path)s.") % {"path": db.path})
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".backup-") as scratch:
        copy = Path(scratch) / "snapshot.sqlite3"
        private_file(copy).close()
        source, target = db.sqlite(), sqlite3.connect(copy)
        try:
            # One step (pages=-1) copies the whole database inside one read transaction:
            # under WAL the app keeps writing meanwhile, and the copy is one moment. Page
            # by page, SQLite restarts the copy after every commit by the app, and on a
            # busy day might never finish.
            source.backup(target, pages=-1)
            # A single self-contained file: no -wal beside it to lose on the way.
            target.execute("PRAGMA journal_mode=DELETE")
            check = target.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            source.close()
            target.close()
        if check != "ok":
            raise BackupError(
                _("The database failed its integrity check (%(result)s); it was not backed up.")
                % {"result": check}
            )
        yield copy


def sqlite_receive(chunks: Iterable[bytes], path: Path) -> None:
    """Write a restored database file (not yet in place)."""
    with private_file(path) as out:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if check != "ok":
        raise BackupError(
            _("The restored database failed its integrity check (%(result)s).") % {"result": check}
        )


def sqlite_install(db: Database, restored: Path) -> None:
    """Move a restored file into the configured place, if no one has the database open."""
    target = db.path
    if target.exists():
        try:
            conn = sqlite3.connect(target, timeout=0, isolation_level=None)
            try:
                # Leaving WAL mode needs the only connection to the database, so this is
                # also the check that the app is stopped; it folds a stray -wal in first.
                mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.OperationalError:
            mode = "locked"
        if str(mode).lower() != "delete":
            raise BackupError(
                _(
                    "The database %(path)s is in use. Stop the web server and the background "
                    "workers, then run the restore again."
                )
                % {"path": target}
            )
    for suffix in ("-wal", "-shm", "-journal"):
        # A journal left from the old file would be replayed into the restored one.
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(restored, target)
    sync_directory(target.parent)


# --- PostgreSQL -----------------------------------------------------------------------------


@contextmanager
def postgresql_snapshot(db: Database) -> Iterator[tuple[Any, str]]:
    """A read-only repeatable-read transaction and its exported snapshot id.

    pg_dump is pointed at the same snapshot, so the manifest computed in this transaction
    and the dump describe exactly the same moment, however busy the database is.
    """
    import psycopg

    conn = db.postgresql()
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        yield conn, str(snapshot)
    finally:
        conn.rollback()
        conn.close()


def _tail(errors: IO[bytes]) -> str:
    errors.seek(0)
    return errors.read().decode(errors="replace").strip()[-2000:]


def postgresql_dump(db: Database, snapshot: str) -> Iterator[bytes]:
    """The plain-SQL dump of the snapshot, in chunks."""
    command = [
        "pg_dump",
        "--format=plain",
        "--compress=0",
        # The restoring user owns everything; no roles of this server are assumed there.
        "--no-owner",
        "--no-privileges",
        # Lets a restore replace empty tables (a database made by ``migrate`` alone).
        "--clean",
        "--if-exists",
        f"--snapshot={snapshot}",
    ]
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(  # noqa: S603
                command, stdout=subprocess.PIPE, stderr=errors, env=db.environment()
            )
        except FileNotFoundError as exc:
            raise BackupError(_("pg_dump is not installed (Debian: postgresql-client).")) from exc
        assert process.stdout is not None
        try:
            while chunk := process.stdout.read(_CHUNK):
                yield chunk
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": _tail(errors)})


def postgresql_load(db: Database, chunks: Iterable[bytes]) -> None:
    """Feed a dump to psql as one transaction: all of it is restored, or nothing."""
    command = [
        "psql",
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        "--file=-",
    ]
    env = db.environment()
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c client_min_messages=warning").strip()
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(  # noqa: S603
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=env,
            )
        except FileNotFoundError as exc:
            raise BackupError(_("psql is not installed (Debian: postgresql-client).")) from exc
        assert process.stdin is not None
        try:
            for chunk in chunks:
                process.stdin.write(chunk)
        except BrokenPipeError:
            process.wait()
            raise BackupError(_("psql failed: %(error)s") % {"error": _tail(errors)}) from None
        except BaseException:
            # Kill, never close: at the end of its input psql would COMMIT a half restore.
            process.kill()
            process.wait()
            raise
        process.stdin.close()
        if process.wait() != 0:
            raise BackupError(_("psql failed: %(error)s") % {"error": _tail(errors)})
