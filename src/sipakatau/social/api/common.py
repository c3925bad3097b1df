"""What every social endpoint shares: the router and the shapes answered."""

from typing import Any

from django.http import Http404
from ninja import Router

from sipakatau.accounts.models import Membership

from .. import queries
from ..models import (
    Household,
    HouseholdMember,
    Programme,
    ProposalBatch,
    ProposalItem,
    ScreeningRule,
    WorklistEntry,
)
from ..services.deadlines import is_late

router = Router(tags=["social"])


def programme_by_code(code: str) -> Programme:
    programme = queries.programmes_listed().filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


def member_of(household: Household, person_id: int | None) -> HouseholdMember | None:
    """A current member of the household (404 when the person is not one)."""
    if person_id is None:
        return None
    member = queries.members_of(household).filter(person_id=person_id).first()
    if member is None:
        raise Http404
    return member


def household_row(household: Household) -> dict[str, Any]:
    """A list row: no KK number, no address; the head's name and the newest DTSEN."""
    # Prefetched by queries.households_listed.
    current: list[HouseholdMember] = getattr(household, "current_members", [])
    known: list[Any] = getattr(household, "dtsen_known", [])
    head = next((m.person for m in current if m.relationship == "KEPALA"), None)
    dtsen = known[0] if known else None
    return {
        "id": household.pk,
        "kelurahan_code": household.kelurahan.code,
        "rw": household.rw,
        "rt": household.rt,
        "head_name": head.name if head else "",
        "members": len(current),
        "dtsen_status": dtsen.status if dtsen else None,
        "desil": dtsen.desil if dtsen else None,
    }


def programme_out(programme: Programme) -> dict[str, Any]:
    return {
        "code": programme.code,
        "name": programme.name,
        "parent_code": programme.parent.code if programme.parent else None,
        "target_level": programme.target_level,
        "target_groups": list(programme.target_groups or []),
        "authority": programme.authority,
        "is_local": programme.is_local,
        "is_active": programme.is_active,
    }


def rule_out(rule: ScreeningRule, membership: Membership) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "programme_code": rule.programme.code,
        "area_code": rule.area.code,
        "expression": rule.expression,
        "description": rule.description,
        "is_active": rule.is_active,
        "edited_at": rule.edited_at,
        "may_edit": queries.may_edit_rule(membership, rule),
    }


def worklist_out(entry: WorklistEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "household_id": entry.household_id,
        "rw": entry.household.rw,
        "rt": entry.household.rt,
        "source": entry.source,
        "programme_code": entry.programme.code if entry.programme else None,
        "rule_id": entry.rule_id,
        "needs": list(entry.needs or []),
        "why": str(entry.why),
        "status": entry.status,
        "created_at": entry.created_at,
    }


def batch_out(batch: ProposalBatch, membership: Membership) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "kelurahan_code": batch.kelurahan.code,
        "kelurahan_name": batch.kelurahan.name,
        "month": batch.month,
        "state": batch.state,
        "cutoff_on": batch.cutoff_on,
        "late": is_late(batch),
        "dinsos_id": batch.dinsos_id,
        "dinsos_name": batch.dinsos.name,
        "signed_at": batch.signed_at,
        "decided_at": batch.decided_at,
    }


def item_out(item: ProposalItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "household_id": item.household_id,
        "programme_code": item.programme.code,
        "person_id": item.person_id,
        "worklist_entry_id": item.worklist_entry_id,
        "verification": item.verification,
        "verified_on": item.verified_on,
        "outcome": item.outcome,
        "outcome_reason": item.outcome_reason,
        "decided_at": item.decided_at,
    }
