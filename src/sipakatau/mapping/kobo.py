"""Reading submissions exported from KoBoToolbox and ODK Central (CSV or XLSX) and
turning each row into answers of a questionnaire. No database here: the service
``submissions_import`` stores what this module accepts.

What the exports look like, and what is understood:

- columns named by the question's path with ``/`` (KoBo, "include groups"), ``-`` (ODK
  Central), ``.``, or by the bare name, or by the question's label (a "labels" export);
- a select_multiple as one column of space-separated values (or of labels separated by
  ``,``/``;``), or as one 0/1 column per choice (``group/question/choice``);
- values or labels in the cells; CSV separated by ``,`` or ``;``; a UTF-8 BOM or not;
- the submission's key from ``_uuid``, ``meta/instanceID`` (any separator),
  ``instanceID`` or ``KEY``; its time from ``_submission_time``, ``SubmissionDate`` or
  ``end``.

Repeats (separate sheets in KoBo's XLSX, separate files in ODK Central) are not imported
yet: their questions are left empty.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .answers import Answer, coerce
from .models import SubmissionSource
from .xlsform import ASKED, QuestionSpec

KEY_COLUMNS = ["_uuid", "meta/instanceid", "instanceid", "key", "_id"]
TIME_COLUMNS = ["_submission_time", "submissiondate", "end", "today", "start"]
SEPARATORS = ["/", "-", ".", ":"]


class ImportFileError(ValueError):
    """The file cannot be read as a submissions export; the message says why."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    source: str


@dataclass
class RowResult:
    number: int
    key: str = ""
    submitted_at: datetime | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    private: dict[str, Answer] = field(default_factory=dict)
    rw: str = ""
    rt: str = ""
    reasons: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, file_name: str) -> Table:
    """The first sheet (XLSX) or the CSV, as a header and rows of text."""
    if not data:  # before the name decides the format: an empty .xlsx is empty, not broken
        raise ImportFileError(_("The file is empty."))
    if data[:2] == b"PK" or file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError(_("This file is not an Excel (.xlsx) file.")) from exc
        try:
            # A read-only sheet is parsed while its rows are read: a broken one fails
            # here (a missing shared string, a column past XFD), not in load_workbook.
            sheet = book[book.sheetnames[0]]
            rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:
            raise ImportFileError(_("This file is not an Excel (.xlsx) file.")) from exc
        finally:
            book.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            rows = [
                [c.strip() for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
            raise ImportFileError(_("The CSV file is damaged and cannot be read.")) from exc
    rows = [r for r in rows if any(r)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header = rows[0]
    lowered = {h.lower() for h in header}
    source = SubmissionSource.ODK if {"key", "submissiondate"} & lowered else SubmissionSource.KOBO
    return Table(header=header, rows=rows[1:], source=source)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def _variants(path: str) -> list[str]:
    return [_normal(path.replace("/", sep)) for sep in SEPARATORS]


class ColumnMap:
    """Which column holds which question (or which choice of a select_multiple)."""

    def __init__(
        self,
        header: list[str],
        questions: list[QuestionSpec],
        lists: dict[str, list[tuple[str, str]]],
    ) -> None:
        self.index = {_normal(h): i for i, h in enumerate(header)}
        names = [q.name for q in questions]
        self.single: dict[str, int] = {}
        self.split: dict[str, dict[str, int]] = {}
        for q in questions:
            if q.type not in ASKED or q.type == "note" or q.repeat_path:
                continue
            keys = _variants(q.path)
            if names.count(q.name) == 1:
                keys.append(_normal(q.name))
            if q.label:
                keys.append(_normal(q.label))
            column = next((self.index[k] for k in keys if k in self.index), None)
            if column is not None:
                self.single[q.path] = column
            if q.type == "select_multiple":
                per_choice = {}
                for value, label in lists.get(q.list_name, []):
                    for key in keys:
                        for sep in SEPARATORS:
                            for part in (value, label):
                                found = self.index.get(_normal(f"{key}{sep}{part}"))
                                if found is not None and value not in per_choice:
                                    per_choice[value] = found
                if per_choice:
                    self.split[q.path] = per_choice

    def first(self, names: list[str]) -> int | None:
        for name in names:
            for variant in _variants(name):
                if variant in self.index:
                    return self.index[variant]
        return None


def _time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _key(text: str) -> str:
    return text.strip().removeprefix("uuid:")[:100]


def _rt_rw(text: str) -> str:
    digits = text.strip().lstrip("0") or "0"
    return f"{int(digits):03d}" if digits.isdigit() and 0 < int(digits) < 1000 else ""


_TRUE = {"1", "true", "yes", "ya", "1.0"}


def rows(
    table: Table, questions: list[QuestionSpec], lists: dict[str, list[tuple[str, str]]]
) -> Iterator[RowResult]:
    """Each data row checked against the questionnaire. A row is rejected when it has no
    key or an answer that does not fit its question; the reasons name questions only."""
    columns = ColumnMap(table.header, questions, lists)
    key_column = columns.first(KEY_COLUMNS)
    time_column = columns.first(TIME_COLUMNS)
    by_path = {q.path: q for q in questions}
    choice_maps = {
        name: ({v: label for v, label in items}, {_normal(label): v for v, label in items})
        for name, items in lists.items()
    }
    for offset, cells in enumerate(table.rows):
        row = RowResult(number=offset + 2)

        def cell(i: int | None, cells: list[str] = cells) -> str:
            return cells[i].strip() if i is not None and i < len(cells) else ""

        row.key = _key(cell(key_column))
        if not row.key:
            row.reasons.append(_("The row has no submission key (_uuid, instanceID or KEY)."))
        row.submitted_at = _time(cell(time_column))
        for path, question in by_path.items():
            if path not in columns.single and path not in columns.split:
                continue
            choices, labels = choice_maps.get(question.list_name, ({}, {}))
            raw: str | list[str] = cell(columns.single.get(path))
            if path in columns.split and raw == "":
                raw = [v for v, i in columns.split[path].items() if cell(i).lower() in _TRUE]
            checked = coerce(question, raw, choices, labels)
            if checked.reason:
                row.reasons.append(checked.reason)
            elif checked.value is not None and checked.value != []:
                (row.private if question.personal else row.answers)[path] = checked.value
        for name in ("rw", "rt"):
            place = next((p for p, q in by_path.items() if q.name == name), None)
            value = row.answers.get(place, "") if place else ""
            if not value:
                value = cell(columns.first([name]))
            setattr(row, name, _rt_rw(str(value)))
        yield row
