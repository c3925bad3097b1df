"""Referral pages: the "Refer" form on a case (with a preview of exactly what is shared),
the agency inbox, one referral, its answers, its letter and the inbox export.

Each view starts with one scoped fetch (queries.py) and answers 404 out of scope. The
recipient's pages show the projection only: nothing here hands them the case.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import ANSWER_REFERRAL
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.queries import parties_of
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.queries import providers_for_search
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal
from sipakatau.lib.keyset_pages import keyset_page
from sipakatau.mechanisms.queries import pathway_providers

from . import queries
from .codes import OPEN_STATUSES
from .forms import CompleteForm, DeclineForm, InboxForm, ReferralForm, ServiceChoiceForm
from .models import Referral
from .projection import projection_items
from .services import answering, creating, ending, exporting

PAGE_SIZE = 25  # referrals a page of the inbox shows


def _to_detail(referral: Referral) -> HttpResponse:
    return redirect("referrals:referral_detail", pk=referral.pk)


# --- Making a referral (the sending unit) ---------------------------------------------------------


@staff_view()
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Three steps without JavaScript: choose the service; fill in the referral; look at
    the preview of exactly what the recipient will read, then send it (or change it)."""
    case = queries.case_for_referral(membership, pk)
    victims = parties_of(case).filter(role=PartyRole.VICTIM).order_by("pk")
    context: dict[str, Any] = {"case": case}
    if not victims.exists():
        return render(request, "referrals/referral_no_victim.html", context)
    service = request.POST.get("service_type") or request.GET.get("service") or ""
    if service not in ServiceType.values:
        context["service_form"] = ServiceChoiceForm()
        return render(request, "referrals/referral_service.html", context)
    providers = providers_for_search(service_type=service)
    # The kelurahan's issued mechanism names its providers for each service (its referral
    # pathway): the first of them is chosen already; the worker may pick another.
    pathway = pathway_providers(case.organisation.area, service)
    # The form shows what the assessment says of each need: a read of case content.
    need_items = queries.need_items_for(membership, case, service_type=service, record_read=True)
    initial: dict[str, Any] = {
        "service_type": service,
        # The need the service is for is ticked already: it is why the worker refers.
        "needs": [item.code for item in need_items if item.suggested],
    }
    if pathway:
        initial["provider"] = pathway[0].provider_id
    data = request.POST if request.method == "POST" else None
    form = ReferralForm(
        data, providers=providers, victims=victims, need_items=need_items, initial=initial
    )
    context.update(
        form=form, service_label=ServiceType(service).label, providers=providers, pathway=pathway
    )
    action = request.POST.get("action", "")
    if data is not None and form.is_valid() and action in {"preview", "send"}:
        values = form.cleaned_data
        shared = {
            "actor": membership,
            "case": case,
            "provider": values["provider"],
            "service_type": service,
            "shared_fields": values["shared_fields"],
            "summary": values["summary"],
            "subject": values["subject"],
            "needs": values["needs"],
            "override_legal_basis": values["override_legal_basis"],
            "override_reason": values["override_reason"],
        }
        try:
            if action == "send":
                referral = creating.referral_create(
                    **shared, urgency=values["urgency"], reason=values["reason"]
                )
            else:
                draft = creating.referral_prepare(**shared)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if action == "send":
                messages.success(
                    request,
                    _("Referral %(number)s was sent.") % {"number": referral.register_number},
                )
                return redirect(reverse("cases:case_detail", args=[case.pk]) + "#referrals")
            context.update(items=draft.items, covered=draft.covered, provider=values["provider"])
            return render(request, "referrals/referral_preview.html", context)
    return render(request, "referrals/referral_form.html", context)


@staff_view()
@require_POST
def referral_cancel(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    referral = queries.referral_for(membership, pk)
    try:
        ending.referral_cancel(actor=membership, referral=referral)
        messages.success(request, _("The referral was cancelled."))
    except ValidationError as error:
        show_refusal(request, error)
    return _to_detail(referral)


# --- One referral (both sides) ------------------------------------------------------------


@staff_view()
@require_GET
def referral_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    referral = queries.referral_for(membership, pk, record_read=True)
    sender_view = queries.is_sender_view(membership, referral)
    items = projection_items(referral.shared_fields, referral.projection)
    context = {
        "referral": referral,
        "items": items,
        "sender_view": sender_view,
        "can_answer": queries.may_answer_referral(membership, referral)
        and referral.status in OPEN_STATUSES,
        "can_cancel": sender_view and referral.is_open,
        "overdue": referral.is_overdue(),
        "ended_by_sender": referral.ended_by_sender,
    }
    return render(request, "referrals/referral_detail.html", context)


def _answer(request: HttpRequest, membership: Membership, pk: int, action: str) -> HttpResponse:
    referral = queries.referral_for(membership, pk)
    try:
        if action == "accept":
            answering.referral_accept(actor=membership, referral=referral)
            messages.success(request, _("You accepted the referral."))
        else:
            answering.referral_start_service(actor=membership, referral=referral)
            messages.success(request, _("The service has started."))
    except ValidationError as error:
        show_refusal(request, error)
    return _to_detail(referral)


@staff_view()
@require_POST
def referral_accept(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _answer(request, membership, pk, "accept")


@staff_view()
@require_POST
def referral_start(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _answer(request, membership, pk, "start")


def _answer_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[Membership, Referral, dict[str, Any]], object],
    *,
    title: str,
    submit: str,
    done: str,
) -> HttpResponse:
    """The recipient's answer that needs words: declining, completing."""
    referral = queries.referral_for(membership, pk)
    if not queries.may_answer_referral(membership, referral):
        raise PermissionDenied
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            act(membership, referral, form.cleaned_data)
            messages.success(request, done)
            return _to_detail(referral)
        except ValidationError as error:
            apply_service_errors(form, error)
    context = {
        "referral": referral,
        "form": form,
        "title": title % {"number": referral.register_number},
        "submit": submit,
    }
    return render(request, "referrals/answer_form.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def referral_decline(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _answer_page(
        request,
        membership,
        pk,
        DeclineForm,
        lambda actor, referral, values: answering.referral_decline(
            actor=actor, referral=referral, reason=values["reason"]
        ),
        title=_("Decline referral %(number)s"),
        submit=_("Decline"),
        done=_("You declined the referral. The unit was told."),
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def referral_complete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _answer_page(
        request,
        membership,
        pk,
        CompleteForm,
        lambda actor, referral, values: answering.referral_complete(
            actor=actor,
            referral=referral,
            service_given=values["service_given"],
            feedback=values["feedback"],
        ),
        title=_("Complete referral %(number)s"),
        submit=_("Complete"),
        done=_("The referral is completed. The unit sees your feedback."),
    )


@staff_view()
@require_GET
def referral_letter(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    response = HttpResponse(queries.letter_for(membership, pk), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rujukan-{pk}.pdf"'
    return response


# --- The agency inbox -----------------------------------------------------------------------------


@staff_view(*ANSWER_REFERRAL)
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    """GET filters by status; a search is POSTed, so that what was searched for (perhaps
    a name) never lands in a URL, a server log or the browser's history."""
    form = InboxForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    show = form.cleaned_data.get("show") or "new"
    search = form.cleaned_data.get("q") or "" if request.method == "POST" else ""
    if search:
        show = "all"
    # The rows carry no shared details; a search that found any is recorded by the query.
    # A tab is walked by keyset, a page at a time; a search reads the organisation's
    # referrals (their shared details are encrypted, so it cannot be an index).
    page: dict[str, object] = {}
    if search:
        referrals = queries.inbox_referrals(membership, show=show, search=search)
    else:
        keyset = keyset_page(request, queries.inbox_listed(membership, show=show), PAGE_SIZE)
        referrals, page = keyset.rows, keyset.context()
    now = timezone.now()
    context = {
        **page,
        "form": form,
        "show": show,
        "search": search,
        "rows": [(referral, referral.is_overdue(now)) for referral in referrals],
        "tabs": [(code, label) for code, label in form.fields["show"].choices],  # type: ignore[attr-defined]
    }
    return render(request, "referrals/inbox.html", context)


@staff_view(*ANSWER_REFERRAL)
@require_POST
def inbox_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every referral the organisation received, with the shared fields only: prepared by
    a job (seconds for a large inbox); the officer waits on its page or comes back when
    told."""
    prepared = exporting.inbox_export_request(actor=membership)
    return redirect("jobs:file_detail", pk=prepared.pk)
