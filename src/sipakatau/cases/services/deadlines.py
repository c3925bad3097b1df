"""Due actions of a case, computed from the rule set the case was opened under, and the
escalation of those that are late."""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Membership, Role
from sipakatau.audit import services as audit
from sipakatau.mechanisms.codes import Responsible
from sipakatau.mechanisms.queries import escalation_of, rules_of, version_by_rule_set
from sipakatau.notifications.services import notify

from ..deadline_tally import tally_kept
from ..models import Case, CaseDeadline, DeadlineRule
from ..signals import deadlines_changed
from .common import unit_zone

logger = logging.getLogger(__name__)


def add_working_days(start: datetime, days: int, zone: tzinfo | None = None) -> datetime:
    """Monday to Friday count; public holidays are not known here, so a deadline may fall
    on one (earlier is the safe side). Days are the unit's calendar days: stored times are
    UTC, where Saturday 01:00 WITA is still Friday and would count one day too many."""
    moment = timezone.localtime(start, zone)
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


class Rule(Protocol):
    """A deadline rule: a row of the defaults (DeadlineRule) or a step of an issued
    mechanism (mechanisms.queries.Rule)."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def risk_level(self) -> str: ...
    @property
    def amount(self) -> int: ...
    @property
    def unit(self) -> str: ...


def due_from(rule: Rule, start: datetime, zone: tzinfo | None = None) -> datetime:
    if rule.unit == DeadlineRule.Unit.HOURS:
        return start + timedelta(hours=rule.amount)
    if rule.unit == DeadlineRule.Unit.DAYS:
        return start + timedelta(days=rule.amount)
    return add_working_days(start, rule.amount, zone)


def _rules(case: Case, trigger: str) -> list[Rule]:
    version = version_by_rule_set(case.rule_set)
    rules: Sequence[Rule]
    if version is not None:
        # The steps of the SK Lurah the case was opened under (DESIGN §2: what was signed
        # is what is enforced).
        rules = rules_of(version.pk, trigger)
    else:
        rules = list(DeadlineRule.objects.filter(rule_set=case.rule_set, trigger=trigger))
    chosen: dict[str, Rule] = {}
    for rule in rules:
        # A rule for the case's own risk level wins over the rule for every level.
        if rule.risk_level == case.risk_level or (not rule.risk_level and rule.code not in chosen):
            chosen[rule.code] = rule
    return list(chosen.values())


def deadlines_on_trigger(
    *, case: Case, trigger: str, start: datetime | None = None, again: bool = False
) -> list[CaseDeadline]:
    """Create the deadlines a trigger starts: an open one is never doubled, and a met one
    comes back only for repeating rules or when asked ``again`` (a reopened case)."""
    # UU 12/2022 TPKS Pasal 41 counts the 3x24 hours from the report, not from the moment
    # someone classified it, so both "opened" and "sexual violence" start at the report.
    from_report = {DeadlineRule.Trigger.CASE_OPENED, DeadlineRule.Trigger.SEXUAL_VIOLENCE_RECORDED}
    start = start or (case.reported_at if trigger in from_report else timezone.now())
    created: list[CaseDeadline] = []
    zone = unit_zone(case.organisation)
    rules = _rules(case, trigger)
    if not rules:
        return created
    with transaction.atomic(), tally_kept(case):
        for rule in rules:
            if case.deadlines.filter(code=rule.code, met_at__isnull=True).exists():
                continue
            repeats = again or trigger == DeadlineRule.Trigger.CASE_ACTIVE
            if not repeats and case.deadlines.filter(code=rule.code).exists():
                continue
            created.append(
                CaseDeadline.objects.create(
                    case=case, code=rule.code, label=rule.label, due_at=due_from(rule, start, zone)
                )
            )
    return created


def deadlines_meet(*, case: Case, codes: list[str], at: datetime | None = None) -> int:
    with transaction.atomic(), tally_kept(case):
        met = case.deadlines.filter(code__in=codes, met_at__isnull=True).update(
            met_at=at or timezone.now()
        )
    if met:
        deadlines_changed.send(sender=CaseDeadline, case=case)
    return met


def deadlines_reset_for_risk(*, case: Case) -> None:
    """A new risk level changes the first-contact deadline if contact is still due."""
    open_codes = set(case.deadlines.filter(met_at__isnull=True).values_list("code", flat=True))
    # Only rules that depend on the risk level move: the others (the assessment) would be
    # recomputed from the report date, which is wrong for a reopened case whose
    # deadlines started at the reopening.
    rules = {
        rule.code: rule
        for rule in _rules(case, DeadlineRule.Trigger.CASE_OPENED)
        if rule.risk_level
    }
    zone = unit_zone(case.organisation)
    for code in open_codes & set(rules):
        case.deadlines.filter(code=code, met_at__isnull=True).update(
            due_at=due_from(rules[code], case.reported_at, zone)
        )
    if open_codes & set(rules):
        deadlines_changed.send(sender=CaseDeadline, case=case)


def overdue_deadlines(now: datetime | None = None) -> QuerySet[CaseDeadline]:
    return CaseDeadline.objects.filter(
        met_at__isnull=True, escalated_at__isnull=True, due_at__lt=now or timezone.now()
    ).exclude(case__status="closed")


# Escalation targets of a mechanism's step that Sipakatau can reach beyond the unit's
# coordinators: the kelurahan's officers (the Lurah alone when the step names the Lurah).
KELURAHAN_TARGETS = {Responsible.LURAH, Responsible.SEKRETARIS_LURAH}


def _escalate_to_kelurahan(case: Case, deadline: CaseDeadline) -> None:
    """When the SK Lurah the case follows says a late step goes to the Lurah (or the
    kelurahan secretary), tell them too — with the register number and a link to the
    mechanism's figures, since a kelurahan officer does not open cases."""
    version = version_by_rule_set(case.rule_set)
    if version is None:
        return
    target = escalation_of(version.pk, deadline.code)
    if target not in KELURAHAN_TARGETS:
        return
    officers = Membership.objects.filter(
        role=Role.VILLAGE_OFFICER,
        is_active=True,
        user__is_active=True,
        organisation__area=version.mechanism.area_id,
    ).select_related("user")
    if target == Responsible.LURAH:
        officers = officers.filter(is_signatory=True)
    users = list({m.user_id: m.user for m in officers}.values())
    if users:
        notify(
            users=users,
            template="deadline_overdue_desa"
            if version.mechanism.area.is_desa
            else "deadline_overdue_kelurahan",
            context={
                "register_number": case.number_label,
                "link": reverse("cases:mechanism_monitoring", args=[version.pk]),
                "unit_name": case.organisation.short_name or case.organisation.name,
                "due_at": deadline.due_at,
            },
        )


def deadlines_escalate(*, now: datetime | None = None) -> int:
    """Tell the coordinators of each unit about its late actions, once per deadline.

    The message carries the register number and a link only: never a name or what
    happened (DESIGN §5), because a phone's lock screen shows it to anyone nearby.
    """
    now = now or timezone.now()
    count = 0
    # A list, not a live cursor: each row is written to while the loop runs, and SQLite
    # gives no isolation between a cursor and writes on the same connection.
    for deadline in list(overdue_deadlines(now).select_related("case", "case__organisation")):
        case = deadline.case
        coordinators = [
            membership.user
            for membership in Membership.objects.filter(
                organisation=case.organisation_id,
                role=Role.COORDINATOR,
                is_active=True,
                user__is_active=True,
            ).select_related("user")
        ]
        if not coordinators:
            # Marking it escalated would tell nobody and never try again: leave it for the
            # next run, when the unit may have a coordinator again.
            logger.warning(
                "Overdue deadline %s of case %s: the unit has no active coordinator",
                deadline.pk,
                case.pk,
            )
            continue
        with transaction.atomic():
            # The claim repeats the whole condition: a deadline met since the list was
            # read (or escalated by another worker) is left alone.
            claimed = overdue_deadlines(now).filter(pk=deadline.pk).update(escalated_at=now)
            if not claimed:
                continue  # met or escalated meanwhile
            notify(
                users=coordinators,
                template="deadline_overdue",
                context={
                    "register_number": case.number_label,
                    "link": reverse("cases:case_detail", args=[case.pk]),
                    "unit_name": case.organisation.short_name or case.organisation.name,
                    "due_at": deadline.due_at,
                },
            )
            _escalate_to_kelurahan(case, deadline)
            audit.log(audit.SYSTEM, "deadline.escalated", deadline, fields=["escalated_at"])
            count += 1
    return count
