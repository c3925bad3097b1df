"""Moving a case through the API: assignment, status moves, police forwarding, closure."""

from django.http import HttpRequest
from ninja import Status

from sipakatau.accounts.access import acting

from .. import queries
from ..models import Case, Closure
from ..services import intake, workflow
from .common import router, user_by_id
from .schemas import AssignIn, CaseOut, ClosureDecisionIn, ClosureIn, ClosureOut, ReopenIn


@router.post(
    "/{case_id}/assign",
    response=CaseOut,
    summary="Assign or transfer the case to a caseworker or coordinator of the unit",
)
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> Case:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    worker = user_by_id(payload.worker_id, "worker")
    return workflow.case_assign(actor=membership, case=case, worker=worker)


@router.post(
    "/{case_id}/activate",
    response=CaseOut,
    summary="Start services: assessed, consent for services, a plan",
)
def case_activate(request: HttpRequest, case_id: int) -> Case:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return workflow.case_activate(actor=membership, case=case)


@router.post("/{case_id}/monitor", response=CaseOut, summary="Move an active case to monitoring")
def case_monitor(request: HttpRequest, case_id: int) -> Case:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return workflow.case_monitor(actor=membership, case=case)


@router.post(
    "/{case_id}/police-forwarding",
    response=CaseOut,
    summary="Record that a sexual-violence report was forwarded to the police (UU TPKS Pasal 41)",
)
def police_forwarding(request: HttpRequest, case_id: int) -> Case:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    intake.police_forwarding_record(actor=membership, case=case)
    return case


@router.post(
    "/{case_id}/closures",
    response={201: ClosureOut},
    summary="Ask a coordinator to close the case",
)
def closure_request(request: HttpRequest, case_id: int, payload: ClosureIn) -> Status[Closure]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    closure = workflow.closure_request(
        actor=membership, case=case, reason=payload.reason, summary=payload.summary
    )
    return Status(201, closure)


@router.post(
    "/closures/{closure_id}/decide",
    response=ClosureOut,
    summary="Approve or reject a closure request (another coordinator than the requester)",
)
def closure_decide(request: HttpRequest, closure_id: int, payload: ClosureDecisionIn) -> Closure:
    membership = acting(request)
    closure = queries.closure_to_decide_for(membership, closure_id)
    return workflow.closure_decide(
        actor=membership, closure=closure, approve=payload.approve, comment=payload.comment
    )


@router.post("/{case_id}/reopen", response=CaseOut, summary="Reopen a closed case")
def case_reopen(request: HttpRequest, case_id: int, payload: ReopenIn) -> Case:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return workflow.case_reopen(actor=membership, case=case, reason=payload.reason)
