"""Keyset pages, for the pages and the API alike (the API's wrapper is
``lib.api_pagination.KeysetPages``; this module imports no API library, so a worker
serving pages does not load one).

A long list is walked by position, not by number: the next page is "the rows after this
one" in the list's order, which an index on that order answers by reading the page's rows
alone, however long the list. A page number makes the database skip every row before it
and ``count`` read them all."""

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet

CURSOR_SALT = "sipakatau.keyset"


# A field of the list's order, and whether it runs from high to low.
KeyField = tuple["models.Field[Any, Any]", bool]


class BadCursor(ValueError):
    """A cursor that was not made here (edited, truncated, or signed with another key)."""


@dataclass
class Window:
    """One page of a keyset walk: its rows and the cursors to the pages either side
    (``None`` at either end)."""

    items: list[Any]
    next: str | None
    previous: str | None


def _key_fields(queryset: QuerySet[Any]) -> list[KeyField]:
    """The fields of the queryset's order and whether each is descending. The order must
    end in a unique field (the primary key) and name no nullable field, else two rows could
    share a position and one of them would be skipped."""
    meta = queryset.model._meta
    order = list(queryset.query.order_by) or list(meta.ordering)
    fields = []
    for name in order:
        if not isinstance(name, str):
            raise TypeError(f"A keyset order names fields, not {name!r}.")
        descending = name.startswith("-")
        field_name = name.lstrip("-")
        field = meta.pk if field_name == "pk" else meta.get_field(field_name)
        if field is None or not isinstance(field, models.Field) or field.null:
            raise TypeError(f"{field_name} cannot place a row: it is missing or nullable.")
        fields.append((field, descending))
    if not fields or not (fields[-1][0].primary_key or fields[-1][0].unique):
        raise TypeError("A keyset order must end with a unique field, such as the pk.")
    return fields


def _sign(key: list[str], backwards: bool) -> str:
    return signing.dumps({"k": key, "b": 1} if backwards else {"k": key}, salt=CURSOR_SALT)


def _encode(fields: list[KeyField], row: Any, backwards: bool) -> str:
    return _sign([field.value_to_string(row) for field, _descending in fields], backwards)


def _decode(fields: list[KeyField], cursor: str) -> tuple[list[str], list[Any], bool]:
    """The cursor's key as written, as values of the fields, and its direction."""
    try:
        payload = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature as error:
        raise BadCursor(cursor) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("k"), list):
        raise BadCursor(cursor)
    key = payload["k"]
    if len(key) != len(fields) or not all(isinstance(value, str) for value in key):
        raise BadCursor(cursor)
    try:
        values = [
            field.to_python(value) for (field, _descending), value in zip(fields, key, strict=True)
        ]
    except (DjangoValidationError, TypeError, ValueError) as error:
        raise BadCursor(cursor) from error
    if any(value is None for value in values):
        raise BadCursor(cursor)
    return key, values, bool(payload.get("b"))


def _beyond(fields: list[KeyField], values: list[Any], backwards: bool) -> Q:
    """The rows after ``values`` in the order (before them, ``backwards``):
    ``a > x OR (a = x AND b > y) …``, with ``a >= x`` alone in front so that a database
    sees the range on the index's first ordered column."""
    after = Q()
    for position in range(len(fields) - 1, -1, -1):
        field, descending = fields[position]
        lookup = "lt" if descending != backwards else "gt"
        step = Q(**{f"{field.name}__{lookup}": values[position]})
        if position < len(fields) - 1:
            step |= Q(**{field.name: values[position]}) & after
        after = step
    first, descending = fields[0]
    bound = "lte" if descending != backwards else "gte"
    return Q(**{f"{first.name}__{bound}": values[0]}) & after


def keyset_window(queryset: QuerySet[Any], cursor: str | None, size: int) -> Window:
    """The page of ``queryset`` at ``cursor`` (the first page without one): ``size`` rows
    read through the order's index, never a count. Raises ``BadCursor`` for a cursor not
    made here; a cursor stays valid while rows come and go (it names a position, not a
    row)."""
    fields = _key_fields(queryset)
    if not cursor:
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        following = _encode(fields, rows[-1], backwards=False) if more else None
        return Window(rows, following, None)
    key, values, backwards = _decode(fields, cursor)
    if backwards:
        order = [(field.name if descending else f"-{field.name}") for field, descending in fields]
        found = list(queryset.filter(_beyond(fields, values, True)).order_by(*order)[: size + 1])
        if len(found) <= size:  # back at the start: show the first page, whole
            return keyset_window(queryset, None, size)
        rows = found[:size][::-1]
        return Window(
            rows,
            _encode(fields, rows[-1], backwards=False),
            _encode(fields, rows[0], backwards=True),
        )
    found = list(queryset.filter(_beyond(fields, values, False))[: size + 1])
    rows = found[:size]
    following = _encode(fields, rows[-1], backwards=False) if len(found) > size else None
    # Past the end (its rows were removed meanwhile) the way back starts at the cursor.
    previous = _encode(fields, rows[0], backwards=True) if rows else _sign(key, backwards=True)
    return Window(rows, following, previous)
