"""The analysis as it is shown: on the analysis page, in the API, in the printed report
and in the XLSX. Every figure that leaves here is suppressed (a count from 1 to
threshold-1 is "<threshold", its percentage "-", its bar an empty outline), so the page
the stakeholders read during the mechanism discussion and the report they take home hold
the same numbers. No database here except the directory, read by ``gap.need_rows``.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sipakatau.areas.models import Area
from sipakatau.lib.charts import bar_chart

from .analysis import (
    Analysis,
    Frequency,
    Table,
    crosstab_table,
    frequency_table,
    shown,
    shown_percent,
    threshold,
)
from .gap import NeedRow, need_rows

# Question names that mean the respondent's sex and group in the template and in the
# forms others write.
SEX_NAMES = {"jk", "jenis_kelamin", "sex", "gender"}
GROUP_NAMES = {"kelompok", "group", "groups", "kelompok_rentan"}


@dataclass
class Block:
    """One table and its chart (None when a bar chart says nothing, e.g. a cross-tab)."""

    table: Table
    chart: SafeString | None = None
    path: str = ""


def hidden(count: int, limit: int) -> int | None:
    return None if 0 < count < limit else count


def _chart_rows(counts: list[tuple[str, str, int]], answered: int, limit: int) -> list[dict]:
    rows = []
    for _value, label, count in counts:
        value = hidden(count, limit)
        percent = shown_percent(count, answered, limit)
        text = f"{count} ({percent}%)" if value is not None and percent != "-" else str(count)
        rows.append({"label": label, "value": value, "text": text})
    return rows


def frequency_block(freq: Frequency, limit: int) -> Block:
    chart = bar_chart(
        {"title": freq.label, "rows": _chart_rows(freq.counts, freq.answered, limit)},
        hidden_mark=f"<{limit}",
        value_room=72,
    )
    return Block(table=frequency_table(freq, limit), chart=chart, path=freq.path)


def ranking_block(analysis: Analysis, limit: int) -> Block | None:
    path = analysis.needs_path()
    if path is None:
        return None
    ranking = analysis.needs_ranking(path)
    answered = analysis.frequency(path).answered
    table = Table(
        title=_("Needs ranking"),
        header=[_("Rank"), _("Need"), _("Respondents"), "%"],
        rows=[
            [str(i), label, shown(count, limit), shown_percent(count, answered, limit)]
            for i, (_v, label, count) in enumerate(ranking, start=1)
        ],
        text_columns=2,
    )
    chart = bar_chart(
        {"title": _("Needs ranking"), "rows": _chart_rows(ranking, answered, limit)},
        hidden_mark=f"<{limit}",
        value_room=72,
    )
    return Block(table=table, chart=chart, path=path)


def standard_dimensions(analysis: Analysis) -> list[tuple[str, str]]:
    """The splits the issue asks for, those the form allows: RW, sex, age band,
    disability (Washington Group) and group."""
    available = dict(analysis.dimensions())
    out = [("rw", _("RW"))]
    for question in analysis.questions:
        if question.name in SEX_NAMES and question.type == "select_one":
            out.append((f"q:{question.path}", _("Sex")))
            break
    out += [(key, label) for key, label in available.items() if key.startswith("age_band:")][:1]
    if "disability" in available:
        out.append(("disability", _("Disability")))
    for question in analysis.questions:
        if question.name in GROUP_NAMES and question.type in ("select_one", "select_multiple"):
            out.append((f"q:{question.path}", _("Group")))
            break
    return out


def sample_tables(analysis: Analysis, limit: int) -> list[Table]:
    """Who answered: respondents by each standard split (a respondent may be in several
    groups, so a group column does not add up to the total)."""
    total = len(analysis.records)
    out = []
    for dimension, label in standard_dimensions(analysis):
        counts: Counter[str] = Counter()
        unknown = 0
        for rw, answers in analysis.records:
            found = analysis.categories_of(dimension, rw, answers)
            if not found:
                unknown += 1
            counts.update(found)
        rows = [
            [category_label, shown(counts[key], limit), shown_percent(counts[key], total, limit)]
            for key, category_label in analysis.categories(dimension)
        ]
        rows.append([_("Not known"), shown(unknown, limit), shown_percent(unknown, total, limit)])
        out.append(
            Table(
                title=_("Respondents by %(dimension)s") % {"dimension": label},
                header=[label, _("Respondents"), "%"],
                rows=rows,
            )
        )
    return out


def crosstab_block(analysis: Analysis, path: str, dimension: str, limit: int) -> Block:
    return Block(table=crosstab_table(analysis.crosstab(path, dimension), limit), path=path)


def crosstab_blocks(analysis: Analysis, limit: int) -> list[Block]:
    """The needs question split by each standard dimension."""
    path = analysis.needs_path()
    if path is None:
        return []
    return [
        crosstab_block(analysis, path, dimension, limit)
        for dimension, _label in standard_dimensions(analysis)
    ]


def gap_table(rows: list[NeedRow], limit: int) -> Table:
    return Table(
        title=_("Needs and services in reach"),
        header=[_("Need"), _("Respondents"), _("Kind of service"), _("Providers in reach")],
        text_columns=4,
        rows=[
            [
                row.label,
                row.shown or shown(row.count or 0, limit),
                ", ".join(label for _c, label in row.service_types) or _("none in the directory"),
                ", ".join(p.name for p in row.providers)
                or (_("NONE — a gap") if row.is_gap else "-"),
            ]
            for row in rows
        ],
    )


@dataclass
class Report:
    """Everything the analysis page and the printed report show."""

    limit: int
    respondents: str
    sample: list[Table]
    ranking: Block | None
    gaps: list[NeedRow]
    gap_table: Table
    questions: list[Block]
    crosstabs: list[Block]
    numbers: Table | None

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.gaps if row.is_gap)

    def tables(self) -> list[Table]:
        """One list of tables for the XLSX (one sheet each)."""
        out = [
            Table(title=_("Respondents"), header=[_("Total")], rows=[[self.respondents]]),
            *self.sample,
        ]
        if self.ranking:
            out.append(self.ranking.table)
        out.append(self.gap_table)
        out += [block.table for block in self.questions]
        if self.numbers:
            out.append(self.numbers)
        out += [block.table for block in self.crosstabs]
        return out


def numbers_table(analysis: Analysis, limit: int) -> Table | None:
    """Numeric questions other than the RW/RT place: how many answered, median, range.
    The range is left out when few answered (a lone maximum can name someone)."""
    rows = []
    for summary in analysis.numbers():
        if summary.path.rsplit("/", 1)[-1] in ("rw", "rt"):
            continue
        few = 0 < summary.n < limit
        rows.append(
            [
                summary.label,
                shown(summary.n, limit),
                "-" if few or summary.median is None else f"{summary.median:g}",
                "-" if few or summary.minimum is None else f"{summary.minimum:g}",
                "-" if few or summary.maximum is None else f"{summary.maximum:g}",
            ]
        )
    if not rows:
        return None
    return Table(
        title=_("Numbers"),
        header=[_("Question"), _("Answered"), _("Median"), _("Lowest"), _("Highest")],
        rows=rows,
    )


def build_report(analysis: Analysis, kelurahan: Area) -> Report:
    limit = threshold()
    ranking = ranking_block(analysis, limit)
    gaps = need_rows(analysis.needs_ranking(ranking.path), kelurahan) if ranking else []
    for row in gaps:
        row.shown = shown(row.count or 0, limit)
    return Report(
        limit=limit,
        respondents=shown(len(analysis.records), limit),
        sample=sample_tables(analysis, limit),
        ranking=ranking,
        gaps=gaps,
        gap_table=gap_table(gaps, limit),
        questions=[frequency_block(freq, limit) for freq in analysis.frequencies()],
        crosstabs=crosstab_blocks(analysis, limit),
        numbers=numbers_table(analysis, limit),
    )


def table_json(table: Table) -> dict[str, Any]:
    return {"title": table.title, "header": table.header, "rows": table.rows}
