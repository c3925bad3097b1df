"""The analysis kept by a job (``models.AnalysisSnapshot``): the report of presentation.py
turned into JSON by the job, and back into what the page and the API read.

Only aggregates are kept, exactly as the page shows them: every table already suppressed
(a small count is the text "<5"), the charts as drawn, and of the needs their value, label
and printed count. No answer of any respondent. The service gaps are not kept: they set
the needs against the directory, which is read at every visit (``gap.needs_in_reach``).

Every cross-tab a reader can ask for (each choice question by each split) is made by the
job too, into ``AnalysisSnapshot.crosstabs``, rather than in the request: for the template
questionnaire that is 270 tables, 192 KiB of JSON at 5,000 responses in 7 RWs (the page's
own ``result`` is 48 KiB; docs/benchmarks.md). Its size grows with the RWs and the choices,
not with the responses, and it is read only when a reader asks for one.
"""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import mark_safe

from sipakatau.areas.models import Area

from .analysis import Analysis, Table, crosstab_table
from .gap import needs_in_reach
from .presentation import Block, Report, standard_dimensions

Progress = Callable[[int], None]


def table_json(table: Table) -> dict[str, Any]:
    return {
        "title": str(table.title),
        "header": [str(cell) for cell in table.header],
        "rows": [[str(cell) for cell in row] for row in table.rows],
        "text_columns": table.text_columns,
    }


def _block(block: Block) -> dict[str, Any]:
    return {
        "path": block.path,
        "chart": str(block.chart) if block.chart is not None else None,
        "table": table_json(block.table),
    }


def askable(analysis: Analysis) -> list[tuple[str, str]]:
    """The questions a reader may cross-tabulate: every choice question."""
    return [
        (q.path, q.label or q.name)
        for q in analysis.questions
        if q.type in ("select_one", "select_multiple")
    ]


def page_dimensions(analysis: Analysis) -> list[tuple[str, str]]:
    """The splits offered on the page: the standard ones first, then every other."""
    dimensions = standard_dimensions(analysis)
    dimensions += [d for d in analysis.dimensions() if d[0] not in dict(dimensions)]
    return dimensions


def report_result(analysis: Analysis, report: Report) -> dict[str, Any]:
    """What ``AnalysisSnapshot.result`` holds: the names of ``presentation.Report``, so the
    template reads a snapshot as it read the report."""
    return {
        "limit": report.limit,
        "respondents": report.respondents,
        "sample": [table_json(t) for t in report.sample],
        "ranking": _block(report.ranking) if report.ranking else None,
        # The needs named, most named first: the gaps are made from them at each visit.
        "needs": [[row.value, row.label, row.shown] for row in report.gaps],
        "questions": [_block(b) for b in report.questions],
        "numbers": table_json(report.numbers) if report.numbers else None,
        "crosstabs": [_block(b) for b in report.crosstabs],
        "askable": [list(item) for item in askable(analysis)],
        "dimensions": [list(item) for item in page_dimensions(analysis)],
        # The API's list of splits (its labels are the questions', not "Sex", "Group").
        "all_dimensions": [list(item) for item in analysis.dimensions()],
    }


def all_crosstabs(analysis: Analysis, limit: int, progress: Progress) -> dict[str, Any]:
    """Every choice question by every split, suppressed: {question path: {split: table}}.
    ``progress`` is called after the tables of each split with how many are made."""
    paths = [path for path, _label in askable(analysis)]
    out: dict[str, dict[str, Any]] = {path: {} for path in paths}
    made = 0
    for dimension, _dimension_label in analysis.dimensions():
        for path, tab in zip(paths, analysis.crosstabs(paths, dimension), strict=True):
            out[path][dimension] = table_json(crosstab_table(tab, limit))
        made += len(paths)
        progress(made)
    return out


def crosstab_count(analysis: Analysis) -> int:
    return len(askable(analysis)) * len(analysis.dimensions())


def _charted(block: dict[str, Any] | None) -> dict[str, Any] | None:
    if block is None:
        return None
    chart = block.get("chart")
    # The chart is SVG drawn by lib.charts.bar_chart, which escapes every title, label and
    # figure it writes (the labels come from the form); the job stored that string as it
    # was drawn and nothing else writes this column. So it is markup of ours, shown as is.
    return {**block, "chart": mark_safe(chart) if chart else None}  # noqa: S308


def page_report(result: dict[str, Any], kelurahan: Area) -> dict[str, Any]:
    """A snapshot's result as the page and the API read it: the charts as markup, and the
    service gaps of its needs against the directory as it is now."""
    report = dict(result)
    report["ranking"] = _charted(result.get("ranking"))
    report["questions"] = [_charted(block) for block in result.get("questions", [])]
    needs = [(str(need[0]), str(need[1]), str(need[2])) for need in result.get("needs", [])]
    gaps = needs_in_reach(needs, kelurahan)
    report["gaps"] = gaps
    report["gap_count"] = sum(1 for row in gaps if row.is_gap)
    return report
