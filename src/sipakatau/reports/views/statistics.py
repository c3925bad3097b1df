"""Dashboards at the reader's scope, and the monthly report: the coordinator's list,
review and sending, and the recipients' list. Each view starts with one scoped call to
``queries``; out of scope answers 404."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import (
    EXPORT_STATISTICS,
    READ_STATISTICS,
    RECEIVE_MONTHLY_REPORT,
    SEND_MONTHLY_REPORT,
)
from sipakatau.cases.models import Status
from sipakatau.lib.access import staff_view
from sipakatau.lib.charts import bar_chart
from sipakatau.lib.forms import apply_service_errors, show_refusal

from .. import queries
from ..documents import REPORT_TABLES
from ..exports import XLSX
from ..forms import NarrativeForm
from ..models import ExportKind, MonthlyReportStatus
from ..periods import Period, month_of, parse_period, previous_month
from ..services import exports, monthly

DASHBOARD_CHARTS = ["cases_by_month", "cases_by_form", "victims_by_age", "victims_by_sex"]
MONTHLY_ROLES = tuple(SEND_MONTHLY_REPORT | RECEIVE_MONTHLY_REPORT)


def period_choices(today: date) -> list[Period]:
    """The last 12 months, 4 quarters and 3 years, newest first."""
    months = [month_of(today)]
    while len(months) < 12:
        months.append(previous_month(months[-1].start))
    quarters = [Period("quarter", date(today.year, 3 * ((today.month - 1) // 3) + 1, 1))]
    while len(quarters) < 4:
        start = previous_month(quarters[-1].start)
        quarters.append(Period("quarter", date(start.start.year, start.start.month - 2, 1)))
    years = [Period("year", date(today.year - n, 1, 1)) for n in range(3)]
    return months + quarters + years


@staff_view(*READ_STATISTICS)
@require_GET
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    scope = queries.reporting_scope(membership)
    if scope is None:
        raise PermissionDenied
    today = timezone.localdate(timezone=scope.zone)
    period = parse_period(request.GET.get("period", "")) or month_of(today)
    area_code = request.GET.get("area", "").strip()
    unit = request.GET.get("unit", "").strip()
    unit_id = int(unit) if unit.isdigit() else None
    figures = queries.statistics_for(membership, period, area_code=area_code, unit_id=unit_id)
    data = figures.as_data()
    units = queries.unit_choices(scope)
    context: dict[str, Any] = {
        "scope": scope,
        "figures": data,
        "threshold": data["threshold"],
        "period": period,
        "periods": period_choices(today),
        "areas": queries.area_choices(scope, units),
        "units": units,
        "area_code": area_code,
        "unit_id": unit_id,
        "charts": [bar_chart(data["tables"][key]) for key in DASHBOARD_CHARTS],
        "tables": [data["tables"][key] for key in REPORT_TABLES],
        "units_table": data["tables"]["cases_by_unit"],
        "grids": list(data["grids"].values()),
        "durations": list(data["durations"].values()),
        "may_export": any(
            queries.may_request_export(membership, kind) for kind in ExportKind.values
        ),
    }
    return render(request, "reports/dashboard.html", context)


@staff_view(*MONTHLY_ROLES)
@require_GET
def monthly_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    reports = queries.monthly_reports_visible_to(membership).order_by(
        "-month", "organisation__name"
    )
    return render(
        request,
        "reports/monthly_list.html",
        {"reports": reports[:120], "is_sender": membership.role in SEND_MONTHLY_REPORT},
    )


@staff_view()
@require_GET
def monthly_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.monthly_report_for(membership, pk)
    figures = queries.monthly_report_figures(report)
    return render(
        request,
        "reports/monthly_detail.html",
        _detail_context(
            membership,
            report,
            figures,
            NarrativeForm(
                initial={"narrative": report.narrative},
                desa=report.organisation.area.is_desa,
            ),
        ),
    )


def _detail_context(
    membership: Membership, report: Any, figures: dict[str, Any], form: NarrativeForm
) -> dict[str, Any]:
    threshold = figures.get("threshold", 0)
    return {
        "report": report,
        "figures": figures,
        "threshold": threshold,
        "form": form,
        "may_send": queries.may_send_monthly_report(membership, report),
        "late": report.status == MonthlyReportStatus.DRAFT and report.due_on < timezone.localdate(),
        "charts": [bar_chart(figures["tables"][key]) for key in DASHBOARD_CHARTS[1:]],
        "tables": [figures["tables"][key] for key in REPORT_TABLES if key in figures["tables"]],
        "grids": list(figures["grids"].values()),
        "durations": list(figures["durations"].values()),
    }


@staff_view()
@require_POST
def monthly_write(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.monthly_report_for(membership, pk)
    if not queries.may_write_monthly_report(membership, report):
        raise PermissionDenied
    form = NarrativeForm(request.POST, desa=report.organisation.area.is_desa)
    if form.is_valid():
        try:
            monthly.monthly_report_write(
                actor=membership, report_id=report.pk, narrative=form.cleaned_data["narrative"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if "send" in request.POST:
                return _send(request, membership, report.pk)
            messages.success(request, _("The narrative was saved."))
            return redirect("reports:monthly_detail", pk=report.pk)
    figures = queries.monthly_report_figures(report)
    return render(
        request,
        "reports/monthly_detail.html",
        _detail_context(membership, report, figures, form),
        status=422,
    )


def _send(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    try:
        monthly.monthly_report_send(actor=membership, report_id=pk)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The report was sent to the Kepala Desa, DP3A and Dinsos. Thank you.")
            if membership.organisation.area.is_desa
            else _("The report was sent to the Lurah, DP3A and Dinsos. Thank you."),
        )
    return redirect("reports:monthly_detail", pk=pk)


@staff_view()
@require_POST
def monthly_send(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.monthly_report_for(membership, pk)
    if not queries.is_report_sender(membership, report):
        raise PermissionDenied
    return _send(request, membership, report.pk)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_view()
@require_GET
def monthly_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.monthly_report_for(membership, pk)
    content = exports.monthly_report_export(actor=membership, report=report, format="pdf")
    return _download(
        content,
        "application/pdf",
        f"laporan-bulanan-{report.month:%Y-%m}-{report.organisation_id}.pdf",
    )


@staff_view()
@require_GET
def monthly_xlsx(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.monthly_report_for(membership, pk)
    content = exports.monthly_report_export(actor=membership, report=report, format="xlsx")
    return _download(
        content,
        XLSX,
        f"laporan-bulanan-{report.month:%Y-%m}-{report.organisation_id}.xlsx",
    )


def _export(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    scope_zone = queries.reporting_scope(membership)
    today = timezone.localdate(timezone=scope_zone.zone) if scope_zone else timezone.localdate()
    period = parse_period(request.GET.get("period", "")) or month_of(today)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    content, filename = exports.cases_export(
        actor=membership, kind=kind, period=period, status=status
    )
    return _download(content, XLSX, filename)


@staff_view(*EXPORT_STATISTICS)
@require_GET
def export_gbvims(request: HttpRequest, membership: Membership) -> HttpResponse:
    return _export(request, membership, "gbvims")
