"""Every read of case data that depends on who is asking.

- caseworkers and coordinators: every case of their unit;
- volunteers: the cases whose intake they took, and the cases of follow-ups assigned
  to them (but only those follow-ups, see ``follow_ups_visible_to``);
- everyone else: nothing. Agencies see referred projections only (referrals module).

Out of scope answers 404, never 403. Scoped fetchers are named ``<things>_visible_to
(membership)`` for lists and ``<thing>_for(membership, pk)`` for one object; a fetcher
that hands over personal data records the read itself (``record_read=True``).

Split by concept — ``scope`` (who sees which case, ``may_<verb>``), ``objects`` (one
object at a time, and the reads recorded), ``lists`` (lists, search, duplicates, due
actions) — and read through this package: ``from sipakatau.cases import queries``.
"""

from .lists import (
    AttentionCounts,
    CaseFilter,
    CaseSearch,
    DeadlineState,
    PossibleDuplicate,
    attention_counts,
    case_ids_matching,
    case_search,
    cases_listed,
    deadline_state,
    follow_ups_assigned_to,
    follow_ups_listed,
    lateness,
    next_deadline,
    possible_duplicates,
)
from .objects import (
    CASE_SECTIONS,
    CLOSURE_FIELDS,
    FOLLOW_UP_SECTIONS,
    IDENTITY_FIELDS,
    attachment_for,
    browsable_case_for,
    case_for,
    closure_for,
    closure_to_decide_for,
    consent_for,
    follow_up_for,
    has_active_consent,
    identity_for,
    incident_of,
    parties_of,
    party_for,
    party_of_case,
    plan_item_for,
    unnamed_victim_label,
)
from .scope import (
    ACTIVATABLE,
    case_can_be_browsed,
    cases_visible_to,
    follow_up_assignees,
    follow_ups_visible_to,
    may_act_on,
    may_activate,
    may_assign,
    may_be_given_follow_up,
    may_decide_closure,
    may_manage,
    may_monitor,
    may_own_plan_item,
    may_reopen,
    may_take,
    plan_item_owners,
    unit_workers,
)

__all__ = [
    "ACTIVATABLE",
    "CASE_SECTIONS",
    "CLOSURE_FIELDS",
    "FOLLOW_UP_SECTIONS",
    "IDENTITY_FIELDS",
    "AttentionCounts",
    "CaseFilter",
    "CaseSearch",
    "DeadlineState",
    "PossibleDuplicate",
    "attachment_for",
    "attention_counts",
    "browsable_case_for",
    "case_can_be_browsed",
    "case_for",
    "case_ids_matching",
    "case_search",
    "cases_listed",
    "cases_visible_to",
    "closure_for",
    "closure_to_decide_for",
    "consent_for",
    "deadline_state",
    "follow_up_assignees",
    "follow_up_for",
    "follow_ups_assigned_to",
    "follow_ups_listed",
    "follow_ups_visible_to",
    "has_active_consent",
    "identity_for",
    "incident_of",
    "lateness",
    "may_act_on",
    "may_activate",
    "may_assign",
    "may_be_given_follow_up",
    "may_decide_closure",
    "may_manage",
    "may_monitor",
    "may_own_plan_item",
    "may_reopen",
    "may_take",
    "next_deadline",
    "parties_of",
    "party_for",
    "party_of_case",
    "plan_item_for",
    "plan_item_owners",
    "possible_duplicates",
    "unit_workers",
    "unnamed_victim_label",
]
