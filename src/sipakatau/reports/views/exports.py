"""Identifiable exports (the unit's case list, the SIMFONI-PPA workbook): asked for with a
reason, approved by someone else, opened with the requester's password, made by a job
(progress on the request's page) and downloaded once as an AES-encrypted zip whose
password is shown once. Out of scope: 404."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import EXPORT_CASE_LIST, EXPORT_STATISTICS
from sipakatau.jobs.views import REFRESH_SECONDS
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries
from ..forms import ExportRequestForm, PasswordForm
from ..models import ExportKind, ExportRequest
from ..services import export_requests
from .statistics import period_choices

EXPORT_ROLES = tuple(EXPORT_CASE_LIST | EXPORT_STATISTICS)


def _request_form(membership: Membership, data: Any = None) -> ExportRequestForm | None:
    kinds = [kind for kind in ExportKind.values if queries.may_request_export(membership, kind)]
    scope = queries.reporting_scope(membership)
    if not kinds or scope is None:
        return None
    today = timezone.localdate(timezone=scope.zone)
    return ExportRequestForm(data, kinds=kinds, periods=period_choices(today))


def _list(request: HttpRequest, membership: Membership, form: Any, status: int) -> HttpResponse:
    visible = queries.export_requests_visible_to(membership)
    exports = list(visible.defer("archive", "archive_password")[:100])
    return render(
        request,
        "reports/export_request_list.html",
        {
            "form": form,
            "exports": exports,
            "to_decide": [e for e in exports if queries.may_decide_export(membership, e)],
        },
        status=status,
    )


@staff_view(*EXPORT_ROLES)
@require_GET
def export_request_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _list(request, membership, _request_form(membership), 200)


@staff_view(*EXPORT_ROLES)
@require_POST
def export_request_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = _request_form(membership, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            export = export_requests.export_request_create(
                actor=membership,
                kind=form.cleaned_data["kind"],
                period=form.cleaned_data["period"],
                case_status=form.cleaned_data.get("case_status") or "",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Your request was sent. Another coordinator must approve it.")
            )
            return redirect("reports:export_request_detail", pk=export.pk)
    return _list(request, membership, form, 422)


def _detail(
    request: HttpRequest,
    membership: Membership,
    export: ExportRequest,
    *,
    form: PasswordForm | None = None,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "reports/export_request_detail.html",
        {
            "export": export,
            "expired": queries.is_expired(export),
            "is_requester": queries.is_export_requester(membership, export),
            "may_decide": queries.may_decide_export(membership, export),
            "may_open": queries.may_open_export(membership, export),
            "may_download": queries.may_download_export(membership, export),
            "form": form or PasswordForm(),
            "secret": secret,
            # The job's progress, its page reloading itself while it runs (never the
            # answer that shows the password: it would be gone from the screen).
            "file": export.prepared_file if export.prepared_file_id else None,
            "refresh_seconds": REFRESH_SECONDS,
        },
        status=status,
    )
    # The one-time password must never come back from a cache or the history.
    response["Cache-Control"] = "no-store"
    return response


@staff_view(*EXPORT_ROLES)
@require_GET
def export_request_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _detail(request, membership, queries.export_request_for(membership, pk))


@staff_view(*EXPORT_ROLES)
@require_POST
def export_request_decide(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    export = queries.export_request_for(membership, pk)
    approve = request.POST.get("decision") == "approve"
    try:
        export_requests.export_request_decide(
            actor=membership, export_id=export.pk, approve=approve
        )
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("Approved. The requester can now open it.") if approve else _("Refused.")
        )
    return redirect("reports:export_request_detail", pk=export.pk)


@staff_view(*EXPORT_ROLES)
@require_POST
def export_request_open(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Answers with the page itself (not a redirect): the archive's password is shown on
    this one answer and kept nowhere."""
    export = queries.export_request_for(membership, pk)
    if not queries.is_export_requester(membership, export):
        raise PermissionDenied
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            export, secret = export_requests.export_request_open(
                actor=membership, export_id=export.pk, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _detail(request, membership, export, secret=secret)
    # Read again: a wrong password counted, or closed the request.
    export = queries.export_request_for(membership, pk)
    return _detail(request, membership, export, form=form, status=422)


@staff_view(*EXPORT_ROLES)
@require_GET
def export_request_archive(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    export = queries.export_request_for(membership, pk)
    try:
        content, name = export_requests.export_request_download(
            actor=membership, export_id=export.pk
        )
    except ValidationError as error:  # downloaded already
        show_refusal(request, error)
        return redirect("reports:export_request_detail", pk=export.pk)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
