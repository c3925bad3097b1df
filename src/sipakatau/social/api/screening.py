"""Screening rules (read, save, test-run before saving), the worklist, and running the
screening of a kelurahan."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Status
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.areas.models import Area, Level
from sipakatau.lib.api_pagination import Pages

from .. import queries, services
from .common import programme_by_code, router, rule_out, worklist_out
from .schemas import RuleIn, RuleOut, ScreeningOut, TestRunIn, TestRunOut, WorklistOut


@router.get("/rules", response=list[RuleOut], summary="The screening rules that apply to you")
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    membership = acting(request)
    return [rule_out(rule, membership) for rule in queries.rules_visible_to(membership)]


@router.post("/rules", response={201: RuleOut}, summary="A new rule (Dinsos)")
def rule_create(request: HttpRequest, payload: RuleIn) -> Status[dict[str, Any]]:
    membership = acting(request)
    rule = services.rule_save(
        actor=membership,
        programme=programme_by_code(payload.programme_code),
        expression=payload.expression,
        description=payload.description,
        is_active=payload.is_active,
    )
    return Status(201, rule_out(rule, membership))


@router.post(
    "/rules/test-run",
    response=TestRunOut,
    summary="Who a rule would flag now, and why, without saving it (Dinsos)",
)
def rule_test_run(request: HttpRequest, payload: TestRunIn) -> dict[str, Any]:
    membership = acting(request)
    kelurahan = None
    if payload.kelurahan_code:
        kelurahan = Area.objects.filter(code=payload.kelurahan_code, level=Level.KELURAHAN).first()
        if kelurahan is None:
            raise Http404
    run = services.rule_test_run(
        actor=membership, expression=payload.expression, kelurahan=kelurahan
    )
    return {
        "checked": run.checked,
        "unknown": run.unknown,
        "flagged_total": run.flagged_total,
        "flagged_elsewhere": run.flagged_elsewhere,
        "flagged": [
            {
                "household_id": flag.household.pk,
                "rw": flag.household.rw,
                "rt": flag.household.rt,
                "why": flag.why,
            }
            for flag in run.flagged
        ],
    }


@router.put("/rules/{rule_id}", response=RuleOut, summary="Change a rule (Dinsos)")
def rule_edit(request: HttpRequest, rule_id: int, payload: RuleIn) -> dict[str, Any]:
    membership = acting(request)
    rule = queries.rule_for(membership, rule_id)
    rule = services.rule_save(
        actor=membership,
        rule=rule,
        programme=programme_by_code(payload.programme_code),
        expression=payload.expression,
        description=payload.description,
        is_active=payload.is_active,
    )
    return rule_out(rule, membership)


@router.get("/worklist", response=list[WorklistOut], summary="Households to look at")
@paginate(Pages, page_size=50)
def worklist(request: HttpRequest, status: str = "OPEN") -> list[dict[str, Any]]:
    entries = queries.worklist_visible_to(acting(request))
    if status:
        entries = entries.filter(status=status)
    return [worklist_out(entry) for entry in entries]


@router.post("/worklist/{entry_id}/dismiss", response=WorklistOut, summary="Set an entry aside")
def worklist_dismiss(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    membership = acting(request)
    entry = services.worklist_dismiss(
        actor=membership, entry=queries.worklist_entry_for(membership, entry_id)
    )
    return worklist_out(queries.worklist_entry_for(membership, entry.pk))


@router.post(
    "/screening/run",
    response=ScreeningOut,
    summary="Run every rule over your kelurahan's households onto the worklist",
)
def screening_run(request: HttpRequest) -> dict[str, int]:
    membership = acting(request)
    kelurahan = queries.kelurahan_of(membership)
    if kelurahan is None:
        raise PermissionDenied
    return {"added": services.screening_run(actor=membership, kelurahan=kelurahan)}
