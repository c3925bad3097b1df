"""Small-cell suppression, so that no published figure points at a person.

In a kelurahan, "2 victims with a disability, aged 13-17" is enough for neighbours to
know who went to the posko. Every count between 1 and the threshold (default 5,
``SIPAKATAU_SUPPRESSION_THRESHOLD``) is hidden (primary suppression; a zero says that
nobody was counted and is shown). Then complementary suppression: a table's rows add up
to its total, and a grid's cells to their row and column totals, so one hidden cell in a
row is the total minus the others. Each such sum ("equation") that hides exactly one
value hides one more — the smallest other part (non-zero first), else its total —
until every equation hides none or at least two values. Totals are values of the
equations too: a small total is hidden like a cell, and a hidden total is what keeps a
row from giving its single small cell away.

The result never carries the raw figure of a hidden value: callers only see ``None``.
"""

from collections.abc import Hashable
from dataclasses import replace
from fractions import Fraction

from django.conf import settings

from .indicators.base import Duration, Grid, Indicators, Row, Table

DEFAULT_THRESHOLD = 5

Position = Hashable
Equation = tuple[list[Position], Position]  # (parts, their total)


def threshold() -> int:
    """Read at call time, so an operator's change applies without a restart of the code
    that imported this module (and tests can change it)."""
    value = getattr(settings, "SIPAKATAU_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)
    return max(1, int(value))


def is_small(value: int, limit: int) -> bool:
    return 0 < value < limit


def _partner(
    values: dict[Position, int], hidden: set[Position], equation: Equation
) -> Position | None:
    """The value an equation hides next: its smallest visible non-zero part; else its
    total (every other part is zero, so the total would equal the hidden one); else a
    visible zero."""
    parts, total = equation
    visible_parts = [p for p in parts if p not in hidden]
    non_zero = [p for p in visible_parts if values[p] > 0]
    if non_zero:
        return min(non_zero, key=lambda p: values[p])
    if total not in hidden:
        return total
    return min(visible_parts, key=lambda p: values[p]) if visible_parts else None


def determined(equations: list[Equation], hidden: set[Position]) -> list[Position]:
    """Hidden values that the shown values and the sums fix exactly. Reduced row echelon
    form of the equations over the hidden values, in exact arithmetic: a hidden value is
    fixed iff some reduced row names it alone."""
    unknown = sorted(hidden, key=repr)
    index = {p: k for k, p in enumerate(unknown)}
    rows: list[list[Fraction]] = []
    for parts, total in equations:
        row = [Fraction(0)] * len(unknown)
        for p in parts:
            if p in index:
                row[index[p]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            rows.append(row)
    rank = 0
    for col in range(len(unknown)):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [value / lead for value in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    fixed = []
    for row in rows[:rank]:
        named = [k for k, value in enumerate(row) if value != 0]
        if len(named) == 1:
            fixed.append(unknown[named[0]])
    return fixed


def hidden_positions(
    values: dict[Position, int], equations: list[Equation], limit: int
) -> set[Position]:
    """The positions to hide: primary (small values), then complementary until no hidden
    value can be computed back. First the quick rule (an equation hiding exactly one
    value hides another), then the exact check, which also catches what only several
    equations together give away."""
    hidden = {position for position, value in values.items() if is_small(value, limit)}
    while True:
        changed = True
        while changed:
            changed = False
            for equation in equations:
                parts, total = equation
                if sum(1 for p in [*parts, total] if p in hidden) != 1:
                    continue
                choice = _partner(values, hidden, equation)
                if choice is not None:
                    hidden.add(choice)
                    changed = True
        fixed = determined(equations, hidden)
        if not fixed:
            return hidden
        before = len(hidden)
        for position in fixed:
            for equation in equations:
                if position in equation[0] or position == equation[1]:
                    choice = _partner(values, hidden, equation)
                    if choice is not None:
                        hidden.add(choice)
                        break
        if len(hidden) == before:
            return hidden  # nothing left to hide with (every value already hidden)


def suppress_table(table: Table, limit: int) -> Table:
    values: dict[Position, int] = {("row", i): row.value or 0 for i, row in enumerate(table.rows)}
    values["total"] = table.total or 0
    equations: list[Equation] = [([("row", i) for i in range(len(table.rows))], "total")]
    hidden = hidden_positions(values, equations, limit)
    rows = [
        Row(row.code, row.label, None if ("row", i) in hidden else row.value)
        for i, row in enumerate(table.rows)
    ]
    return replace(table, rows=rows, total=None if "total" in hidden else table.total)


def suppress_grid(grid: Grid, limit: int) -> Grid:
    n_rows, n_cols = len(grid.row_codes), len(grid.col_codes)
    values: dict[Position, int] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            values[(i, j)] = grid.cells[i][j] or 0
        values[(i, "total")] = grid.row_totals[i] or 0
    for j in range(n_cols):
        values[("total", j)] = grid.col_totals[j] or 0
    values[("total", "total")] = grid.total or 0
    equations: list[Equation] = [
        ([(i, j) for j in range(n_cols)], (i, "total")) for i in range(n_rows)
    ]
    equations += [([(i, j) for i in range(n_rows)], ("total", j)) for j in range(n_cols)]
    equations.append(([(i, "total") for i in range(n_rows)], ("total", "total")))
    equations.append(([("total", j) for j in range(n_cols)], ("total", "total")))
    hidden = hidden_positions(values, equations, limit)

    def shown(position: Position, value: int | None) -> int | None:
        return None if position in hidden else value

    return replace(
        grid,
        cells=[[shown((i, j), grid.cells[i][j]) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[shown((i, "total"), grid.row_totals[i]) for i in range(n_rows)],
        col_totals=[shown(("total", j), grid.col_totals[j]) for j in range(n_cols)],
        total=shown(("total", "total"), grid.total),
    )


def suppress_duration(duration: Duration, limit: int) -> Duration:
    """A median over two cases is each case's own time: shown from ``limit`` items on."""
    if duration.count is not None and is_small(duration.count, limit):
        return replace(duration, count=None, median_hours=None, mean_hours=None)
    return duration


def suppress(indicators: Indicators, limit: int | None = None) -> Indicators:
    """The indicators as they may leave the unit: every small cell hidden."""
    limit = threshold() if limit is None else limit
    return indicators.with_(
        tables={key: suppress_table(t, limit) for key, t in indicators.tables.items()},
        grids={key: suppress_grid(g, limit) for key, g in indicators.grids.items()},
        durations={key: suppress_duration(d, limit) for key, d in indicators.durations.items()},
        suppressed=True,
        threshold=limit,
    )
