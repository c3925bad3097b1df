"""Checking one answer against its question: type, choice list, required, and the common
constraint expressions (``. >= 0 and . <= 120``). Shared by the app's own entry and the
KoBo/ODK import, so both refuse the same answers.

Reasons name the question, never the value given (they are kept in the import report).
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .expressions import evaluate
from .xlsform import QuestionSpec

Answer = str | int | float | list[str] | None


@dataclass(frozen=True)
class Checked:
    value: Answer
    reason: str = ""


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)", text) is not None


def coerce(
    question: QuestionSpec,
    raw: str | list[str],
    choices: dict[str, str],
    labels: dict[str, str],
) -> Checked:
    """``raw`` as the question's value; ``choices`` maps value → label, ``labels`` maps a
    lower-cased label → value (exports may hold labels instead of values)."""
    if isinstance(raw, list):
        return _multiple(question, raw, choices, labels)
    text = raw.strip()
    if text == "":
        if question.required and not question.relevant:
            return Checked(None, _('"%(q)s" must be answered.') % {"q": question.name})
        return Checked(None)
    kind = question.type
    if kind == "integer":
        if not _is_number(text) or float(text.replace(",", ".")) % 1:
            return Checked(None, _('"%(q)s" must be a whole number.') % {"q": question.name})
        value: Answer = int(float(text.replace(",", ".")))
    elif kind == "decimal":
        if not _is_number(text):
            return Checked(None, _('"%(q)s" must be a number.') % {"q": question.name})
        value = float(text.replace(",", "."))
    elif kind == "date":
        try:
            value = date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return Checked(None, _('"%(q)s" must be a date (YYYY-MM-DD).') % {"q": question.name})
    elif kind == "select_one":
        found = text if text in choices else labels.get(text.lower())
        if found is None:
            return Checked(
                None, _('"%(q)s" has an answer that is not in its choices.') % {"q": question.name}
            )
        value = found
    elif kind == "select_multiple":
        return _multiple(question, split_multiple(text, choices, labels), choices, labels)
    else:
        value = text
    if question.constraint and not constraint_holds(question.constraint, value):
        return Checked(
            None, _('"%(q)s" breaks the rule of the form (constraint).') % {"q": question.name}
        )
    return Checked(value)


def split_multiple(text: str, choices: dict[str, str], labels: dict[str, str]) -> list[str]:
    """KoBo/ODK write values separated by spaces; a labels export separates labels (which
    hold spaces) by commas or semicolons."""
    tokens = text.split()
    if all(t in choices for t in tokens):
        return tokens
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def _multiple(
    question: QuestionSpec, parts: list[str], choices: dict[str, str], labels: dict[str, str]
) -> Checked:
    values = []
    for part in parts:
        found = part if part in choices else labels.get(part.lower())
        if found is None:
            return Checked(
                None, _('"%(q)s" has an answer that is not in its choices.') % {"q": question.name}
            )
        if found not in values:
            values.append(found)
    if not values and question.required and not question.relevant:
        return Checked(None, _('"%(q)s" must be answered.') % {"q": question.name})
    return Checked(values or None)


# --- Constraints ---------------------------------------------------------------------------


def constraint_holds(expression: str, value: Any) -> bool:
    """True unless the expression is one ``expressions.evaluate`` understands and it is
    false. A reference to another field cannot be checked on one answer alone: it is left
    to the collecting app, which already enforced it."""

    def no_other_fields(name: str) -> Any:
        raise KeyError(name)

    return evaluate(expression, no_other_fields, current=value) is not False
