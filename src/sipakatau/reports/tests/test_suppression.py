"""Small-cell suppression: nothing below the threshold is shown, and no hidden cell can
be computed back from what is shown (row and column totals included)."""

import random
from fractions import Fraction

import pytest

from sipakatau.reports.indicators.base import Duration, Grid, Indicators, Row, Table
from sipakatau.reports.suppression import suppress, suppress_grid, suppress_table


def table(*values: int) -> Table:
    rows = [Row(f"r{i}", f"r{i}", v) for i, v in enumerate(values)]
    return Table("t", "t", "victims", rows, sum(values))


def grid(cells: list[list[int]]) -> Grid:
    n_rows, n_cols = len(cells), len(cells[0])
    return Grid(
        "g",
        "g",
        "victims",
        [f"r{i}" for i in range(n_rows)],
        [f"r{i}" for i in range(n_rows)],
        [f"c{j}" for j in range(n_cols)],
        [f"c{j}" for j in range(n_cols)],
        [list(row) for row in cells],
        [sum(row) for row in cells],
        [sum(row[j] for row in cells) for j in range(n_cols)],
        sum(map(sum, cells)),
    )


def shown(t: Table) -> list[int | None]:
    return [row.value for row in t.rows]


def test_a_small_cell_hides_the_next_smallest_so_the_total_cannot_give_it_away() -> None:
    result = suppress_table(table(2, 10, 12, 0), 5)
    assert shown(result) == [None, None, 12, 0]
    assert result.total == 24


def test_a_small_only_cell_hides_the_total_too() -> None:
    result = suppress_table(table(3, 0, 0), 5)
    assert shown(result) == [None, 0, 0]
    assert result.total is None


def test_a_single_cell_beside_zeros_hides_the_total_even_when_large() -> None:
    # Total 3 is small itself; with 7 (not small) nothing is hidden at all.
    assert shown(suppress_table(table(7, 0), 5)) == [7, 0]
    result = suppress_table(table(4, 0, 9), 5)
    assert shown(result) == [None, 0, None]
    assert result.total == 13


def test_figures_at_the_threshold_and_zeros_are_shown() -> None:
    result = suppress_table(table(5, 0, 6), 5)
    assert shown(result) == [5, 0, 6]
    assert result.total == 11


def test_the_threshold_is_read_when_suppressing(settings: pytest.FixtureRequest) -> None:
    t = table(3, 10, 12)
    indicators = Indicators("s", "p", "p", tables={"t": t})
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 3  # type: ignore[attr-defined]
    assert shown(suppress(indicators).tables["t"]) == [3, 10, 12]
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 4  # type: ignore[attr-defined]
    assert shown(suppress(indicators).tables["t"]) == [None, None, 12]
    assert suppress(indicators).threshold == 4


def test_a_median_over_few_items_is_hidden() -> None:
    few = Duration("d", "d", 2, 5.0, 5.0)
    many = Duration("d", "d", 9, 5.0, 6.0)
    result = suppress(Indicators("s", "p", "p", durations={"few": few, "many": many}), 5)
    assert result.durations["few"].median_hours is None
    assert result.durations["few"].count is None
    assert result.durations["many"].median_hours == 5.0


# --- An attacker with the published grid --------------------------------------------------


def _equations(g: Grid) -> list[tuple[list[object], object]]:
    n_rows, n_cols = len(g.row_codes), len(g.col_codes)
    eqs: list[tuple[list[object], object]] = [
        ([(i, j) for j in range(n_cols)], (i, "t")) for i in range(n_rows)
    ]
    eqs += [([(i, j) for i in range(n_rows)], ("t", j)) for j in range(n_cols)]
    eqs.append(([(i, "t") for i in range(n_rows)], ("t", "t")))
    eqs.append(([("t", j) for j in range(n_cols)], ("t", "t")))
    return eqs


def _published(g: Grid) -> dict[object, int | None]:
    values: dict[object, int | None] = {}
    for i, row in enumerate(g.cells):
        for j, value in enumerate(row):
            values[(i, j)] = value
        values[(i, "t")] = g.row_totals[i]
    for j, value in enumerate(g.col_totals):
        values[("t", j)] = value
    values[("t", "t")] = g.total
    return values


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows]
    rank, n_cols = 0, len(rows[0]) if rows else 0
    for col in range(n_cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(g: Grid) -> list[object]:
    """Hidden values that the published values and sums determine exactly: a hidden value
    is determined iff its unit vector lies in the row space of the equations over the
    hidden values (exact arithmetic)."""
    values = _published(g)
    unknown = [p for p, v in values.items() if v is None]
    if not unknown:
        return []
    index = {p: k for k, p in enumerate(unknown)}
    matrix = []
    for parts, total in _equations(g):
        row = [Fraction(0)] * len(unknown)
        for p in parts:
            if p in index:
                row[index[p]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            matrix.append(row)
    if not matrix:
        return []
    base = _rank(matrix)
    found = []
    for p, k in index.items():
        unit = [Fraction(int(i == k)) for i in range(len(unknown))]
        if _rank([*matrix, unit]) == base:
            found.append(p)
    return found


def test_a_suppressed_cell_cannot_be_recovered_from_row_and_column_totals() -> None:
    # Given a grid with one small cell (2) whose row and column totals are large
    cells = [[2, 9, 14], [8, 11, 20], [15, 6, 30]]
    published = suppress_grid(grid(cells), 5)
    # Then the cell is hidden, with others beside it in its row and its column
    assert published.cells[0][0] is None
    assert sum(c is None for c in published.cells[0]) >= 2
    assert sum(row[0] is None for row in published.cells) >= 2
    # And the totals are still shown ...
    assert published.row_totals == [25, 39, 51]
    # ... but the attacker cannot solve for any hidden cell: subtracting the visible
    # cells from the row total leaves two unknowns, and so does every column.
    row_rest = published.row_totals[0] - sum(c for c in published.cells[0] if c is not None)
    assert row_rest == 2 + 9
    assert recoverable(published) == []


def test_the_attacker_would_recover_it_without_complementary_suppression() -> None:
    """The check above can fail: hiding only the small cell gives it away."""
    naive = grid([[2, 9, 14], [8, 11, 20], [15, 6, 30]])
    naive.cells[0][0] = None
    assert recoverable(naive) == [(0, 0)]


def test_a_unit_with_one_small_count_hides_its_total() -> None:
    published = suppress_grid(grid([[0, 3, 0], [4, 20, 7], [0, 12, 9]]), 5)
    assert published.cells[0][1] is None
    assert published.row_totals[0] is None  # 3: as small as the cell
    assert recoverable(published) == []


@pytest.mark.parametrize("seed", range(60))
def test_random_grids_leave_nothing_small_and_nothing_recoverable(seed: int) -> None:
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(1, 5), rng.randint(1, 4)
    cells = [
        [rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]) for _ in range(n_cols)] for _ in range(n_rows)
    ]
    published = suppress_grid(grid(cells), 5)
    for p, value in _published(published).items():
        assert value is None or not 0 < value < 5, (cells, p)
    assert recoverable(published) == [], cells
