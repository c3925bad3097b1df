"""Reading a related row with only the fields a page shows of it."""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.db.models.manager import BaseManager

_M = TypeVar("_M", bound=Model)


def select_related_only(
    rows: BaseManager[_M] | QuerySet[_M],
    model: type[Model],
    shown: Iterable[str],
    *relations: str,
) -> QuerySet[_M]:
    """``select_related`` of each relation to ``model``, reading of it only the fields
    in ``shown`` (and its key). Everything else stays in the database: a field added to
    the model later is left out too, and one a page starts to show without naming it
    here costs a query per row, which the pages' query-count tests catch."""
    shown = set(shown)
    left_out = [
        f"{relation}__{field.name}"
        for relation in relations
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in shown
    ]
    return rows.all().select_related(*relations).defer(*left_out)
