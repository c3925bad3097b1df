"""Screening rules: readable expressions over the facts of a household.

The expression language is rule-engine's (https://zeroSteiner.github.io/rule-engine/): a
small typed language, not Python, so a rule can do nothing but compare facts —
``desil <= 4 and not in_pkh``, ``has_severe_disability and not has_pbi``,
``has_child_without_akta``. A rule is compiled against the declared facts below; an
unknown name or a wrong type is refused when the rule is saved, not when it runs.

The facts are computed for many households at once in ``household_facts`` (a fixed
number of queries per chunk), from the newest DTSEN knowledge, the enrolments, the civil
documents and the people of each household's current members.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipakatau.people.models import WgAnswer

from .codes import DocumentKind, DocumentStatus, DtsenStatus, EnrolmentStatus, Relationship
from .models import CivilDocument, DtsenRecord, Enrolment, HouseholdMember, Programme

if TYPE_CHECKING:
    import rule_engine
    from django_stubs_ext import StrOrPromise

CHILD_UNDER = 18  # UU 35/2014
ADULT_FROM = 17  # a KTP-el is due at 17 (UU 24/2013 art. 63)
ELDERLY_FROM = 60  # UU 13/1998

# The type of a fact, by the name of rule_engine's DataType. Names, not the types
# themselves: rule_engine takes a second and several MB to import, which a worker that
# never screens a household should not pay (it is imported when a rule is compiled).
FLOAT, BOOLEAN = "FLOAT", "BOOLEAN"

# The facts every rule can use, with their types and what they mean (shown on the rule page).
BASE_FACTS: dict[str, tuple[str, "StrOrPromise"]] = {
    "desil": (FLOAT, gettext_lazy("DTSEN desil 1-10; empty when not known")),
    "in_dtsen": (BOOLEAN, gettext_lazy("the household is in DTSEN")),
    "dtsen_known": (BOOLEAN, gettext_lazy("something is known of DTSEN")),
    "members": (FLOAT, gettext_lazy("number of current members")),
    "children": (FLOAT, gettext_lazy("members under 18")),
    "elderly": (FLOAT, gettext_lazy("members aged 60 or more")),
    "has_child": (BOOLEAN, gettext_lazy("a member under 18")),
    "has_elderly": (BOOLEAN, gettext_lazy("a member aged 60 or more")),
    "lives_alone_elderly": (BOOLEAN, gettext_lazy("one member, aged 60 or more")),
    "head_is_woman": (BOOLEAN, gettext_lazy("the head of the family is a woman")),
    "has_disability": (BOOLEAN, gettext_lazy("a member with a disability")),
    "has_severe_disability": (
        BOOLEAN,
        gettext_lazy("a member who cannot do an activity at all (WG-SS)"),
    ),
    "has_pbi": (BOOLEAN, gettext_lazy("a member whose BPJS Kesehatan is paid by the state")),
    "has_member_without_bpjs": (
        BOOLEAN,
        gettext_lazy("a member with no BPJS Kesehatan or an inactive one"),
    ),
    "has_inactive_bpjs": (BOOLEAN, gettext_lazy("a member whose BPJS Kesehatan is inactive")),
    "has_child_without_akta": (BOOLEAN, gettext_lazy("a child without a birth certificate")),
    "has_adult_without_ktp": (BOOLEAN, gettext_lazy("a member aged 17 or more without a KTP-el")),
    "has_member_without_kk": (BOOLEAN, gettext_lazy("a member not on a family card")),
}


def programme_fact(code: str) -> str:
    """``PKH`` → ``in_pkh``: the household or one of its members receives it."""
    return "in_" + code.lower()


def fact_types() -> dict[str, str]:
    types = {name: kind for name, (kind, _help) in BASE_FACTS.items()}
    for code in Programme.objects.values_list("code", flat=True):
        types[programme_fact(code)] = BOOLEAN
    return types


def _context(types: dict[str, str]) -> "rule_engine.Context":
    import rule_engine

    resolved = {name: getattr(rule_engine.DataType, kind) for name, kind in types.items()}
    return rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(resolved))


@dataclass(frozen=True)
class CompiledRule:
    expression: str
    rule: "rule_engine.Rule"
    names: tuple[str, ...]  # the facts it reads, for the "why"

    def evaluate(self, facts: dict[str, Any]) -> bool | None:
        """True or False; None when a fact it needs is not known (an empty desil)."""
        import rule_engine

        try:
            return bool(self.rule.matches(facts))
        except rule_engine.errors.EvaluationError:
            return None

    def why(self, facts: dict[str, Any]) -> str:
        return ", ".join(f"{name} = {_show(facts.get(name))}" for name in self.names)


def _show(value: Any) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def compile_rule(expression: str, types: dict[str, str] | None = None) -> CompiledRule:
    """Compile ``expression`` against the facts, or raise ValidationError saying what is
    wrong in words a Dinsos officer can act on."""
    import rule_engine

    types = types if types is not None else fact_types()
    text = " ".join(expression.split())
    if not text:
        raise ValidationError({"expression": _("Write the rule.")})
    try:
        rule = rule_engine.Rule(text, context=_context(types))
    except rule_engine.errors.SymbolResolutionError as exc:
        raise ValidationError(
            {
                "expression": _("“%(name)s” is not a known fact. Use one of: %(known)s.")
                % {"name": exc.symbol_name, "known": ", ".join(sorted(types))}
            }
        ) from exc
    except rule_engine.errors.RuleSyntaxError as exc:
        raise ValidationError(
            {"expression": _("The rule cannot be read: check the words and brackets.")}
        ) from exc
    except rule_engine.errors.EngineError as exc:
        raise ValidationError(
            {"expression": _("The rule compares things that do not fit together.")}
        ) from exc
    names = tuple(dict.fromkeys(word for word in _WORD.findall(text) if word in types))
    return CompiledRule(expression=text, rule=rule, names=names)


# --- The facts ------------------------------------------------------------------------------


def _age(birth_date: date | None, estimate: int | None, today: date) -> int | None:
    if birth_date is not None:
        before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
        return today.year - birth_date.year - before_birthday
    return estimate


def household_facts(
    household_ids: Iterable[int], *, today: date | None = None
) -> dict[int, dict[str, Any]]:
    """The facts of each household, in six queries however many households."""
    ids = list(household_ids)
    today = today or timezone.localdate()
    programme_codes = dict(Programme.objects.values_list("pk", "code"))
    facts: dict[int, dict[str, Any]] = {}
    for pk in ids:
        row: dict[str, Any] = {
            name: False for name, (kind, _h) in BASE_FACTS.items() if kind == BOOLEAN
        }
        row.update(desil=None, members=0.0, children=0.0, elderly=0.0)
        row.update({programme_fact(code): False for code in programme_codes.values()})
        facts[pk] = row

    seen: set[int] = set()
    for household_id, status, desil in (
        DtsenRecord.objects.filter(household_id__in=ids)
        .order_by("household_id", "-known_on", "-pk")
        .values_list("household_id", "status", "desil")
    ):
        if household_id in seen:
            continue
        seen.add(household_id)
        facts[household_id]["dtsen_known"] = status != DtsenStatus.UNKNOWN
        facts[household_id]["in_dtsen"] = status == DtsenStatus.LISTED
        facts[household_id]["desil"] = float(desil) if desil is not None else None

    members = list(
        HouseholdMember.objects.filter(household_id__in=ids, end_date__isnull=True)
        .select_related("person")
        .only(
            "household_id",
            "relationship",
            "person__id",
            "person__sex",
            "person__birth_date",
            "person__age_estimate",
            "person__has_disability",
            "person__wg_answers",
        )
    )
    household_of: dict[int, int] = {}
    ages: dict[int, int | None] = {}
    for member in members:
        person = member.person
        row = facts[member.household_id]
        household_of[person.pk] = member.household_id
        age = _age(person.birth_date, person.age_estimate, today)
        ages[person.pk] = age
        row["members"] += 1
        if age is not None and age < CHILD_UNDER:
            row["children"] += 1
        if age is not None and age >= ELDERLY_FROM:
            row["elderly"] += 1
        if member.relationship == Relationship.HEAD and person.sex == "P":
            row["head_is_woman"] = True
        if person.has_disability:
            row["has_disability"] = True
        if WgAnswer.CANNOT in (person.wg_answers or {}).values():
            row["has_severe_disability"] = row["has_disability"] = True
    for row in facts.values():
        row["has_child"] = row["children"] > 0
        row["has_elderly"] = row["elderly"] > 0
        row["lives_alone_elderly"] = row["members"] == 1 and row["elderly"] == 1

    for person_id, kind, status, is_pbi in CivilDocument.objects.filter(
        person_id__in=list(household_of)
    ).values_list("person_id", "kind", "status", "is_pbi"):
        row = facts[household_of[person_id]]
        age = ages.get(person_id)
        if kind == DocumentKind.BPJS_KESEHATAN:
            if status == DocumentStatus.ACTIVE and is_pbi:
                row["has_pbi"] = True
            if status in {DocumentStatus.NONE, DocumentStatus.INACTIVE}:
                row["has_member_without_bpjs"] = True
            if status == DocumentStatus.INACTIVE:
                row["has_inactive_bpjs"] = True
        elif status == DocumentStatus.MISSING:
            if kind == DocumentKind.AKTA_KELAHIRAN and age is not None and age < CHILD_UNDER:
                row["has_child_without_akta"] = True
            elif kind == DocumentKind.KTP_EL and age is not None and age >= ADULT_FROM:
                row["has_adult_without_ktp"] = True
            elif kind == DocumentKind.KK:
                row["has_member_without_kk"] = True

    enrolled = Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED)
    for household_id, programme_id in enrolled.filter(household_id__in=ids).values_list(
        "household_id", "programme_id"
    ):
        facts[household_id][programme_fact(programme_codes[programme_id])] = True
    for person_id, programme_id in enrolled.filter(person_id__in=list(household_of)).values_list(
        "person_id", "programme_id"
    ):
        facts[household_of[person_id]][programme_fact(programme_codes[programme_id])] = True
    for row in facts.values():
        if row.get(programme_fact("PBI_JK")):
            row["has_pbi"] = True
    return facts


def chunks(ids: list[int], size: int = 2000) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
