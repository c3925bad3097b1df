"""Proposal batches: the list (and the month's new batch), one batch with the form of
its current step, the cut-off as a deadline, and the files."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries, services
from ..codes import BatchState, ItemOutcome, VerificationResult, batch_state_label
from ..forms import AdvanceForm, BatchCreateForm, MusyawarahForm, OutcomeForm, VerifyForm
from ..models import ProposalBatch
from ..services.deadlines import is_late
from .common import SOCIAL_ROLES, TABS

# The button of each forward step, as the person taking it says it (lazy: translated in
# the language of each request, not of whichever request imported this module first).
STEP_LABELS: dict[str, Any] = {
    BatchState.MUSYAWARAH: gettext_lazy("The list is ready: go to the musyawarah"),
    BatchState.VERVAL: gettext_lazy("Musyawarah done: go to field verification"),
    BatchState.INPUT_SIKS: gettext_lazy("Verification done: entered in SIKS-NG"),
    BatchState.DISAHKAN_DINSOS: gettext_lazy("Approve (Dinsos)"),
    BatchState.DITETAPKAN: gettext_lazy("Close the batch: decided"),
    BatchState.DITOLAK: gettext_lazy("Close the batch: refused"),
}
ORDER: list[str] = [
    BatchState.DRAFT,
    BatchState.MUSYAWARAH,
    BatchState.VERVAL,
    BatchState.INPUT_SIKS,
    BatchState.DISAHKAN_DINSOS,
]


def _to_batch(batch: ProposalBatch) -> HttpResponse:
    return redirect("social:batch_detail", pk=batch.pk)


@staff_view(*SOCIAL_ROLES)
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    kelurahan = queries.kelurahan_of(membership)
    can_create = kelurahan is not None and queries.may_create_batch(membership, kelurahan)
    offices = queries.dinsos_offices_for(kelurahan) if kelurahan is not None else []
    form = BatchCreateForm(
        request.POST if request.method == "POST" else None,
        offices=offices,
        initial={"month": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_create or kelurahan is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                batch = services.batch_create_for_month(
                    actor=membership,
                    kelurahan=kelurahan,
                    month=form.cleaned_data["month"],
                    dinsos=next(o for o in offices if o.pk == form.cleaned_data["dinsos"]),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The proposal of the month was made."))
                return _to_batch(batch)
    today = timezone.localdate()
    batches = list(queries.batches_visible_to(membership))
    context = {
        "tabs": TABS,
        "current": "social:batch_list",
        "rows": [(batch, is_late(batch, today)) for batch in batches],
        "form": form,
        "can_create": can_create and bool(offices),
    }
    return render(request, "social/batch_list.html", context)


def _batch_page(
    request: HttpRequest,
    membership: Membership,
    batch: ProposalBatch,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    items = queries.batch_items_listed(batch)
    musyawarah = getattr(batch, "musyawarah", None) if hasattr(batch, "musyawarah") else None
    may_verify = queries.may_verify(membership, batch)
    may_decide = queries.may_record_outcome(membership, batch)
    bound = bound or {}
    rows = [
        (
            item,
            bound.get(f"verify{item.pk}")
            or VerifyForm(
                prefix=f"i{item.pk}",
                initial={"result": item.verification or None, "verified_on": today},
            ),
            bound.get(f"outcome{item.pk}") or OutcomeForm(prefix=f"o{item.pk}"),
        )
        for item in items
    ]
    steps = [
        (state, STEP_LABELS[state])
        for state in BatchState.values
        if state in STEP_LABELS and queries.may_advance(membership, batch, state)
    ]
    musyawarah_form = bound.get("musyawarah") or MusyawarahForm(
        initial=(
            {
                "held_on": musyawarah.held_on,
                "place": musyawarah.place,
                "attendance": musyawarah.attendance,
                "decisions": musyawarah.decisions,
            }
            if musyawarah
            else {"held_on": today}
        )
    )
    context = {
        "tabs": TABS,
        "current": "social:batch_list",
        "batch": batch,
        "late": is_late(batch, today),
        "days_left": (batch.cutoff_on - today).days,
        "days_late": max(0, (today - batch.cutoff_on).days),
        "before_cutoff": batch.state
        in {BatchState.DRAFT, BatchState.MUSYAWARAH, BatchState.VERVAL},
        "path": [
            (
                state,
                batch_state_label(state, desa=batch.kelurahan.is_desa),
                ORDER.index(state) <= ORDER.index(batch.state) if batch.state in ORDER else True,
            )
            for state in ORDER
        ],
        "rows": rows,
        "musyawarah": musyawarah,
        "musyawarah_form": musyawarah_form,
        "can_add": queries.may_add_item(membership, batch),
        "can_musyawarah": queries.may_record_musyawarah(membership, batch),
        "can_verify": may_verify,
        "can_decide": may_decide,
        "can_sign": queries.may_sign(membership, batch),
        "can_export": queries.may_export(membership, batch),
        "steps": steps,
        "eligible": VerificationResult.ELIGIBLE,
        "pending": ItemOutcome.PENDING,
        "needs_signature": batch.state == BatchState.INPUT_SIKS and batch.signed_at is None,
    }
    return render(request, "social/batch_detail.html", context)


@staff_view(*SOCIAL_ROLES)
@require_GET
def batch_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _batch_page(request, membership, queries.batch_for(membership, pk))


@staff_view(*SOCIAL_ROLES)
@require_POST
def batch_musyawarah(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    batch = queries.batch_for(membership, pk)
    if not queries.may_record_musyawarah(membership, batch):
        raise PermissionDenied
    form = MusyawarahForm(request.POST)
    if form.is_valid():
        try:
            services.musyawarah_record(actor=membership, batch=batch, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The musyawarah was recorded."))
            return _to_batch(batch)
    return _batch_page(request, membership, batch, {"musyawarah": form})


@staff_view(*SOCIAL_ROLES)
@require_POST
def batch_advance(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    batch = queries.batch_for(membership, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the next step."))
        return _to_batch(batch)
    try:
        services.batch_advance(
            actor=membership, batch=batch, to_state=form.cleaned_data["to_state"]
        )
        messages.success(request, _("The proposal moved to the next step."))
    except ValidationError as error:
        show_refusal(request, error)
    return _to_batch(batch)


@staff_view(*SOCIAL_ROLES)
@require_POST
def batch_sign(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    batch = queries.batch_for(membership, pk)
    services.batch_sign(actor=membership, batch=batch)
    messages.success(request, _("You signed the proposal. Dinsos can see it now."))
    return _to_batch(batch)


def _item_post(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    name: str,
    form_class: Any,
    act: Any,
    allowed: Any,
) -> HttpResponse:
    item = queries.item_for(membership, pk)
    if not allowed(membership, item.batch):
        raise PermissionDenied
    prefix = ("i" if name == "verify" else "o") + str(item.pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(item, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _to_batch(item.batch)
    batch = queries.batch_for(membership, item.batch_id)
    return _batch_page(request, membership, batch, {f"{name}{item.pk}": form})


@staff_view(*SOCIAL_ROLES)
@require_POST
def item_verify(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _item_post(
        request,
        membership,
        pk,
        "verify",
        VerifyForm,
        lambda item, v: services.verification_record(
            actor=membership, item=item, result=v["result"], verified_on=v["verified_on"]
        ),
        queries.may_verify,
    )


@staff_view(*SOCIAL_ROLES)
@require_POST
def item_outcome(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _item_post(
        request,
        membership,
        pk,
        "outcome",
        OutcomeForm,
        lambda item, v: services.outcome_record(
            actor=membership, item=item, outcome=v["outcome"], reason=v["reason"]
        ),
        queries.may_record_outcome,
    )
