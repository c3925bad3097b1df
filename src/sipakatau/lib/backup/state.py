"""What a database holds, in a form two copies can be compared by.

``database_state`` walks every table of the database, in primary-key order, and reduces
each to a row count and a SHA-256 of its rows in a stable textual form. Encrypted fields
are compared as the ciphertext that is stored: no key is needed, and nothing is decrypted.

The tables come from the database's own catalogue rather than from today's models, so a
backup made by an older version still verifies after a restore, before ``migrate`` runs;
the Django tables without a model (``django_migrations``) are covered as well. The
figures are meant to match between a database and its restored copy on the same vendor;
SQLite and PostgreSQL render values differently, so they are not comparable across.

The head of the audit chain (the latest event's sequence number and hash) is recorded as
well: it is what an operator anchors elsewhere, and a restore that loses the last event
must be seen to.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from tqdm import tqdm

# The chained log whose head a backup records, looked up by label so that ``lib`` does
# not import a domain app.
CHAIN_MODEL = "audit.AuditEvent"
_BATCH = 2000


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


@dataclass(frozen=True)
class DatabaseState:
    tables: dict[str, tuple[int, str]]  # table → (rows, sha256 of its rows)
    audit_head: ChainHead | None
    vendor: str

    @property
    def rows(self) -> int:
        return sum(rows for rows, _ in self.tables.values())

    @property
    def checksum(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.tables):
            rows, table_hash = self.tables[name]
            digest.update(f"{name}\t{rows}\t{table_hash}\n".encode())
        return digest.hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "tables": {name: {"rows": r, "sha256": h} for name, (r, h) in self.tables.items()},
            "rows": self.rows,
            "checksum": self.checksum,
            "audit_head": (
                {"seq": self.audit_head.seq, "hash": self.audit_head.hash}
                if self.audit_head
                else None
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "DatabaseState":
        head = data.get("audit_head")
        return cls(
            tables={n: (int(t["rows"]), str(t["sha256"])) for n, t in data["tables"].items()},
            audit_head=ChainHead(int(head["seq"]), str(head["hash"])) if head else None,
            vendor=str(data["vendor"]),
        )

    def differences(self, other: "DatabaseState") -> list[str]:
        """What ``other`` (the copy) has that differs from this state (the original)."""
        found = []
        for name in sorted(set(self.tables) | set(other.tables)):
            mine, theirs = self.tables.get(name), other.tables.get(name)
            if mine is None:
                found.append(f"table {name}: not in the backup, present in the database")
            elif theirs is None:
                found.append(f"table {name}: missing")
            elif mine[0] != theirs[0]:
                found.append(f"table {name}: {theirs[0]} rows, expected {mine[0]}")
            elif mine[1] != theirs[1]:
                found.append(f"table {name}: same row count, different content")
        if self.checksum != other.checksum and not found:
            found.append("checksum differs")
        if self.audit_head != other.audit_head:
            found.append(f"audit head: {other.audit_head}, expected {self.audit_head}")
        return found


@dataclass
class _Table:
    name: str
    columns: list[str]
    order: list[str] = field(default_factory=list)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: Any) -> list[_Table]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    tables = []
    for name in sorted(names):
        info = conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        columns = sorted(row[1] for row in info)
        keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
        tables.append(_Table(name, columns, [_quote(c) for c in keys or columns]))
    return tables


def _ordered(column: str, type_name: str) -> str:
    # Text sorts by the database's collation, which a restore into a database made with
    # another locale could change; the "C" collation never does.
    textual = type_name == "text" or type_name.startswith("character")
    return _quote(column) + (' COLLATE "C"' if textual else "")


def _postgresql_tables(conn: Any) -> list[_Table]:
    with conn.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                      coalesce(array_position(i.indkey::int2[], a.attnum), 0)
                 FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
                                    AND NOT a.attisdropped
                 LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"""
        )
        described = cursor.fetchall()
    by_table: dict[str, list[tuple[str, str, int]]] = {}
    for table, column, type_name, key_position in described:
        by_table.setdefault(table, []).append((column, type_name, key_position))
    tables = []
    for name in sorted(by_table):
        info = by_table[name]
        columns = sorted(column for column, _, _ in info)
        types = {column: type_name for column, type_name, _ in info}
        keys = [column for column, _, pos in sorted(info, key=lambda c: c[2]) if pos]

        tables.append(_Table(name, columns, [_ordered(c, types[c]) for c in keys or columns]))
    return tables


def _sqlite_text(value: object) -> object:
    # SQLite hands back its five storage classes; tag them so 1, 1.0 and "1" differ.
    if value is None:
        return None
    if isinstance(value, bytes):
        return "x:" + value.hex()
    if isinstance(value, float):
        return "f:" + repr(value)
    if isinstance(value, int):
        return f"i:{value}"
    return "s:" + str(value)


def _rows(conn: Any, vendor: str, table: _Table) -> Iterator[list[object]]:
    order = ", ".join(table.order)
    if vendor == "sqlite":
        columns = ", ".join(_quote(c) for c in table.columns)
        cursor = conn.execute(f"SELECT {columns} FROM {_quote(table.name)} ORDER BY {order}")  # noqa: S608
        for row in cursor:
            yield [_sqlite_text(value) for value in row]
        return
    # PostgreSQL renders each value as text itself, under the session settings fixed in
    # ``_prepare_postgresql``: one stable form per type without mapping Python types.
    columns = ", ".join(f"{_quote(c)}::text" for c in table.columns)
    with conn.cursor(name="sipakatau_state") as cursor:
        cursor.itersize = _BATCH
        cursor.execute(f"SELECT {columns} FROM {_quote(table.name)} ORDER BY {order}")  # noqa: S608
        for row in cursor:
            yield list(row)


def _prepare_postgresql(conn: Any) -> None:
    with conn.cursor() as cursor:
        cursor.execute(
            "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
            "SET bytea_output = 'hex'; SET extra_float_digits = 1"
        )


def _chain_head(conn: Any, vendor: str, table_names: set[str]) -> ChainHead | None:
    try:
        model = apps.get_model(CHAIN_MODEL)
    except LookupError:
        return None
    table = model._meta.db_table
    if table not in table_names:
        return None
    seq = _quote(model._meta.get_field("seq").column)
    hash_ = _quote(model._meta.get_field("hash").column)
    sql = f"SELECT {seq}, {hash_} FROM {_quote(table)} ORDER BY {seq} DESC LIMIT 1"  # noqa: S608
    if vendor == "sqlite":
        row = conn.execute(sql).fetchone()
    else:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
    return ChainHead(int(row[0]), str(row[1])) if row else None


def _hidden(progress: bool | None) -> bool | None:
    """tqdm's ``disable``: None shows the bar only on a terminal."""
    return None if progress is None else not progress


def database_state(conn: Any, vendor: str, *, progress: bool | None = False) -> DatabaseState:
    """Row counts, per-table hashes and the audit head of the database behind ``conn``.

    ``conn`` is a plain DB-API connection that this function may configure: a
    ``sqlite3.Connection``, or a ``psycopg.Connection`` inside the transaction whose
    snapshot should be described (a repeatable-read one when the database is live).
    """
    if vendor == "postgresql":
        _prepare_postgresql(conn)
        tables = _postgresql_tables(conn)
    elif vendor == "sqlite":
        tables = _sqlite_tables(conn)
    else:
        raise ValueError(f"unsupported database vendor: {vendor}")
    described: dict[str, tuple[int, str]] = {}
    shown = tqdm(tables, desc="Checksum", unit="table", disable=_hidden(progress), leave=False)
    for table in shown:
        digest = hashlib.sha256(json.dumps(table.columns).encode() + b"\n")
        count = 0
        for row in _rows(conn, vendor, table):
            digest.update(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
            digest.update(b"\n")
            count += 1
        described[table.name] = (count, digest.hexdigest())
    return DatabaseState(
        tables=described,
        audit_head=_chain_head(conn, vendor, set(described)),
        vendor=vendor,
    )
