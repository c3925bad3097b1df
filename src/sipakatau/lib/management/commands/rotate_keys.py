"""Re-encrypt every encrypted value under the newest field key.

Run after putting a new key first in SIPAKATAU_FIELD_KEYS (old keys still listed). It
finds every encrypted field of every installed model through the app registry, walks each
table in primary-key order in batches, and commits each batch on its own: killed at any
point, it loses at most one batch of work, and the next run skips every value already
under the newest key, so it simply carries on. When it reports nothing left, the old key
can be removed from the configuration.

Blind indexes are not touched: they use the separate index key (see docs/security.md ("The keys")).
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from sipakatau.lib.crypto import VERSION, DecryptionError, KeyRing, field_key_ring
from sipakatau.lib.fields import EncryptedMixin


@dataclass(frozen=True)
class EncryptedTable:
    model: type[models.Model]
    fields: tuple[EncryptedMixin, ...]

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]  # type: ignore[attr-defined]


def encrypted_tables() -> list[EncryptedTable]:
    """Every table holding encrypted columns, each table once."""
    tables = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue  # a proxy shares its table with the concrete model, done there
        # local_concrete_fields: a child model in multi-table inheritance lists only the
        # columns of its own table; the parent's are done with the parent.
        fields = tuple(f for f in meta.local_concrete_fields if isinstance(f, EncryptedMixin))
        if fields:
            tables.append(EncryptedTable(model, fields))
    return tables


def _pk_column(table: EncryptedTable) -> str:
    pk = table.model._meta.pk
    if pk is None or pk.column is None:
        raise CommandError(f"{table.model._meta.label} has no primary key column.")
    return pk.column


def _stale(column: str) -> str:
    q = connection.ops.quote_name
    return f"({q(column)} IS NOT NULL AND {q(column)} NOT LIKE %s)"


def count_stale(table: EncryptedTable, ring: KeyRing) -> int:
    prefix = f"{VERSION}:{ring.newest_id}:%"
    total = 0
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for column in table.columns:
            cursor.execute(
                f"SELECT COUNT(*) FROM {q(table.model._meta.db_table)} WHERE {_stale(column)}",  # noqa: S608
                [prefix],
            )
            total += cursor.fetchone()[0]
    return total


def _batches(
    table: EncryptedTable, ring: KeyRing, batch_size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows with at least one stale value, by primary key (the rewrite is compare-and-set,
    so a row changed between this read and the rewrite is left as the application wrote it)."""
    q = connection.ops.quote_name
    meta = table.model._meta
    pk = q(_pk_column(table))
    prefix = f"{VERSION}:{ring.newest_id}:%"
    any_stale = " OR ".join(_stale(column) for column in table.columns)
    select = ", ".join(q(column) for column in table.columns)
    last: Any = None
    while True:
        after = f"{pk} > %s AND " if last is not None else ""
        params = ([last] if last is not None else []) + [prefix] * len(table.columns) + [batch_size]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {select} FROM {q(meta.db_table)} "  # noqa: S608
                f"WHERE {after}({any_stale}) ORDER BY {pk} LIMIT %s",
                params,
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


# Run around each batch's rewrite, inside its transaction, with the model and the ids of
# the rows it rewrites. The audit app adds its row seals here (``audit.seals.resealing``):
# re-encryption changes how a value is stored, not what it says, so a row whose seal held
# before is sealed again after. Filled by apps, since lib imports no app.
REWRITE_GUARDS: list[Callable[[type[models.Model], list[Any]], AbstractContextManager[None]]] = []


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key, in resumable batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="stop after this many batches; run again to carry on",
        )

    def handle(self, *args: Any, batch_size: int, max_batches: int | None, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring = field_key_ring()
        tables = encrypted_tables()
        total = sum(count_stale(table, ring) for table in tables)
        rewritten = 0
        batches = 0
        stopped_early = False
        from tqdm import tqdm  # here: the audit app imports this module in every worker

        progress = tqdm(
            total=total,
            unit="value",
            desc=f"re-encrypting under {ring.newest_id}",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=options.get("verbosity", 1) == 0,
        )
        q = connection.ops.quote_name
        try:
            for table in tables:
                meta = table.model._meta
                update = "UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"
                for rows in _batches(table, ring, batch_size):
                    if max_batches is not None and batches >= max_batches:
                        stopped_early = True
                        break
                    done = self._rotate_batch(
                        table, ring, rows, update, q(meta.db_table), q(_pk_column(table))
                    )
                    rewritten += done
                    batches += 1
                    progress.update(done)
                if stopped_early:
                    break
        finally:
            progress.close()
        remaining = sum(count_stale(table, ring) for table in tables)
        self.stdout.write(
            f"Re-encrypted {rewritten} values under key {ring.newest_id!r} in {batches} batches; "
            f"{remaining} values still under older keys."
        )
        if stopped_early and remaining:
            self.stdout.write("Stopped after --max-batches; run the command again to carry on.")

    @staticmethod
    def _rotate_batch(
        table: EncryptedTable,
        ring: KeyRing,
        rows: list[tuple[Any, ...]],
        update: str,
        db_table: str,
        pk: str,
    ) -> int:
        q = connection.ops.quote_name
        done = 0
        # One transaction per batch: a crash loses this batch only, never half a row.
        with transaction.atomic(), ExitStack() as guards, connection.cursor() as cursor:
            for guard in REWRITE_GUARDS:
                guards.enter_context(guard(table.model, [row[0] for row in rows]))
            for row in rows:
                pk_value, values = row[0], row[1:]
                for field, column, token in zip(table.fields, table.columns, values, strict=True):
                    if token is None or ring.is_current(token):
                        continue
                    try:
                        fresh = ring.reencrypt(token, label=field.label)
                    except DecryptionError as exc:
                        raise CommandError(
                            f"{field.label} of row {pk_value}: {exc} Add the missing key to "
                            "SIPAKATAU_FIELD_KEYS and run again; this batch was undone, "
                            "earlier ones are kept."
                        ) from exc
                    # Compare-and-set: a value the application changed meanwhile is already
                    # under the newest key and must not be overwritten with the old one.
                    cursor.execute(
                        update.format(table=db_table, col=q(column), pk=pk),
                        [fresh, pk_value, token],
                    )
                    done += cursor.rowcount
        return done
