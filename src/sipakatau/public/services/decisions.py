"""What the unit decides about a public report: answer the reporter, open a case from
it, add it to a case it already has, or close it. Only the caseworkers and coordinators
of the unit it was routed to (the same rule as ``queries.public_reports_visible_to``,
checked again here at the write)."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.cases.codes import Channel
from sipakatau.cases.models import Case
from sipakatau.cases.services.intake import case_open, incident_record

from ..models import PublicMessage, PublicReport, ReportStatus
from ..queries import may_handle_report
from . import format_code, message_text
from .contact import reporter_tell


def _require_unit_staff(actor: Membership, report: PublicReport) -> None:
    """The same rule as ``queries.public_reports_visible_to``, checked again at the write."""
    if not may_handle_report(actor, report):
        raise PermissionDenied


def public_reply_add(*, actor: Membership, report: PublicReport, body: str) -> PublicMessage:
    """A worker's answer, read on the tracking page; a neutral "there is news" goes out
    only if the reporter gave a channel and marked it safe."""
    _require_unit_staff(actor, report)
    text = message_text(body)
    with transaction.atomic():
        message = PublicMessage.objects.create(
            report=report, from_staff=True, author=actor.user, body=text
        )
        audit.log(actor, "public_message.replied", message, fields=["body"])
        reporter_tell(actor=actor, report=report, message=message)
    return message


def public_report_promote(*, actor: Membership, report: PublicReport) -> Case:
    """Open a case from the report (never done automatically). Promoting twice opens
    one case: the report's own key is the case's intake key."""
    _require_unit_staff(actor, report)
    if report.case_id is not None:
        return report.case  # type: ignore[return-value]
    if report.status in (ReportStatus.NOT_OURS, ReportStatus.SPAM):
        raise ValidationError(_("This report was closed. It cannot become a case."))
    with transaction.atomic():
        case = case_open(
            actor=actor,
            channel=Channel.PUBLIC_PORTAL,
            reported_at=report.created_at,
            danger_now=report.danger_now,
            intake_key=uuid.uuid5(uuid.NAMESPACE_URL, f"sipakatau:public:{report.pk}"),
        )
        # The reporter's own words start the case's chronology, marked as theirs, so the
        # caseworker does not retype them (and nothing is lost between the two).
        incident_record(
            actor=actor, case=case, occurred_on=None, narrative=_reporters_words(report)
        )
        report.case = case
        report.status = ReportStatus.HANDLING
        report.save(update_fields=["case", "status", "updated_at"])
        audit.log(actor, "public_report.promoted", report, fields=["case", "status"])
    return case


def _reporters_words(report: PublicReport) -> str:
    heading = _("In the reporter's words (public report %(code)s):") % {
        "code": format_code(report.tracking_code)
    }
    lines = [heading, report.what_happened.strip()]
    if report.when_text.strip():
        lines.append(_("When, as the reporter said: %(when)s") % {"when": report.when_text.strip()})
    return "\n".join(lines)


def public_report_link(*, actor: Membership, report: PublicReport, case: Case) -> PublicReport:
    """Attach the report to a case the unit already has (the same story, told again)."""
    _require_unit_staff(actor, report)
    if case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if case.is_draft:
        # An intake not yet completed is no case of the register yet.
        raise ValidationError(_("Choose a case of your unit."))
    with transaction.atomic():
        report.case = case
        report.status = ReportStatus.HANDLING
        report.save(update_fields=["case", "status", "updated_at"])
        audit.log(actor, "public_report.linked", report, fields=["case", "status"])
    return report


def public_report_close(*, actor: Membership, report: PublicReport, status: str) -> PublicReport:
    _require_unit_staff(actor, report)
    if status not in (ReportStatus.NOT_OURS, ReportStatus.SPAM, ReportStatus.CLOSED):
        raise ValidationError({"status": _("Choose why the report is closed.")})
    if report.case_id is not None and status != ReportStatus.CLOSED:
        raise ValidationError(_("This report is part of a case already."))
    with transaction.atomic():
        report.status = status
        report.save(update_fields=["status", "updated_at"])
        audit.log(actor, "public_report.closed", report, fields=["status"])
    return report
