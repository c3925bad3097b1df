"""Every read of public reports that depends on who is asking: the caseworkers and
coordinators of the unit the report was routed to. Everyone else: nothing (404)."""

from django.db.models import QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, Role
from sipakatau.cases.models import Case
from sipakatau.cases.queries import cases_visible_to

from .models import PublicMessage, PublicReport

UNIT_STAFF = {Role.CASEWORKER, Role.COORDINATOR}


def public_reports_visible_to(membership: Membership | None) -> QuerySet[PublicReport]:
    if membership is None or not membership.is_active or membership.role not in UNIT_STAFF:
        return PublicReport.objects.none()
    return PublicReport.objects.filter(organisation_id=membership.organisation_id).select_related(
        "kelurahan", "case", "organisation"
    )


def public_report_for_user(membership: Membership | None, pk: int) -> PublicReport:
    report = public_reports_visible_to(membership).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def messages_of(report: PublicReport) -> QuerySet[PublicMessage]:
    return report.messages.order_by("created_at", "pk")


def linkable_cases(membership: Membership | None) -> QuerySet[Case]:
    """The unit's cases a report may be linked to (the newest first)."""
    return cases_visible_to(membership).order_by("-reported_at")[:200]


def linkable_case_for_user(membership: Membership | None, pk: int) -> Case | None:
    return cases_visible_to(membership).filter(pk=pk).first()


def report_tracked(pk: int | None) -> PublicReport | None:
    """The report whose code and PIN this browser gave (its id kept in the session)."""
    return PublicReport.objects.filter(pk=pk).first() if pk else None
