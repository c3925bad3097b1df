"""What the unit decides about a public report: answer the reporter, open a case from
it, add it to a case it already has, or close it. Only the caseworkers and coordinators
of the unit it was routed to (the same rule as ``queries.public_reports_visible_to``,
checked again here at the write)."""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.cases.codes import Channel
from sipakatau.cases.models import Case
from sipakatau.cases.services.intake import case_open, incident_record

from ..models import PublicMessage, PublicReport, ReportStatus
from ..queries import may_handle_report, reports_to_mark
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


# Closed as no report of the unit's (another unit's, spam, a flood): never part of a case.
CLOSED_AS_NO_REPORT = (ReportStatus.NOT_OURS, ReportStatus.SPAM, ReportStatus.FLOOD)


def public_report_promote(*, actor: Membership, report: PublicReport) -> Case:
    """Open a case from the report (never done automatically). Promoting twice opens
    one case: the report's own key is the case's intake key."""
    _require_unit_staff(actor, report)
    if report.case_id is not None:
        return report.case  # type: ignore[return-value]
    if report.status in CLOSED_AS_NO_REPORT:
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
        # Read again under a lock: a colleague may have closed or linked it meanwhile.
        report = PublicReport.objects.select_for_update().get(pk=report.pk)
        if report.case_id == case.pk:
            return report
        if report.case_id is not None:
            raise ValidationError(_("This report is part of another case already."))
        if report.status in CLOSED_AS_NO_REPORT:
            raise ValidationError(_("This report was closed. It cannot become part of a case."))
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


# At most this many reports in one bulk action (a day of a heavy flood fits).
MAX_BULK = 1000


class ReportsNotFound(Exception):
    """Some of the reports asked for are not the unit's (or do not exist): nothing was
    changed. ``ids`` are those, whichever the reason, so the answer tells nothing more."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ids)
        self.ids = ids


@dataclass
class FloodMarked:
    changed: list[int] = field(default_factory=list)
    # Already as asked: marking twice is harmless.
    unchanged: list[int] = field(default_factory=list)
    # Part of a case already: real work, never marked as flood.
    kept: list[int] = field(default_factory=list)


@transaction.atomic
def public_reports_mark_flood(
    *, actor: Membership, report_ids: list[int], flood: bool = True
) -> FloodMarked:
    """Mark the unit's reports as flood (fake reports sent in bulk), or take the mark off
    again (``flood=False``: back to "received"). A report is never deleted; marked, it
    leaves the inbox's default list and the statistics. A report that is part of a case
    is kept as it is. One audit event per report changed ("public_report.flood_marked" /
    "public_report.flood_unmarked"). All or nothing: when any id is not one of the unit's
    reports, ``ReportsNotFound`` and nothing changes."""
    ids = sorted(set(report_ids))
    if not ids:
        raise ValidationError(_("Choose at least one report."))
    if len(ids) > MAX_BULK:
        raise ValidationError(
            _("Choose at most %(count)s reports at a time.") % {"count": MAX_BULK}
        )
    reports = list(reports_to_mark(actor, ids))
    missing = sorted(set(ids) - {report.pk for report in reports})
    if missing:
        raise ReportsNotFound(missing)
    result = FloodMarked()
    for report in reports:
        _require_unit_staff(actor, report)
        if report.case_id is not None:
            result.kept.append(report.pk)
            continue
        is_flood = report.status == ReportStatus.FLOOD
        if is_flood == flood:
            result.unchanged.append(report.pk)
            continue
        report.status = ReportStatus.FLOOD if flood else ReportStatus.RECEIVED
        # save(), not a bulk update: the statistics' months are marked stale by its signal.
        report.save(update_fields=["status", "updated_at"])
        action = "public_report.flood_marked" if flood else "public_report.flood_unmarked"
        audit.log(actor, action, report, fields=["status"])
        result.changed.append(report.pk)
    return result
