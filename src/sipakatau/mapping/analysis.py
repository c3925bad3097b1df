"""Analysis of a questionnaire's submissions: frequencies, cross-tabulations, the needs
ranking, and small-cell suppression for everything that leaves the system.

Counts are exact in memory; suppression happens only when a table is turned into text
for a page, an export or a print (``suppressed``), so a total is never computed from
already-hidden cells. A cell from 1 to threshold-1 is shown as "<threshold"; its
percentage is hidden too, since the percentage and the total would give the count back.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean, median
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .xlsform import QuestionSpec

DEFAULT_THRESHOLD = 5
# SIMFONI-PPA age bands (domain/README.md).
AGE_BANDS = [(0, 5), (6, 12), (13, 17), (18, 24), (25, 44), (45, 59), (60, 200)]
# Washington Group: a domain answered "a lot of difficulty" (3) or "cannot do at all" (4).
WG_DISABLED = {"3", "4"}
MISSING = ""


def threshold() -> int:
    """Read at call time, so an operator's change applies to the next export."""
    return int(getattr(settings, "SIPAKATAU_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def shown(count: int, limit: int | None = None) -> str:
    limit = threshold() if limit is None else limit
    return f"<{limit}" if 0 < count < limit else str(count)


def shown_percent(count: int, total: int, limit: int | None = None) -> str:
    limit = threshold() if limit is None else limit
    if 0 < count < limit or total == 0:
        return "-"
    return f"{100 * count / total:.1f}"


Record = tuple[str, dict[str, Any]]  # (rw, coded answers)


@dataclass
class Frequency:
    path: str
    label: str
    multiple: bool
    answered: int
    missing: int
    counts: list[tuple[str, str, int]]  # value, label, count

    def percent(self, count: int) -> float:
        return 100 * count / self.answered if self.answered else 0.0


@dataclass
class NumberSummary:
    path: str
    label: str
    n: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None


@dataclass
class CrossTab:
    question: str
    dimension: str
    rows: list[tuple[str, str]]  # value, label
    columns: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    column_totals: dict[str, int] = field(default_factory=dict)
    dimension_label: str = ""


@dataclass
class Table:
    """A table as text, suppressed: what a page, an XLSX sheet or a PDF shows."""

    title: str
    header: list[str]
    rows: list[list[str]]
    # How many columns on the left hold words (the rest hold figures).
    text_columns: int = 1


class Analysis:
    def __init__(
        self,
        questions: list[QuestionSpec],
        lists: dict[str, list[tuple[str, str]]],
        records: Iterable[Record],
    ) -> None:
        self.questions = [q for q in questions if not q.repeat_path]
        self.by_path = {q.path: q for q in self.questions}
        self.lists = lists
        self.records = list(records)

    # --- one question --------------------------------------------------------------------

    def choices(self, question: QuestionSpec) -> list[tuple[str, str]]:
        return self.lists.get(question.list_name, [])

    def frequency(self, path: str) -> Frequency:
        question = self.by_path[path]
        multiple = question.type == "select_multiple"
        counter: Counter[str] = Counter()
        answered = 0
        for _rw, answers in self.records:
            value = answers.get(path)
            if value in (None, "", []):
                continue
            answered += 1
            counter.update(value if multiple else [value])
        return Frequency(
            path=path,
            label=question.label or question.name,
            multiple=multiple,
            answered=answered,
            missing=len(self.records) - answered,
            counts=[(v, label, counter.get(v, 0)) for v, label in self.choices(question)],
        )

    def frequencies(self) -> list[Frequency]:
        return [
            self.frequency(q.path)
            for q in self.questions
            if q.type in ("select_one", "select_multiple")
        ]

    def numbers(self) -> list[NumberSummary]:
        out = []
        for q in self.questions:
            if q.type not in ("integer", "decimal"):
                continue
            values = [
                float(a[q.path])
                for _rw, a in self.records
                if isinstance(a.get(q.path), int | float)
            ]
            out.append(
                NumberSummary(
                    path=q.path,
                    label=q.label or q.name,
                    n=len(values),
                    mean=mean(values) if values else None,
                    median=median(values) if values else None,
                    minimum=min(values) if values else None,
                    maximum=max(values) if values else None,
                )
            )
        return out

    def needs_ranking(self, path: str | None = None) -> list[tuple[str, str, int]]:
        """The choices of the needs question, most named first (ties in form order)."""
        path = path or self.needs_path()
        if path is None:
            return []
        counts = self.frequency(path).counts
        return sorted(counts, key=lambda item: -item[2])

    def needs_path(self) -> str | None:
        multi = [q for q in self.questions if q.type == "select_multiple"]
        for q in multi:
            if q.name in ("kebutuhan", "needs", "priorities", "prioritas"):
                return q.path
        return multi[-1].path if multi else None

    # --- dimensions ------------------------------------------------------------------------

    def dimensions(self) -> list[tuple[str, str]]:
        """The ways a cross-tab can split respondents: (key, label)."""
        out = [("rw", _("RW"))]
        for q in self.questions:
            if q.name in ("umur", "age") and q.type == "integer":
                out.append((f"age_band:{q.path}", _("Age band")))
        if self._wg_paths():
            out.append(("disability", _("Disability (Washington Group)")))
        for q in self.questions:
            if q.type in ("select_one", "select_multiple") and not q.name.startswith("wg_"):
                out.append((f"q:{q.path}", q.label or q.name))
        return out

    def _wg_paths(self) -> list[str]:
        return [
            q.path for q in self.questions if q.name.startswith("wg_") and q.type == "select_one"
        ]

    def categories(self, dimension: str) -> list[tuple[str, str]]:
        if dimension == "rw":
            found = sorted({rw for rw, _a in self.records if rw})
            return [(rw, _("RW %(rw)s") % {"rw": rw}) for rw in found]
        if dimension.startswith("age_band:"):
            return [
                (f"{low}-{high}", f"{low}+" if high >= 200 else f"{low}-{high}")
                for low, high in AGE_BANDS
            ]
        if dimension == "disability":
            return [("ya", _("With disability")), ("tidak", _("Without disability"))]
        if dimension.startswith("q:"):
            return self.choices(self.by_path[dimension[2:]])
        raise ValueError(dimension)

    def categories_of(self, dimension: str, rw: str, answers: dict[str, Any]) -> list[str]:
        """Which categories of the dimension one respondent falls in (none, one, or —
        for a multiple choice — several)."""
        if dimension == "rw":
            return [rw] if rw else []
        if dimension.startswith("age_band:"):
            age = answers.get(dimension[len("age_band:") :])
            if not isinstance(age, int | float):
                return []
            return [f"{lo}-{hi}" for lo, hi in AGE_BANDS if lo <= age <= hi]
        if dimension == "disability":
            given = [answers.get(p) for p in self._wg_paths()]
            if all(v in (None, "") for v in given):
                return []
            return ["ya" if any(str(v) in WG_DISABLED for v in given) else "tidak"]
        value = answers.get(dimension[2:])
        if value in (None, "", []):
            return []
        return list(value) if isinstance(value, list) else [str(value)]

    def crosstab(self, path: str, dimension: str) -> CrossTab:
        return self.crosstabs([path], dimension)[0]

    def crosstabs(self, paths: list[str], dimension: str) -> list[CrossTab]:
        """The cross-tab of each question by one dimension, in one pass over the responses
        (the analysis job makes every question by every split: the dimension of a
        respondent is worked out once, not once per question)."""
        counts: dict[str, dict[tuple[str, str], int]] = {p: defaultdict(int) for p in paths}
        totals: dict[str, dict[str, int]] = {p: defaultdict(int) for p in paths}
        for rw, answers in self.records:
            columns = self.categories_of(dimension, rw, answers)
            if not columns:
                continue
            for path in paths:
                value = answers.get(path)
                if value in (None, "", []):
                    continue
                values = value if isinstance(value, list) else [value]
                path_counts, path_totals = counts[path], totals[path]
                for column in columns:
                    path_totals[column] += 1
                    for v in values:
                        path_counts[(str(v), column)] += 1
        columns_of = self.categories(dimension)
        label = dict(self.dimensions()).get(dimension, dimension)
        out = []
        for path in paths:
            question = self.by_path[path]
            out.append(
                CrossTab(
                    question=question.label or question.name,
                    dimension=dimension,
                    rows=self.choices(question),
                    columns=columns_of,
                    counts=dict(counts[path]),
                    column_totals=dict(totals[path]),
                    dimension_label=label,
                )
            )
        return out

    # --- tables as text ---------------------------------------------------------------------

    def tables(self, dimensions: list[str] | None = None) -> list[Table]:
        """Every frequency table, the needs ranking and the cross-tabs by the given
        dimensions (RW, age band and disability by default), suppressed."""
        limit = threshold()
        out = [
            Table(
                title=_("Respondents"),
                header=[_("Total")],
                rows=[[shown(len(self.records), limit)]],
            )
        ]
        for freq in self.frequencies():
            out.append(frequency_table(freq, limit))
        ranking_path = self.needs_path()
        if ranking_path:
            ranking = self.needs_ranking(ranking_path)
            answered = self.frequency(ranking_path).answered
            out.append(
                Table(
                    title=_("Needs ranking"),
                    header=[_("Rank"), _("Need"), _("Respondents"), "%"],
                    rows=[
                        [str(i), label, shown(count, limit), shown_percent(count, answered, limit)]
                        for i, (_v, label, count) in enumerate(ranking, start=1)
                    ],
                )
            )
        wanted = dimensions
        if wanted is None:
            available = {key for key, _label in self.dimensions()}
            wanted = [
                d for d in available if d == "rw" or d.startswith("age_band:") or d == "disability"
            ]
        for dimension in sorted(wanted):
            if ranking_path:
                out.append(crosstab_table(self.crosstab(ranking_path, dimension), limit))
        return out


def frequency_table(freq: Frequency, limit: int) -> Table:
    rows = [
        [label, shown(count, limit), shown_percent(count, freq.answered, limit)]
        for _v, label, count in freq.counts
    ]
    rows.append([_("Answered"), shown(freq.answered, limit), ""])
    rows.append([_("Not answered"), shown(freq.missing, limit), ""])
    return Table(title=freq.label, header=[_("Answer"), _("Respondents"), "%"], rows=rows)


def crosstab_table(tab: CrossTab, limit: int) -> Table:
    header = [tab.question, *[label for _c, label in tab.columns]]
    rows = [
        [label, *[shown(tab.counts.get((value, c), 0), limit) for c, _l in tab.columns]]
        for value, label in tab.rows
    ]
    rows.append(
        [
            _("Respondents who answered"),
            *[shown(tab.column_totals.get(c, 0), limit) for c, _l in tab.columns],
        ]
    )
    return Table(
        title=_("%(question)s by %(dimension)s")
        % {"question": tab.question, "dimension": tab.dimension_label},
        header=header,
        rows=rows,
    )
