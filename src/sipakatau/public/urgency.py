"""What "someone is in danger now" sets going: the numbers the reporter is told to call at
once, and the time by which the unit must have made first contact.

The deadline is not a new rule of ours. It is the first-contact step of the mechanism
that governs the kelurahan (its issued SK Lurah), else the default rules the case module
uses, counted from the report's arrival — the same start a case opened from the report
keeps (``decisions.public_report_promote`` passes the report's arrival as reported_at).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_time_zone
from sipakatau.cases.models import DeadlineRule
from sipakatau.cases.services.deadlines import Rule, due_from
from sipakatau.mechanisms.codes import RiskLevel, TrackedAction, Trigger
from sipakatau.mechanisms.queries import active_version_for_area, rules_of

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Hotline:
    label: "StrPromise"
    number: str  # as a person reads it
    link: str  # tap to call


# The same numbers, in the same form, as the home page's "Help now". 112 and 110 answer
# at any hour; SAPA 129 is the national line for women and children (KemenPPPA).
CALL_NOW: tuple[Hotline, ...] = (
    Hotline(_("Emergency"), "112", "tel:112"),
    Hotline(_("Police"), "110", "tel:110"),
    Hotline(_("SAPA 129 (free)"), "129", "tel:129"),
    Hotline(_("SAPA 129 on WhatsApp"), "08111-129-129", "tel:+628111129129"),
)


def _first_contact_rules(kelurahan: Area) -> Sequence[Rule]:
    version = active_version_for_area(kelurahan)
    if version is not None:
        # What was signed is what is enforced (DESIGN §2), as for the cases.
        rules: Sequence[Rule] = rules_of(version.pk, Trigger.CASE_OPENED)
    else:
        rules = list(DeadlineRule.objects.filter(rule_set="default", trigger=Trigger.CASE_OPENED))
    return [rule for rule in rules if rule.code == TrackedAction.FIRST_CONTACT]


def first_contact_due(
    *, kelurahan: Area, organisation: Organisation, urgent: bool, start: datetime
) -> datetime | None:
    """When the unit must have contacted the reporter, or None when no rule says.

    Urgent: the shortest first-contact deadline of any risk level — a case opened from it
    starts at high risk, and the shortest is the safe side if a mechanism ranks its levels
    otherwise. Not urgent: the deadline of a risk not yet assessed (which the defaults
    count as medium, never as low), the one its case would carry.
    """
    rules = _first_contact_rules(kelurahan)
    if not urgent:
        # As the case module chooses: a rule for the level wins over one for every level.
        level = [rule for rule in rules if rule.risk_level == RiskLevel.UNASSESSED]
        rules = level or [rule for rule in rules if not rule.risk_level]
    if not rules:
        return None
    zone = ZoneInfo(area_time_zone(organisation.area))
    return min(due_from(rule, start, zone) for rule in rules)
