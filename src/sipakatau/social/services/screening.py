"""Screening rules: save (compiled first), test-run without saving, run onto the worklist;
and the worklist entries a case's needs assessment raises."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Assessment, Case

from ..codes import SOCIAL_PROTECTION_NEEDS, WorklistSource, WorklistStatus
from ..models import Household, HouseholdMember, Programme, ScreeningRule, WorklistEntry
from ..queries import (
    households_visible_to,
    may_add_from_case,
    may_edit_rule,
    may_edit_rules,
    may_run_screening,
    rules_for_kelurahan,
)
from ..rules import CompiledRule, chunks, compile_rule, fact_types, household_facts
from .common import require

logger = logging.getLogger(__name__)


def _check_programme(programme: Programme) -> None:
    if not programme.is_active:
        raise ValidationError({"programme": _("This programme is no longer active.")})


@transaction.atomic
def rule_save(
    *,
    actor: Membership,
    programme: Programme,
    expression: str,
    description: str,
    is_active: bool = True,
    rule: ScreeningRule | None = None,
) -> ScreeningRule:
    """Create or edit a rule of the actor's Dinsos jurisdiction. The expression is
    compiled first: an unknown fact or a broken rule is refused, never saved."""
    if rule is not None:
        rule = ScreeningRule.objects.select_for_update().select_related("area").get(pk=rule.pk)
        require(may_edit_rule(actor, rule))
    else:
        require(may_edit_rules(actor))
    _check_programme(programme)
    compiled = compile_rule(expression)
    description = " ".join(description.split())
    if not description:
        raise ValidationError({"description": _("Say in words what the rule finds.")})
    if rule is None:
        rule = ScreeningRule(area=actor.organisation.area)
    rule.programme = programme
    rule.expression = compiled.expression
    rule.description = description
    rule.is_active = is_active
    rule.edited_by = actor.user
    rule.edited_at = timezone.now()
    created = rule.pk is None
    rule.save()
    audit.log(
        actor,
        "screening_rule.created" if created else "screening_rule.changed",
        rule,
        fields=["programme", "expression", "description", "is_active"],
    )
    return rule


@dataclass
class Flag:
    household: Household
    why: str


@dataclass
class TestRun:
    checked: int = 0
    flagged_total: int = 0
    # Households whose facts a rule needed but nobody knows (an empty desil).
    unknown: int = 0
    # Only the flagged households the actor may see; the others are only counted.
    flagged: list[Flag] = field(default_factory=list)

    @property
    def flagged_elsewhere(self) -> int:
        return self.flagged_total - len(self.flagged)


def screen(rule: CompiledRule, household_ids: list[int]) -> Iterator[tuple[int, bool | None, str]]:
    """(household, matched or None when not known, why) for each household."""
    for chunk in chunks(household_ids):
        for household_id, facts in household_facts(chunk).items():
            result = rule.evaluate(facts)
            yield household_id, result, rule.why(facts) if result else ""


def screen_all(
    rules: list[tuple[ScreeningRule, CompiledRule]], household_ids: list[int]
) -> Iterator[tuple[int, ScreeningRule]]:
    """(household, rule) for every rule that flags a household: the facts of each chunk
    are computed once for all the rules."""
    for chunk in chunks(household_ids):
        for household_id, facts in household_facts(chunk).items():
            for rule, compiled in rules:
                if compiled.evaluate(facts):
                    yield household_id, rule


def rule_test_run(*, actor: Membership, expression: str, kelurahan: Area | None = None) -> TestRun:
    """Who the rule would flag now, and why, without saving anything: over the office's
    jurisdiction (or one kelurahan in it). Names are shown only for households the actor
    may already see; the rest are counted."""
    require(may_edit_rules(actor, kelurahan))
    compiled = compile_rule(expression)
    area_code = (kelurahan or actor.organisation.area).code
    within = Q(kelurahan__code=area_code) | Q(kelurahan__code__startswith=area_code + ".")
    ids = list(Household.objects.filter(within).values_list("pk", flat=True))
    visible = set(households_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
    run = TestRun()
    shown: dict[int, str] = {}
    for household_id, result, why in screen(compiled, ids):
        run.checked += 1
        if result is None:
            run.unknown += 1
        elif result:
            run.flagged_total += 1
            if household_id in visible:
                shown[household_id] = why
    households = Household.objects.in_bulk(list(shown))
    run.flagged = [Flag(households[pk], why) for pk, why in sorted(shown.items())]
    audit.log(actor, "screening_rule.test_run", None, fields=["expression"])
    return run


@transaction.atomic
def screening_run(*, actor: Membership | None, kelurahan: Area) -> int:
    """Every active rule that applies in the kelurahan, over its households, onto the
    worklist. Idempotent: a household is flagged once per rule (set aside or not).
    ``actor`` None is the scheduler."""
    if actor is not None:
        require(may_run_screening(actor, kelurahan))
    ids = list(Household.objects.filter(kelurahan=kelurahan).values_list("pk", flat=True))
    types = fact_types()
    rules = [
        (rule, compile_rule(rule.expression, types)) for rule in rules_for_kelurahan(kelurahan)
    ]
    done = set(
        WorklistEntry.objects.filter(rule__in=[rule for rule, _c in rules]).values_list(
            "household_id", "rule_id"
        )
    )
    new = [
        WorklistEntry(
            household_id=household_id,
            source=WorklistSource.RULE,
            rule=rule,
            programme_id=rule.programme_id,
            reason=rule.description[:300],
        )
        for household_id, rule in screen_all(rules, ids)
        if (household_id, rule.pk) not in done
    ]
    WorklistEntry.objects.bulk_create(new, ignore_conflicts=True)
    created = len(new)
    audit.log(actor or audit.SYSTEM, "screening.run", kelurahan, fields=["worklist"])
    return created


@transaction.atomic
def worklist_add_from_case_need(
    *, actor: Membership, case: Case, assessment: Assessment | None = None
) -> list[WorklistEntry]:
    """The case's needs assessment (``assessment``, else the newest) raised an economic
    or civil-documents need: put each victim's current household on its kelurahan's
    worklist (once per case). The entry says which kinds of need, never the case's story;
    the kelurahan sees that a service unit raised it, not that there is a case of violence."""
    require(may_add_from_case(actor, case))
    if assessment is None:
        assessment = case.assessments.order_by("-assessed_at").first()
    needs = sorted(set(assessment.needs) & SOCIAL_PROTECTION_NEEDS) if assessment else []
    if not needs:
        return []
    households = (
        HouseholdMember.objects.filter(
            end_date__isnull=True,
            person__case_parties__case=case,
            person__case_parties__role=PartyRole.VICTIM,
        )
        .values_list("household_id", flat=True)
        .distinct()
    )
    entries = []
    for household_id in households:
        entry, created = WorklistEntry.objects.get_or_create(
            household_id=household_id,
            case=case,
            defaults={"source": WorklistSource.CASE_NEED, "needs": needs},
        )
        if created:
            audit.log(
                actor, "worklist.added_from_case", entry, fields=["household", "case", "needs"]
            )
        entries.append(entry)
    return entries


@transaction.atomic
def worklist_dismiss(*, actor: Membership, entry: WorklistEntry) -> WorklistEntry:
    entry = WorklistEntry.objects.select_for_update().select_related("household").get(pk=entry.pk)
    require(may_run_screening(actor, entry.household.kelurahan))
    if entry.status != WorklistStatus.OPEN:
        raise ValidationError(_("This entry was already handled."))
    entry.status = WorklistStatus.DISMISSED
    entry.save(update_fields=["status", "updated_at"])
    audit.log(actor, "worklist.dismissed", entry, fields=["status"])
    return entry


def on_assessment_recorded(assessment: Assessment, actor: Membership) -> None:
    """Registered in ``cases.services.care.assessment_hooks`` (SocialConfig.ready), run
    inside ``assessment_record``'s transaction. It never raises: a refusal here would
    refuse the assessment itself, which matters more than the worklist."""
    if not set(assessment.needs or {}) & SOCIAL_PROTECTION_NEEDS:
        return
    case = assessment.case
    if not may_add_from_case(actor, case):
        return
    try:
        # Its own savepoint (the service is atomic): a failure rolls back only this part.
        worklist_add_from_case_need(actor=actor, case=case, assessment=assessment)
    except (PermissionDenied, ValidationError, DatabaseError):
        logger.exception("Case %s: the household could not be put on the worklist", case.pk)
