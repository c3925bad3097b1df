"""Files that leave the system. Each is made here, after the permission check, and each
writes an audit event naming what left (never its content)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.lib.replica import reading_reports

from ..documents import monthly_pdf, monthly_xlsx
from ..exports import describe
from ..models import ExportKind, MonthlyReport
from ..periods import Period
from ..queries import cases_for_export, monthly_report_figures, monthly_reports_visible_to

FORMATS = {"pdf": monthly_pdf, "xlsx": monthly_xlsx}


def monthly_report_export(*, actor: Membership, report: MonthlyReport, format: str) -> bytes:
    """The report as PDF or XLSX for whoever may read it (its figures are suppressed)."""
    if not monthly_reports_visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied
    content = FORMATS[format](report, monthly_report_figures(report))
    with transaction.atomic():
        audit.log(actor, f"monthly_report.exported_{format}", report)
    return content


def cases_export(
    *, actor: Membership, kind: str, period: Period, status: str = ""
) -> tuple[bytes, str]:
    """An anonymised workbook of cases (``gbvims``) and its file name.
    Audited with the kind and the period, on the actor's organisation."""
    if kind in ExportKind.values:
        # Identifiable: only through a request approved by someone else (export_requests).
        raise PermissionDenied
    cases, zone = cases_for_export(actor, kind, period, status=status)
    spec = describe(kind)
    # Who may export what was decided above, on the primary; the anonymised rows
    # themselves may come from the read replica (lib.replica).
    with reading_reports():
        content = spec["build"](cases, zone)
    with transaction.atomic():
        audit.log(
            actor,
            f"reports.exported_{kind}",
            actor.organisation,
            # Names only, as every audit event (the period is in the file name the user saw).
            fields=["period", *(["status"] if status else [])],
        )
    return content, f"{spec['name']}-{period.code}.xlsx"
