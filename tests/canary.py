"""Canary discipline: plant a recognisable fake person, then prove that their name, NIK
and telephone number appear nowhere in plain text — database files, dumps, logs, emails,
error pages, exports.

    hits = scan(CANARY.needles(), database_snapshot(connection), caplog.text, mail.outbox[0].body)
    assert hits == []

Each needle is looked for case-insensitively, as UTF-8 and as UTF-16 (SQLite can store
text either way), and digit strings also with the separators people type.
"""

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper


@dataclass(frozen=True)
class Canary:
    name: str
    nik: str
    kk_number: str
    phone: str  # as typed: 08...
    address: str

    def needles(self) -> list[str]:
        """Every form in which these values could leak."""
        national = self.phone.lstrip("0")
        words = [word for word in self.name.split() if len(word) >= 5]
        return [
            self.name,
            *words,
            self.nik,
            self.kk_number,
            self.phone,
            "+62" + national,
            "62" + national,
            national,
            self.address,
        ]


# A name no real person has, a NIK and KK that are well-formed (Parepare, Soreang; a woman
# born 1 July 1990), a telephone number from the range reserved for nobody in particular.
CANARY = Canary(
    name="Canarywati Zzyzx",
    nik="7372034107900042",
    kk_number="7372030101190077",
    phone="081299887766",
    address="Jalan Kenari Zzyzx No. 13",
)


@dataclass(frozen=True)
class Hit:
    needle: str
    source: str
    offset: int
    encoding: str


Source = bytes | str | Path


def _as_bytes(source: Source) -> tuple[str, bytes]:
    if isinstance(source, Path):
        return str(source), source.read_bytes()
    if isinstance(source, str):
        return "text", source.encode("utf-8")
    return "bytes", bytes(source)


def scan(needles: Iterable[str], *sources: Source) -> list[Hit]:
    """Every place where a needle occurs in a source (bytes, text, or a file path)."""
    hits: list[Hit] = []
    wanted = [needle for needle in needles if needle]
    for source in sources:
        label, data = _as_bytes(source)
        # bytes.lower() folds only ASCII letters, which UTF-16 also stores as one byte
        # beside a zero byte: one lowered haystack serves every encoding.
        haystack = data.lower()
        for needle in wanted:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                start = haystack.find(needle.lower().encode(encoding).lower())
                if start >= 0:
                    hits.append(Hit(needle, label, start, encoding))
    return hits


def sqlite_snapshot(connection: BaseDatabaseWrapper) -> bytes:
    """The raw bytes of the SQLite database file, page by page, including what this
    connection has written but not yet committed (``sqlite3_serialize`` reads through the
    connection's own pager), so a test inside its transaction sees exactly what it wrote.
    The online backup API would wait forever for that transaction to end."""
    connection.ensure_connection()
    return bytes(connection.connection.serialize())


def postgresql_dump(connection: BaseDatabaseWrapper) -> bytes:
    """A plain-text ``pg_dump`` of the connection's database (committed data only)."""
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    command = ["pg_dump", "--no-owner", "--no-privileges", "--dbname", str(settings["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    return subprocess.run(command, check=True, capture_output=True, env=env).stdout  # noqa: S603


def database_snapshot(connection: BaseDatabaseWrapper) -> bytes:
    if connection.vendor == "sqlite":
        return sqlite_snapshot(connection)
    if connection.vendor == "postgresql":
        return postgresql_dump(connection)
    raise NotImplementedError(f"no snapshot for {connection.vendor}")
