"""Row seals: detect edits made in the database behind the application's back.

The audit chain proves what the application *did*; it says nothing about a row that
someone changed afterwards with SQL (a case moved to another unit, a withdrawn consent
made active again, a referral sharing more than was consented). So the rows that decide
what happens to a survivor's data carry a seal:

    tag = HMAC(seal key, canonical(label, pk, the sealed columns as stored))

kept in ``RowSeal`` and rewritten by a signal receiver after every ``save()`` and
``delete()`` the application makes, inside the service's transaction (every service runs
in one; a bare ``save()`` in autocommit would commit the row and its seal one by one).
``verify_seals`` recomputes every tag and names each row that was edited, inserted
without a seal, or deleted leaving its seal.

Encrypted columns are sealed as their stored ciphertext, not the plaintext: checking needs
the audit key only (no field key, no personal data in memory), and a ciphertext moved
from one row to another (both open under the same field key and label) no longer matches,
because the seal binds the row's primary key.

Each app registers its own models from ``AppConfig.ready()`` (``seal_model``): this app
stands on the ground floor and imports none of them.

Limits:

- anyone holding the audit key can compute valid seals for any edit;
- a row put back to an earlier state *together with its earlier seal* (a replay from a
  backup) matches; only the audit chain, which is append-only, shows what happened since;
- a row that the application deletes takes its seal along, flagged or not;
- the application's own queryset ``update()`` and ``bulk_create()`` send no signal, so
  their rows would no longer match: such writes stay off the sealed columns
  (``Referral.escalated_at`` and the case deadlines are not sealed);
- re-encrypting under a new key changes the stored ciphertext: ``resealing`` keeps the
  seals that held before the rewrite (``rotate_keys`` must run its batches inside it).

A row whose seal no longer matches stays flagged when the application saves it again
(the save does not bless the edit): only an operator who has looked at it re-seals it.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import ExpressionWrapper, F, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.lib.fields import EncryptedMixin

from .models import RowSeal

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# The seal key is derived from the audit key, so a seal can never pass for a chain link.
_CONTEXT = b"sipakatau.row-seal.v1"
_INTACT = "_row_seal_intact"  # set on the instance between pre_save and post_save
_RAW = "sealed_raw_"


@dataclass(frozen=True)
class Sealed:
    """One sealed model and the names of its sealed fields, in registration order."""

    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_registry: dict[str, Sealed] = {}


def seal_model(model: type[models.Model], *, fields: Iterable[str]) -> None:
    """Seal ``fields`` of every row of ``model`` from now on. Call it from the model's
    ``AppConfig.ready()``; calling it again with the same fields changes nothing.

    Leave out columns that the application writes with a queryset ``update()`` (it sends
    no signal, so the seal would go stale) and timestamps nobody decides anything by.
    Changing the list changes every tag: add a migration that seals the rows again."""
    names = tuple(fields)
    meta = model._meta
    if meta.pk is None or not isinstance(meta.pk, models.IntegerField):
        raise ImproperlyConfigured(f"{meta.label}: only integer primary keys can be sealed.")
    if not names or len(set(names)) != len(names):
        raise ImproperlyConfigured(f"{meta.label}: name each sealed field once.")
    for name in names:
        found = meta.get_field(name)
        if not getattr(found, "concrete", False) or found.many_to_many:
            raise ImproperlyConfigured(f"{meta.label}.{name} is not a column.")
    registered = _registry.get(meta.label_lower)
    if registered is not None and registered.fields != names:
        raise ImproperlyConfigured(f"{meta.label} is already sealed with other fields.")
    _registry[meta.label_lower] = Sealed(model, names)
    uid = f"audit.row-seal:{meta.label_lower}"
    pre_save.connect(_before_save, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, weak=False, dispatch_uid=uid)


def sealed_models() -> list[Sealed]:
    return sorted(_registry.values(), key=lambda sealed: sealed.label)


def sealed_fields() -> dict[str, tuple[str, ...]]:
    """Label → sealed field names; the migrations that seal rows freeze a copy of this."""
    return {sealed.label: sealed.fields for sealed in sealed_models()}


# --- Tags ---------------------------------------------------------------------------------


def _key() -> bytes:
    return hmac.new(settings.AUDIT_KEY.encode(), _CONTEXT, hashlib.sha256).digest()


def _plain(value: Any) -> Any:
    """A column's value as JSON, the same on SQLite and PostgreSQL."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def row_tag(label: str, pk: int, names: Sequence[str], values: Sequence[Any], key: bytes) -> str:
    payload = {
        "label": label,
        "pk": pk,
        "columns": {name: _plain(value) for name, value in zip(names, values, strict=True)},
    }
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _selected(
    model: type[models.Model], names: Sequence[str]
) -> tuple[dict[str, ExpressionWrapper], list[str]]:
    """What to select for the sealed columns: plain ones by column name (a foreign key as
    its id), encrypted ones as their stored ciphertext (no decryption on the way out)."""
    raw: dict[str, ExpressionWrapper] = {}
    selected: list[str] = []
    for name in names:
        found = model._meta.get_field(name)
        attname = found.attname  # type: ignore[union-attr]
        if isinstance(found, EncryptedMixin):
            raw[_RAW + name] = ExpressionWrapper(F(attname), output_field=models.TextField())
            selected.append(_RAW + name)
        else:
            selected.append(attname)
    return raw, selected


def _row_batches(
    model: type[models.Model],
    names: Sequence[str],
    *,
    using: str,
    batch_size: int,
    pks: Iterable[int] | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """(pk, *sealed values) of the rows in primary-key order, ``batch_size`` at a time:
    one query per batch, whatever the number of rows."""
    raw, selected = _selected(model, names)
    base = model._base_manager.using(using).annotate(**raw).order_by("pk")
    if pks is not None:
        base = base.filter(pk__in=list(pks))
    last: int | None = None
    while True:
        page = base if last is None else base.filter(pk__gt=last)
        rows = list(page.values_list("pk", *selected)[:batch_size])
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last = rows[-1][0]


def seal_rows(
    model: type[models.Model],
    names: Sequence[str],
    *,
    pks: Iterable[int] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = BATCH_SIZE,
    seal_model_class: type[models.Model] = RowSeal,
) -> int:
    """Compute and store the seals of ``model``'s rows (those of ``pks``, or all of them),
    one batch per query pair. Seals what the rows hold *now*, tampering included: the
    application calls it right after its own writes; an operator only after looking.
    ``seal_model_class`` is the historical model inside a migration."""
    key = _key()
    label = model._meta.label_lower
    now = timezone.now()
    done = 0
    for rows in _row_batches(model, names, using=using, batch_size=batch_size, pks=pks):
        seals = [
            seal_model_class(
                label=label,
                object_id=row[0],
                tag=row_tag(label, row[0], names, row[1:], key),
                sealed_at=now,
            )
            for row in rows
        ]
        seal_model_class._default_manager.using(using).bulk_create(
            seals,
            update_conflicts=True,
            unique_fields=["label", "object_id"],
            update_fields=["tag", "sealed_at"],
        )
        done += len(seals)
    return done


def reseal(model: type[models.Model], pks: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Accept what the rows hold now (after an operator has looked at them)."""
    sealed = _registry[model._meta.label_lower]
    return seal_rows(sealed.model, sealed.fields, pks=pks, using=using)


# --- Keeping the seals with the application's writes --------------------------------------


def _intact(sealed: Sealed, pk: int, using: str) -> bool:
    """Whether the row's stored seal matches what the row holds now (one query)."""
    raw, selected = _selected(sealed.model, sealed.fields)
    seal = RowSeal.objects.filter(label=sealed.label, object_id=OuterRef("pk")).values("tag")
    found = (
        sealed.model._base_manager.using(using)
        .filter(pk=pk)
        .annotate(**raw, sealed_tag=Subquery(seal[:1]))
        .values_list("pk", "sealed_tag", *selected)
        .first()
    )
    if found is None:
        # No row: a seal left behind means the row was deleted outside the application.
        return not RowSeal.objects.using(using).filter(label=sealed.label, object_id=pk).exists()
    tag = row_tag(sealed.label, pk, sealed.fields, found[2:], _key())
    return found[1] is not None and hmac.compare_digest(tag, found[1])


def _touches(sealed: Sealed, update_fields: Iterable[str] | None) -> bool:
    """Whether a save writes a sealed column (a save of other columns leaves the seal as
    right, or as wrong, as it was)."""
    if update_fields is None:
        return True
    meta = sealed.model._meta
    columns = set(sealed.fields)
    columns.update(meta.get_field(name).attname for name in sealed.fields)  # type: ignore[union-attr]
    return not columns.isdisjoint(update_fields)


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or instance.pk is None:
        return  # a new row, or a fixture being loaded: sealed after the write
    sealed = _registry[sender._meta.label_lower]
    if not _touches(sealed, kwargs.get("update_fields")):
        return
    setattr(instance, _INTACT, _intact(sealed, instance.pk, kwargs.get("using") or "default"))


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    sealed = _registry[sender._meta.label_lower]
    intact = instance.__dict__.pop(_INTACT, True)
    if not kwargs.get("raw") and not _touches(sealed, kwargs.get("update_fields")):
        return
    if not intact:
        # Re-sealing now would bless whatever was changed behind the application's back.
        logger.warning(
            "Row seal of %s #%s did not match before this save; left as it was.",
            sealed.label,
            instance.pk,
        )
        return
    seal_rows(
        sealed.model, sealed.fields, pks=[instance.pk], using=kwargs.get("using") or "default"
    )


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    RowSeal.objects.using(kwargs.get("using") or "default").filter(
        label=sender._meta.label_lower, object_id=instance.pk
    ).delete()


@contextmanager
def resealing(
    model: type[models.Model], pks: Iterable[int], *, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """Around a rewrite that changes how values are stored but not what they say (the
    re-encryption of ``rotate_keys``): the rows whose seal held before are sealed again
    after; a row that was already tampered with stays flagged. Run it inside the
    rewrite's transaction."""
    sealed = _registry.get(model._meta.label_lower)
    if sealed is None:
        yield
        return
    wanted = sorted(set(pks))
    broken = {
        problem.object_id
        for problem in _verify_one(
            sealed, key=_key(), using=using, batch_size=BATCH_SIZE, pks=wanted
        )
    }
    yield
    seal_rows(
        sealed.model, sealed.fields, pks=[pk for pk in wanted if pk not in broken], using=using
    )


# --- Verification -------------------------------------------------------------------------


class SealProblem(StrEnum):
    EDITED = "edited"
    UNSEALED = "unsealed"
    ORPHANED = "orphaned"


def _explain(problem: SealProblem) -> str:
    return {
        SealProblem.EDITED: _("its sealed columns were changed outside the application"),
        SealProblem.UNSEALED: _(
            "it has no seal: it was added outside the application, or its seal was removed"
        ),
        SealProblem.ORPHANED: _("its seal has no row: it was deleted outside the application"),
    }[problem]


@dataclass(frozen=True)
class SealMismatch:
    """One row that does not match its seal. Names the row, never its values."""

    label: str
    object_id: int
    problem: SealProblem

    def __str__(self) -> str:
        return _("%(model)s #%(pk)s: %(problem)s: %(explanation)s") % {
            "model": self.label,
            "pk": self.object_id,
            "problem": self.problem.value,
            "explanation": _explain(self.problem),
        }


@dataclass(frozen=True)
class SealReport:
    checked: int  # rows read and compared (each sealed row, and each row lacking a seal)
    mismatches: list[SealMismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _seal_batches(
    label: str, *, using: str, batch_size: int, pks: Sequence[int] | None = None
) -> Iterator[list[tuple[int, str]]]:
    base = RowSeal.objects.using(using).filter(label=label).order_by("object_id")
    if pks is not None:
        base = base.filter(object_id__in=pks)
    last: int | None = None
    while True:
        page = base if last is None else base.filter(object_id__gt=last)
        seals = list(page.values_list("object_id", "tag")[:batch_size])
        if seals:
            yield seals
        if len(seals) < batch_size:
            return
        last = seals[-1][0]


def _flat(batches: Iterator[list[Any]]) -> Iterator[Any]:
    for batch in batches:
        yield from batch


def _verify_one(
    sealed: Sealed,
    *,
    key: bytes,
    using: str,
    batch_size: int,
    pks: Sequence[int] | None = None,
    counter: list[int] | None = None,
) -> Iterator[SealMismatch]:
    """A merge of the rows and the seals, both in primary-key order, batch by batch."""
    label = sealed.label
    rows = _flat(
        _row_batches(sealed.model, sealed.fields, using=using, batch_size=batch_size, pks=pks)
    )
    seals = _flat(_seal_batches(label, using=using, batch_size=batch_size, pks=pks))
    row, seal = next(rows, None), next(seals, None)
    while row is not None or seal is not None:
        if row is not None and (seal is None or row[0] < seal[0]):
            _count(counter)
            yield SealMismatch(label, row[0], SealProblem.UNSEALED)
            row = next(rows, None)
        elif seal is not None and (row is None or seal[0] < row[0]):
            yield SealMismatch(label, seal[0], SealProblem.ORPHANED)
            seal = next(seals, None)
        elif row is not None and seal is not None:
            _count(counter)
            if not hmac.compare_digest(
                row_tag(label, row[0], sealed.fields, row[1:], key), seal[1]
            ):
                yield SealMismatch(label, row[0], SealProblem.EDITED)
            row, seal = next(rows, None), next(seals, None)


def _count(counter: list[int] | None) -> None:
    if counter is not None:
        counter[0] += 1


def verify_seals(*, using: str = DEFAULT_DB_ALIAS, batch_size: int = BATCH_SIZE) -> SealReport:
    """Recompute the seal of every row of every sealed model. Memory and queries grow with
    the number of batches, not of rows; the answer names rows, never their values."""
    key = _key()
    checked = [0]
    mismatches: list[SealMismatch] = []
    for sealed in sealed_models():
        for mismatch in _verify_one(
            sealed, key=key, using=using, batch_size=batch_size, counter=checked
        ):
            mismatches.append(mismatch)
    return SealReport(checked=checked[0], mismatches=mismatches)
