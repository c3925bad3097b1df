"""What changed between two versions of a mechanism, in words a Lurah, an RT head or a
DP3A officer reads without training: "Batas waktu (risiko tinggi): 2 jam → 1 jam".

``version_diff`` lists the changes; ``word_spans`` marks the changed words of one text so
that a page shows them with <del>/<ins> from plain strings (autoescaped, never |safe).
Both work on prefetched versions (``queries.version_in_full``): no query per step.
"""

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .codes import DeadlineUnit, Responsible, RiskLevel, Section, TrackedAction, Trigger
from .models import Duty, MechanismVersion, PathwayEntry, Step

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    section: str  # a codes.Section value
    label: str  # readable, e.g. "Langkah 3 · Asesmen risiko dan kebutuhan"
    kind: str  # "added" | "removed" | "changed"
    before: str
    after: str


# --- Words ------------------------------------------------------------------------------


def word_spans(before: str, after: str) -> list[tuple[str, str]]:
    """The words of ``before`` → ``after`` as (kind, text) spans, kind "same", "del" or
    "ins". Whitespace is kept as its own token so the spans read back as the texts."""
    old = re.split(r"(\s+)", before)
    new = re.split(r"(\s+)", after)
    spans: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if spans and spans[-1][0] == kind:
            spans[-1] = (kind, spans[-1][1] + text)
        else:
            spans.append((kind, text))

    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", "".join(old[i1:i2]))
        else:
            add("del", "".join(old[i1:i2]))
            add("ins", "".join(new[j1:j2]))
    return spans


# --- Plain words for the values ---------------------------------------------------------


def _label_of(choices: type, value: str) -> str:
    if not value:
        return _("none")
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _deadline_text(amount: int, unit: str) -> str:
    if unit == DeadlineUnit.HOURS:
        text = ngettext("%(amount)s hour", "%(amount)s hours", amount)
    elif unit == DeadlineUnit.DAYS:
        text = ngettext("%(amount)s day", "%(amount)s days", amount)
    else:
        text = ngettext("%(amount)s working day", "%(amount)s working days", amount)
    return text % {"amount": amount}


def _deadlines(step: Step) -> dict[str, str]:
    return {d.risk_level: _deadline_text(d.amount, d.unit) for d in step.deadlines.all()}


def _deadline_label(risk_level: str) -> str:
    return _("Deadline (%(risk)s)") % {"risk": _label_of(RiskLevel, risk_level).lower()}


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _step_label(step: Step) -> str:
    return _("Step %(number)s · %(title)s") % {"number": step.position, "title": step.title}


def _step_summary(step: Step) -> str:
    parts = [step.title, _label_of(Responsible, step.responsible)]
    parts += [f"{_deadline_label(r)}: {t}" for r, t in sorted(_deadlines(step).items())]
    return " · ".join(parts)


# --- Pairing ----------------------------------------------------------------------------


def _paired_lists(
    old: Sequence[str], new: Sequence[str], section: str, label: Callable[[int], str]
) -> list[Change]:
    """Paragraph lists (Menimbang, Mengingat, Tembusan) by position; an inserted
    paragraph shows as one addition, not as every later paragraph changed."""
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            changes.append(Change(section, label(j1 + k), CHANGED, old[i1 + k], new[j1 + k]))
        for k in range(i1 + pairs, i2):
            changes.append(Change(section, label(k), REMOVED, old[k], ""))
        for k in range(j1 + pairs, j2):
            changes.append(Change(section, label(k), ADDED, "", new[k]))
    return changes


def _match(
    old: list[T], new: list[T], keys: Sequence[Callable[[T], object]]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair items by the first key that both have (a falsy key is no key), then the rest
    by the next key. Returns the pairs, the removed and the added items."""
    pairs: list[tuple[T, T]] = []
    left, right = list(old), list(new)
    for key in keys:
        by_key: dict[object, T] = {}
        for item in right:
            value = key(item)
            if value and value not in by_key:
                by_key[value] = item
        still_left = []
        for item in left:
            value = key(item)
            partner = by_key.pop(value, None) if value else None
            if partner is None:
                still_left.append(item)
            else:
                pairs.append((item, partner))
                right.remove(partner)
        left = still_left
    return pairs, left, right


# --- Sections ---------------------------------------------------------------------------


def _steps(old: list[Step], new: list[Step]) -> list[Change]:
    # Steps are matched by what the case records (``action``) when they have one: that is
    # their identity for the deadlines the case module enforces, whatever they are called.
    # Untimed steps by title, and only then by position: a step inserted in the middle
    # moves every later one, and matching by position alone would report them all changed.
    pairs, removed, added = _match(
        old,
        new,
        [
            lambda s: s.action,
            lambda s: " ".join(s.title.split()).casefold(),
            lambda s: s.position,
        ],
    )
    changes: list[Change] = []
    # A step whose order among the kept steps differs was moved (insertions and removals
    # alone shift numbers but are not moves).
    old_rank = {s.pk: i for i, s in enumerate(sorted((a for a, _b in pairs), key=_pos))}
    new_rank = {s.pk: i for i, s in enumerate(sorted((b for _a, b in pairs), key=_pos))}
    for before, after in sorted(pairs, key=lambda p: p[1].position):
        label = _step_label(after)

        def changed(field: str, a: str, b: str, label: str = label) -> None:
            if a != b:
                changes.append(Change(Section.STEP, f"{label} · {field}", CHANGED, a, b))

        if old_rank[before.pk] != new_rank[after.pk]:
            changed(_("Order"), str(before.position), str(after.position))
        changed(_("Step"), before.title, after.title)
        changed(_("What is done"), before.description, after.description)
        changed(
            _("Responsible"),
            _label_of(Responsible, before.responsible),
            _label_of(Responsible, after.responsible),
        )
        changed(
            _("Recorded in the case as"),
            _label_of(TrackedAction, before.action),
            _label_of(TrackedAction, after.action),
        )
        changed(
            _("Starts from"),
            _label_of(Trigger, before.trigger),
            _label_of(Trigger, after.trigger),
        )
        changed(
            _("When late, tell"),
            _label_of(Responsible, before.escalate_to),
            _label_of(Responsible, after.escalate_to),
        )
        changed(
            _("Social-protection track"),
            _yes_no(before.is_social_protection),
            _yes_no(after.is_social_protection),
        )
        old_deadlines, new_deadlines = _deadlines(before), _deadlines(after)
        for risk in RiskLevel.values:
            if risk in old_deadlines or risk in new_deadlines:
                changed(
                    _deadline_label(risk),
                    old_deadlines.get(risk, _("none")),
                    new_deadlines.get(risk, _("none")),
                )
    for step in removed:
        changes.append(Change(Section.STEP, _step_label(step), REMOVED, _step_summary(step), ""))
    for step in added:
        changes.append(Change(Section.STEP, _step_label(step), ADDED, "", _step_summary(step)))
    return changes


def _pos(step: Step) -> int:
    return step.position


def _entry_label(entry: PathwayEntry) -> str:
    return f"{entry.get_service_type_display()} · {entry.provider.name}"


def _pathway(old: list[PathwayEntry], new: list[PathwayEntry]) -> list[Change]:
    pairs, removed, added = _match(old, new, [lambda e: (e.service_type, e.provider_id)])
    changes = [
        Change(
            Section.PATHWAY, f"{_entry_label(b)} · {_('Contact')}", CHANGED, a.contact, b.contact
        )
        for a, b in pairs
        if a.contact != b.contact
    ]
    changes += [Change(Section.PATHWAY, _entry_label(e), REMOVED, e.contact, "") for e in removed]
    changes += [Change(Section.PATHWAY, _entry_label(e), ADDED, "", e.contact) for e in added]
    return changes


def _duties(old: list[Duty], new: list[Duty]) -> list[Change]:
    # A party appears once in the template; by party first, so a reordering is no change.
    pairs, removed, added = _match(old, new, [lambda d: d.party, lambda d: d.position])
    changes: list[Change] = []
    for a, b in pairs:
        label = b.get_party_display()
        if a.party != b.party:
            changes.append(
                Change(Section.DUTIES, _("Party"), CHANGED, a.get_party_display(), label)
            )
        if a.duties != b.duties:
            changes.append(Change(Section.DUTIES, label, CHANGED, a.duties, b.duties))
    changes += [
        Change(Section.DUTIES, d.get_party_display(), REMOVED, d.duties, "") for d in removed
    ]
    changes += [Change(Section.DUTIES, d.get_party_display(), ADDED, "", d.duties) for d in added]
    return changes


def _letter(index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[index] if index < 26 else str(index + 1)


def version_diff(old: MechanismVersion, new: MechanismVersion) -> list[Change]:
    """Every change from ``old`` to ``new``, in the order of the decree."""
    changes: list[Change] = []
    if old.title != new.title:
        changes.append(Change(Section.TITLE, _("Title"), CHANGED, old.title, new.title))
    changes += _paired_lists(
        old.considerations,
        new.considerations,
        Section.CONSIDERATIONS,
        lambda i: _("Consideration %(letter)s") % {"letter": _letter(i)},
    )
    changes += _paired_lists(
        old.legal_bases,
        new.legal_bases,
        Section.LEGAL_BASES,
        lambda i: _("Legal basis %(number)s") % {"number": i + 1},
    )
    changes += _steps(list(old.steps.all()), list(new.steps.all()))
    changes += _pathway(list(old.pathway.all()), list(new.pathway.all()))
    changes += _duties(list(old.duties.all()), list(new.duties.all()))
    for section, field, label in (
        (Section.REPORTING, "reporting_schedule", _("Reporting schedule")),
        (Section.FUNDING, "funding", _("Funding")),
        (Section.MONITORING, "monitoring", _("Monitoring and evaluation")),
    ):
        a, b = getattr(old, field), getattr(new, field)
        if a != b:
            changes.append(Change(section, label, CHANGED, a, b))
    # Tembusan has no section of its own for comments; it belongs to the whole decree.
    changes += _paired_lists(
        old.copies_to,
        new.copies_to,
        Section.GENERAL,
        lambda i: _("Copy to (Tembusan) %(number)s") % {"number": i + 1},
    )
    return changes


def deadline_lines(step: Step) -> list[tuple[str, str]]:
    """A step's deadlines in words, every level first: [("Semua tingkat risiko", "2 jam")]."""
    order = {risk: i for i, risk in enumerate(RiskLevel.values)}
    return [
        (
            _label_of(RiskLevel, d.risk_level) if d.risk_level else str(RiskLevel.ANY.label),
            _deadline_text(d.amount, d.unit),
        )
        for d in sorted(step.deadlines.all(), key=lambda d: order.get(d.risk_level, 99))
    ]
