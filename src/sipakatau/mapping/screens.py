"""The app's own data entry (issue 15): a questionnaire cut into screens, one question
group per screen, the relevance that skips questions and screens, and the checks every
answer passes. No database here: ``services/entry.py`` keeps the draft.

- Each top-level group is a screen; groups inside it stay on it (with their own
  relevance). A repeat is a screen of its own, whose instances are "added another".
  Questions outside any group make a screen of their own, in order.
- The form's own ``rw``/``rt`` questions are filled from the draft's RT/RW (asked once,
  when a response is started), as ``submission_record`` does.
- Relevance and constraints: the common XPath expressions — ``${name}``, ``.``,
  numbers and quoted text compared with ``= != < <= > >=``, ``and``/``or``, parentheses,
  ``selected()``, ``count-selected()``, ``not()``, ``string-length()``, ``true()``,
  ``false()``. Anything else is not understood: the question is asked (relevance) and the
  answer accepted (constraint), rather than a question silently skipped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .answers import Answer
from .expressions import Lookup, evaluate
from .xlsform import ASKED, FormDefinition, QuestionSpec, choice_lists, flatten, split_type

PLACE_NAMES = ("rw", "rt")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Item:
    spec: QuestionSpec
    # The question's own relevance and that of every group around it.
    conditions: tuple[str, ...]
    hint: str = ""
    constraint_message: str = ""

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def is_note(self) -> bool:
        return self.spec.type == "note"


@dataclass(frozen=True)
class Screen:
    index: int
    title: str
    items: tuple[Item, ...]
    # The relevance of the groups that make the screen (all must hold for it to show).
    conditions: tuple[str, ...] = ()
    repeat_path: str = ""


@dataclass
class Layout:
    title: str
    screens: list[Screen]
    lists: dict[str, list[tuple[str, str]]]
    by_path: dict[str, Item] = field(default_factory=dict)
    by_name: dict[str, Item] = field(default_factory=dict)
    # Paths of the form's own RW/RT questions: filled from the draft, not asked.
    place: dict[str, str] = field(default_factory=dict)
    place_items: list[Item] = field(default_factory=list)

    def choices(self, item: Item) -> list[tuple[str, str]]:
        return self.lists.get(item.spec.list_name, [])

    def screen_of(self, path: str) -> Screen | None:
        return next((s for s in self.screens if any(i.path == path for i in s.items)), None)


def _localised(row: dict[str, str], base: str) -> str:
    keys = [k for k in row if k == base or k.startswith(base + "::")]
    for key in keys:
        if "(id)" in key or "indonesia" in key.lower():
            return row[key]
    if base in row:
        return row[base]
    return row[keys[0]] if keys else ""


def layout_of(definition_json: dict[str, Any], title: str = "") -> Layout:
    """The screens of a questionnaire's stored definition."""
    definition = FormDefinition.from_json(definition_json)
    specs = iter(flatten(definition))
    layout = Layout(title=title or definition.title, screens=[], lists=choice_lists(definition))

    @dataclass
    class Open:
        kind: str
        name: str
        label: str
        relevant: str
        opened_screen: bool

    stack: list[Open] = []
    current: list[Item] = []
    screen: dict[str, Any] = {"title": "", "conditions": (), "repeat": ""}

    def conditions() -> tuple[str, ...]:
        return tuple(g.relevant for g in stack if g.relevant)

    def close() -> None:
        if current:
            layout.screens.append(
                Screen(
                    index=len(layout.screens),
                    title=screen["title"] or layout.title,
                    items=tuple(current),
                    conditions=screen["conditions"],
                    repeat_path=screen["repeat"],
                )
            )
        current.clear()

    for row in definition.survey:
        raw_type = row.get("type", "")
        if not raw_type:
            continue
        kind, _list = split_type(raw_type)
        if kind in ("begin group", "begin repeat"):
            is_repeat = kind == "begin repeat"
            opens = not stack or (is_repeat and not screen["repeat"])
            stack.append(
                Open(
                    kind,
                    row.get("name", "").strip(),
                    _localised(row, "label") or row.get("name", ""),
                    row.get("relevant", "").strip(),
                    opens,
                )
            )
            if opens:
                close()
                screen["title"] = stack[-1].label
                screen["conditions"] = conditions()
                screen["repeat"] = "/".join(g.name for g in stack) if is_repeat else ""
            continue
        if kind in ("end group", "end repeat"):
            ended = stack.pop()
            if ended.opened_screen:
                close()
                # A repeat inside a group: the rest of the group goes on a screen of its own.
                screen["title"] = stack[-1].label if stack else ""
                screen["conditions"] = conditions()
                screen["repeat"] = ""
            continue
        spec = next(specs)
        if kind not in ASKED:
            continue  # start, end, today, calculate…: filled by the collecting app
        if spec.repeat_path and spec.repeat_path != screen["repeat"]:
            continue  # a repeat inside a repeat: not entered in the app (see the notes)
        own = (spec.relevant.strip(),) if spec.relevant.strip() else ()
        item = Item(
            spec=spec,
            conditions=conditions() + own,
            hint=_localised(row, "hint"),
            constraint_message=_localised(row, "constraint_message"),
        )
        layout.by_path[spec.path] = item
        layout.by_name.setdefault(spec.name, item)
        if spec.name in PLACE_NAMES and not spec.repeat_path:
            layout.place[spec.path] = spec.name
            layout.place_items.append(item)
            continue
        current.append(item)
    close()
    return layout


# --- Answers -------------------------------------------------------------------------------


def lookup_for(
    layout: Layout,
    answers: dict[str, Any],
    rw: str,
    rt: str,
    instance: dict[str, Any] | None = None,
) -> Lookup:
    """``${name}`` → the answer (the instance's own first, inside a repeat)."""
    place = {"rw": int(rw) if rw.isdigit() else rw, "rt": int(rt) if rt.isdigit() else rt}

    def lookup(name: str) -> Any:
        item = layout.by_name.get(name)
        if item is None:
            return None
        if item.spec.repeat_path:
            return (instance or {}).get(item.path)
        if item.path in layout.place:
            return place[layout.place[item.path]]
        return answers.get(item.path)

    return lookup


def is_relevant(conditions: Iterable[str], lookup: Lookup) -> bool:
    return all(evaluate(condition, lookup) is not False for condition in conditions)


def screen_shown(layout: Layout, screen: Screen, answers: dict[str, Any], rw: str, rt: str) -> bool:
    lookup = lookup_for(layout, answers, rw, rt)
    if not is_relevant(screen.conditions, lookup):
        return False
    if screen.repeat_path:
        return True
    return any(is_relevant(item.conditions, lookup) for item in screen.items)


def step(
    layout: Layout, answers: dict[str, Any], rw: str, rt: str, index: int, direction: int
) -> int | None:
    """The next (or previous) screen that shows from ``index``; None past either end."""
    position = index + direction
    while 0 <= position < len(layout.screens):
        if screen_shown(layout, layout.screens[position], answers, rw, rt):
            return position
        position += direction
    return None


def first_screen(layout: Layout, answers: dict[str, Any], rw: str, rt: str) -> int | None:
    return step(layout, answers, rw, rt, -1, +1)


def visible_items(
    layout: Layout,
    screen: Screen,
    answers: dict[str, Any],
    rw: str,
    rt: str,
    instance: dict[str, Any] | None = None,
) -> list[Item]:
    lookup = lookup_for(layout, answers, rw, rt, instance)
    return [item for item in screen.items if is_relevant(item.conditions, lookup)]


def as_raw(value: Any) -> str | list[str]:
    """A stored answer as it would be typed (to check it again, or show it in a field)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, float):
        return (f"{value:g}").replace(".", ",")
    return str(value)


def convert(layout: Layout, item: Item, raw: Any) -> tuple[Answer, str]:
    """The typed answer as the question's value, or the reason it is not one. No
    required or constraint check here (see ``check``)."""
    if isinstance(raw, list) or item.spec.type == "select_multiple":
        parts = raw if isinstance(raw, list) else str(raw or "").split()
        values = []
        known = {value for value, _label in layout.choices(item)}
        for part in (str(p).strip() for p in parts):
            if not part:
                continue
            if part not in known or item.spec.type not in ("select_multiple", "select_one"):
                return None, _("Choose from the answers shown.")
            if part not in values:
                values.append(part)
        if item.spec.type == "select_one":
            return (values[0] if len(values) == 1 else None), (
                "" if len(values) <= 1 else _("Choose only one answer.")
            )
        return values or None, ""
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, ""
    kind = item.spec.type
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text.replace(".", "")):
            return None, _("Write a whole number, without a comma.")
        return int(text.replace(".", "")), ""
    if kind == "decimal":
        normal = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", normal):
            return None, _("Write a number, for example 2,5.")
        return float(normal), ""
    if kind == "date":
        try:
            return date.fromisoformat(text[:10]).isoformat(), ""
        except ValueError:
            return None, _("Write a date: day, month and year.")
    if kind == "select_one":
        if text not in {value for value, _label in layout.choices(item)}:
            return None, _("Choose from the answers shown.")
        return text, ""
    if len(text) > MAX_TEXT:
        return None, _("This answer is too long.")
    return text, ""


def check(layout: Layout, item: Item, raw: Any, lookup: Lookup) -> tuple[Answer, str]:
    """The answer of a question that is asked (relevant): typed right, given when
    required, and within the form's constraint."""
    value, reason = convert(layout, item, raw)
    if reason:
        return None, reason
    if value is None or value == []:
        if item.spec.required:
            return None, _("Please answer this question.")
        return None, ""
    constraint = item.spec.constraint.strip()
    if constraint and evaluate(constraint, lookup, current=value) is False:
        return None, item.constraint_message or _(
            "This answer is not possible here. Please check it."
        )
    return value, ""


Errors = dict[str, str]


def error_key(path: str, instance: int | None = None) -> str:
    """How an error names its question: ``group/name``, or ``repeat/name#2`` for the
    second instance of a repeat (the API's ``field``)."""
    return path if instance is None else f"{path}#{instance + 1}"


def _apply_flat(
    layout: Layout,
    items: list[Item],
    target: dict[str, Any],
    raw: dict[str, Any],
    lookup: Lookup,
    errors: Errors,
    instance: int | None,
) -> None:
    # First every typed value, so a relevance on the same screen sees the new answers.
    for item in items:
        value, reason = convert(layout, item, raw.get(item.path))
        if reason or value is None or value == []:
            target.pop(item.path, None)
        else:
            target[item.path] = value
    for item in items:
        if item.is_note:
            continue
        if not is_relevant(item.conditions, lookup):
            target.pop(item.path, None)
            continue
        value, reason = check(layout, item, raw.get(item.path), lookup)
        if reason:
            errors[error_key(item.path, instance)] = reason
        elif value is None:
            target.pop(item.path, None)
        else:
            target[item.path] = value


def apply(
    layout: Layout,
    answers: dict[str, Any],
    raw: dict[str, Any],
    rw: str,
    rt: str,
) -> tuple[dict[str, Any], Errors]:
    """``answers`` with the typed ones put in: ``raw`` maps a question's path to what was
    typed, and a repeat's path to a list of such maps (one per instance). A question that
    is no longer relevant loses its answer. Returns the new answers (typed values that
    fail keep nothing) and the errors by ``error_key``."""
    merged = dict(answers)
    errors: Errors = {}
    flat_items = []
    for path in raw:
        item = layout.by_path.get(path)
        is_repeat = any(s.repeat_path == path for s in layout.screens)
        if is_repeat:
            continue
        if item is None or item.spec.repeat_path or item.path in layout.place:
            errors[path] = _("This question is not in the form.")
            continue
        flat_items.append(item)
    _apply_flat(layout, flat_items, merged, raw, lookup_for(layout, merged, rw, rt), errors, None)
    for screen in layout.screens:
        if not screen.repeat_path or screen.repeat_path not in raw:
            continue
        instances = raw[screen.repeat_path]
        if not isinstance(instances, list):
            errors[screen.repeat_path] = _("This question is not in the form.")
            continue
        kept: list[dict[str, Any]] = []
        for number, typed in enumerate(instances):
            typed = typed if isinstance(typed, dict) else {}
            if not any(as_raw(v) not in ("", []) for v in typed.values()):
                continue  # an instance left empty is no instance
            values: dict[str, Any] = {}
            _apply_flat(
                layout,
                list(screen.items),
                values,
                typed,
                lookup_for(layout, merged, rw, rt, values),
                errors,
                number,
            )
            kept.append(values)
        merged[screen.repeat_path] = kept
    return merged, errors


@dataclass
class Finished:
    answers: dict[str, Any]
    private: dict[str, Any]
    # (screen index, question label, reason)
    problems: list[tuple[int, str, str]]


def finish(layout: Layout, answers: dict[str, Any], rw: str, rt: str) -> Finished:
    """Every answer checked once more as the response is sent: coded answers apart from
    free text (kept encrypted), answers to questions no longer asked dropped."""
    done = Finished({}, {}, [])
    lookup = lookup_for(layout, answers, rw, rt)
    for item in layout.place_items:
        value, _reason = convert(layout, item, str(int(rw if item.name == "rw" else rt)))
        if value is not None:
            done.answers[item.path] = value
    for screen in layout.screens:
        if not screen_shown(layout, screen, answers, rw, rt):
            continue
        if screen.repeat_path:
            coded_list, private_list = [], []
            for values in answers.get(screen.repeat_path) or []:
                inner = lookup_for(layout, answers, rw, rt, values)
                coded: dict[str, Any] = {}
                private: dict[str, Any] = {}
                for item in screen.items:
                    if item.is_note or not is_relevant(item.conditions, inner):
                        continue
                    value, reason = check(layout, item, as_raw(values.get(item.path)), inner)
                    if reason:
                        done.problems.append((screen.index, item.spec.label, reason))
                    elif value is not None:
                        (private if item.spec.personal else coded)[item.path] = value
                coded_list.append(coded)
                private_list.append(private)
            if coded_list:
                done.answers[screen.repeat_path] = coded_list
            if any(private_list):
                done.private[screen.repeat_path] = private_list
            continue
        for item in screen.items:
            if item.is_note or not is_relevant(item.conditions, lookup):
                continue
            value, reason = check(layout, item, as_raw(answers.get(item.path)), lookup)
            if reason:
                done.problems.append((screen.index, item.spec.label, reason))
            elif value is not None:
                (done.private if item.spec.personal else done.answers)[item.path] = value
    return done
