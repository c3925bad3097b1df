"""Moving a case along: assignment, status, police forwarding, closure and reopening."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import HOLD_CASES
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries
from ..forms.records import AssignForm, ClosureDecisionForm, ClosureRequestForm, ReopenForm
from ..models import Closure
from ..services import intake, workflow
from .common import require, to_case


@staff_view()
@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A coordinator assigns or transfers; a caseworker may take an unassigned case."""
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    if queries.may_assign(membership, case):
        workers = queries.unit_workers(case, HOLD_CASES)
    else:
        workers = queries.unit_workers(case).filter(pk=membership.user_id)
    form = AssignForm(
        request.POST or None, workers=workers, initial={"worker": case.assigned_to_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.case_assign(actor=membership, case=case, worker=form.cleaned_data["worker"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case is assigned."))
            return to_case(case)
    return render(
        request,
        "cases/form_page.html",
        {
            "case": case,
            "form": form,
            "title": _("Assign the case"),
            "submit": _("Assign"),
            "section": "",
        },
    )


@staff_view()
@require_POST
def case_status(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Start services (active) or move to monitoring; the guards are the service's."""
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    move = request.POST.get("to")
    try:
        if move == "active":
            workflow.case_activate(actor=membership, case=case)
            messages.success(request, _("Services have started: the case is active."))
        elif move == "monitoring":
            workflow.case_monitor(actor=membership, case=case)
            messages.success(request, _("The case is now in monitoring."))
        else:
            messages.error(request, _("Nothing was changed."))
    except ValidationError as error:
        show_refusal(request, error)
    return to_case(case)


@staff_view()
@require_POST
def police_forwarding(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    try:
        intake.police_forwarding_record(actor=membership, case=case)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Recorded: the report was forwarded to the police."))
    return to_case(case, "deadlines")


@staff_view()
@require_http_methods(["GET", "POST"])
def closure_request(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_manage(membership, case))
    # Mediation is never offered for sexual violence (UU 12/2022 TPKS Pasal 23).
    form = ClosureRequestForm(request.POST or None, reasons=workflow.closure_reasons_for(case))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.closure_request(actor=membership, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The request is sent to the coordinator."))
            return to_case(case, "closure")
    return render(
        request,
        "cases/form_page.html",
        {
            "case": case,
            "form": form,
            "title": _("Ask to close the case"),
            "submit": _("Send the request"),
            "section": "closure",
            "intro": _(
                "A coordinator approves the closure. Open referrals must be finished first."
            ),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def closure_decide(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    # A caseworker of the unit gets 403 here (an outsider 404); the decision page shows
    # the request's reason and summary, and the read is recorded.
    closure = queries.closure_to_decide_for(membership, pk, record_read=True)
    case = closure.case
    form = ClosureDecisionForm(request.POST or None)
    if closure.decision != Closure.Decision.PENDING:
        messages.info(request, _("This request has already been decided."))
        return to_case(case, "closure")
    if request.method == "POST" and form.is_valid():
        try:
            workflow.closure_decide(
                actor=membership,
                closure=closure,
                approve=form.approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The case is closed.") if form.approve else _("The case stays open.")
            )
            return to_case(case, "closure")
    return render(
        request, "cases/closure_decide.html", {"case": case, "closure": closure, "form": form}
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def case_reopen(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.browsable_case_for(membership, pk)
    require(queries.may_reopen(membership, case))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.case_reopen(actor=membership, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case is open again. Assess it again first."))
            return to_case(case)
    return render(
        request,
        "cases/form_page.html",
        {
            "case": case,
            "form": form,
            "title": _("Open the case again"),
            "submit": _("Reopen"),
            "section": "",
        },
    )
