"""The common XLSForm (XPath) expressions of ``relevant`` and ``constraint``, evaluated
against the answers given so far: ``${name}``, ``.``, numbers and quoted text compared with
``= != < <= > >=``, ``and``/``or``, parentheses, ``selected()``, ``count-selected()``,
``not()``, ``string-length()``, ``true()``, ``false()``. Anything else is "not understood"
(None), and the caller decides what that means (ask the question, accept the answer)."""

import math
import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[A-Za-z_][\w.-]*\})|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")|(?P<op><=|>=|!=|=|<|>)"
    r"|(?P<word>and|or)\b|(?P<func>[a-z][a-z-]*)\s*\(|(?P<dot>\.)(?![\w.])"
    r"|(?P<open>\()|(?P<close>\))|(?P<comma>,))"
)
_FUNCTIONS = {"selected", "count-selected", "not", "string-length", "true", "false"}


class _Unsupported(Exception):
    pass


Lookup = Callable[[str], Any]


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


def _as_xpath(value: Any) -> Any:
    """An answer as XPath sees it: a multiple choice is its values joined by spaces, an
    unanswered question the empty string."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return str(value) != ""


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup, current: Any) -> None:
        self.tokens, self.lookup, self.current = tokens, lookup, current

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[0] if self.tokens else None

    def take(self, kind: str) -> str:
        if not self.tokens or self.tokens[0][0] != kind:
            raise _Unsupported
        return self.tokens.pop(0)[1]

    def or_(self) -> Any:
        left = self.and_()
        while self.peek() == ("word", "or"):
            self.tokens.pop(0)
            right = self.and_()
            left = _truth(left) or _truth(right)
        return left

    def and_(self) -> Any:
        left = self.compare()
        while self.peek() == ("word", "and"):
            self.tokens.pop(0)
            right = self.compare()
            left = _truth(left) and _truth(right)
        return left

    def compare(self) -> Any:
        left = self.value()
        token = self.peek()
        if token is None or token[0] != "op":
            return left
        op = self.take("op")
        right = self.value()
        if isinstance(left, bool) or isinstance(right, bool):
            a: Any = _truth(left)
            b: Any = _truth(right)
        elif isinstance(left, float) or isinstance(right, float) or op in ("<", "<=", ">", ">="):
            a, b = _number(left), _number(right)
            if math.isnan(a) or math.isnan(b):
                return op == "!="
        else:
            a, b = str(left), str(right)
        return {
            "=": a == b,
            "!=": a != b,
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
        }[op]

    def value(self) -> Any:
        token = self.peek()
        if token is None:
            raise _Unsupported
        kind, text = self.tokens.pop(0)
        if kind == "open":
            result = self.or_()
            self.take("close")
            return result
        if kind == "ref":
            return _as_xpath(self.lookup(text[2:-1]))
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1]
        if kind == "dot":
            return _as_xpath(self.current)
        if kind == "func":
            return self.function(text)
        raise _Unsupported

    def function(self, name: str) -> Any:
        if name not in _FUNCTIONS:
            raise _Unsupported
        args = []
        if self.peek() != ("close", ")"):
            args.append(self.or_())
            while self.peek() == ("comma", ","):
                self.tokens.pop(0)
                args.append(self.or_())
        self.take("close")
        if name == "selected" and len(args) == 2:
            return str(args[1]) in str(args[0]).split()
        if name == "count-selected" and len(args) == 1:
            return float(len(str(args[0]).split()))
        if name == "not" and len(args) == 1:
            return not _truth(args[0])
        if name == "string-length" and len(args) == 1:
            return float(len(str(args[0])))
        if name in ("true", "false") and not args:
            return name == "true"
        raise _Unsupported


def evaluate(expression: str, lookup: Lookup, current: Any = None) -> bool | None:
    """The expression's truth, or None when it is not one this module understands."""
    try:
        parser = _Parser(_tokens(expression), lookup, current)
        result = parser.or_()
    except (_Unsupported, IndexError, KeyError, ValueError, TypeError):
        return None
    return None if parser.tokens else _truth(result)
