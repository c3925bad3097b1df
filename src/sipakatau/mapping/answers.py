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

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'[^']*'|\"[^\"]*\")|(?P<op><=|>=|!=|=|<|>)"
    r"|(?P<word>and|or)\b|(?P<dot>\.)(?![\w.])|(?P<paren>[()]))"
)


class _Unsupported(Exception):
    pass


def _tokens(expression: str) -> list[tuple[str, str]]:
    out, position = [], 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unsupported
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def constraint_holds(expression: str, value: Any) -> bool:
    """True unless the expression is one this checker understands and it is false.

    Understood: comparisons of ``.`` with numbers or quoted text, joined by ``and``/``or``
    and parentheses. Anything else (functions, other fields) is left to the collecting app,
    which already enforced it, and is not checked here."""
    try:
        tokens = _tokens(expression)
        result, rest = _or(tokens, value)
    except (_Unsupported, IndexError, TypeError, ValueError):
        return True
    return result if not rest else True


def _or(tokens: list[tuple[str, str]], value: Any) -> tuple[bool, list[tuple[str, str]]]:
    left, tokens = _and(tokens, value)
    while tokens and tokens[0] == ("word", "or"):
        right, tokens = _and(tokens[1:], value)
        left = left or right
    return left, tokens


def _and(tokens: list[tuple[str, str]], value: Any) -> tuple[bool, list[tuple[str, str]]]:
    left, tokens = _atom(tokens, value)
    while tokens and tokens[0] == ("word", "and"):
        right, tokens = _atom(tokens[1:], value)
        left = left and right
    return left, tokens


def _operand(token: tuple[str, str], value: Any) -> Any:
    kind, text = token
    if kind == "dot":
        return value
    if kind == "num":
        return float(text)
    if kind == "str":
        return text[1:-1]
    raise _Unsupported


def _atom(tokens: list[tuple[str, str]], value: Any) -> tuple[bool, list[tuple[str, str]]]:
    if tokens[0] == ("paren", "("):
        result, tokens = _or(tokens[1:], value)
        if not tokens or tokens[0] != ("paren", ")"):
            raise _Unsupported
        return result, tokens[1:]
    left, (kind, op), right = _operand(tokens[0], value), tokens[1], _operand(tokens[2], value)
    if kind != "op":
        raise _Unsupported
    if isinstance(left, int | float) or isinstance(right, int | float):
        left, right = float(left), float(right)
    compare = {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }
    return compare[op], tokens[3:]
