"""What an indicator is: a table of counts (one dimension), a grid (two), or the time a
step took. Values are ``None`` once hidden by ``suppression``; raw results never carry
``None``."""

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.functional import Promise

# A label: text, or a lazy translation rendered in the reader's language.
Label = str | Promise


@dataclass(frozen=True)
class Row:
    code: str
    label: Label
    value: int | None


@dataclass(frozen=True)
class Table:
    key: str
    title: Label
    counts: str  # what one unit of ``value`` is: "cases", "victims", "referrals", "reports"
    rows: list[Row]
    total: int | None
    # Not counted because no consent for statistics was recorded (or it was withdrawn).
    left_out: int = 0
    # A victim (or case) may count in several rows (several forms of violence), so the
    # rows add up to more than the total.
    several_per_item: bool = False

    def value(self, code: str) -> int | None:
        return next(row.value for row in self.rows if row.code == code)

    @property
    def hidden(self) -> bool:
        return self.total is None or any(row.value is None for row in self.rows)

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "counts": self.counts,
            "rows": [{"code": r.code, "label": str(r.label), "value": r.value} for r in self.rows],
            "total": self.total,
            "left_out": self.left_out,
            "several_per_item": self.several_per_item,
        }


@dataclass(frozen=True)
class Grid:
    """Rows by columns with their totals: the rows add up to the column totals and the
    columns to the row totals, which is what complementary suppression protects."""

    key: str
    title: Label
    counts: str
    row_codes: list[str]
    row_labels: list[Label]
    col_codes: list[str]
    col_labels: list[Label]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    left_out: int = 0

    def rows(self) -> list[tuple[Label, list[int | None], int | None]]:
        """(label, cells, total) per row, for templates."""
        return list(zip(self.row_labels, self.cells, self.row_totals, strict=True))

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "counts": self.counts,
            "rows": [
                {"code": code, "label": str(label), "cells": cells, "total": total}
                for code, label, cells, total in zip(
                    self.row_codes, self.row_labels, self.cells, self.row_totals, strict=True
                )
            ],
            "columns": [
                {"code": code, "label": str(label), "total": total}
                for code, label, total in zip(
                    self.col_codes, self.col_labels, self.col_totals, strict=True
                )
            ],
            "total": self.total,
            "left_out": self.left_out,
        }


@dataclass(frozen=True)
class Duration:
    """How long a step took, in hours, over ``count`` items (median and mean)."""

    key: str
    title: Label
    count: int | None
    median_hours: float | None
    mean_hours: float | None
    left_out: int = 0

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "count": self.count,
            "median_hours": self.median_hours,
            "mean_hours": self.mean_hours,
            "left_out": self.left_out,
        }


@dataclass(frozen=True)
class Indicators:
    """Every indicator of one scope and period."""

    scope_label: str
    period_code: str
    period_label: Label
    tables: dict[str, Table] = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)
    durations: dict[str, Duration] = field(default_factory=dict)
    suppressed: bool = False  # small cells hidden (see ``suppression``)
    threshold: int = 0

    def with_(self, **changes: Any) -> "Indicators":
        return replace(self, **changes)

    def as_data(self) -> dict[str, Any]:
        return {
            "scope": self.scope_label,
            "period": self.period_code,
            "period_label": str(self.period_label),
            "suppressed": self.suppressed,
            "threshold": self.threshold,
            "tables": {key: table.as_data() for key, table in self.tables.items()},
            "grids": {key: grid.as_data() for key, grid in self.grids.items()},
            "durations": {key: d.as_data() for key, d in self.durations.items()},
        }
