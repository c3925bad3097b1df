"""One case as a PDF for the paper file: "RAHASIA" on every page, and only what the
person printing it may see on the case page (the same scoped fetcher, ``cases.queries``).

Never printed: telephone, NIK and KK number (shown only on request, one audited showing
at a time), the story of what happened and the notes (they stay in Sipakatau), and the
files. A volunteer who only has a follow-up on the case gets the register number and her
follow-ups, as on the page."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.cases import queries as case_queries
from sipakatau.cases.codes import PartyRole
from sipakatau.lib.pdf import html_to_pdf

# What the summary shows of a case that may be browsed (its "case.viewed" event names
# them); the follow-up-only summary shows ``FOLLOW_UP_SECTIONS``.
SUMMARY_SECTIONS = (
    "parties",
    "relationships",
    "incident",
    "assessments",
    "consents",
    "plan_items",
    "follow_ups",
    "deadlines",
    "closures",
)


def _context(membership: Membership, pk: int) -> tuple[Any, dict[str, Any], tuple[str, ...]]:
    case = case_queries.case_for(membership, pk)
    follow_ups = list(case_queries.follow_ups_visible_to(membership, case))
    context: dict[str, Any] = {
        "case": case,
        "follow_ups": follow_ups,
        "printed_at": timezone.now(),
        "printed_by": membership.user,
    }
    if not case_queries.case_can_be_browsed(membership, case):
        return case, {**context, "full": False}, case_queries.FOLLOW_UP_SECTIONS
    parties = list(case_queries.parties_of(case))
    by_pk = {party.pk: party for party in parties}
    links = [
        (by_pk.get(link.victim_id), link.get_relationship_display(), by_pk.get(link.perpetrator_id))
        for link in case.perpetrator_links.all()
    ]
    context.update(
        full=True,
        victims=[p for p in parties if p.role == PartyRole.VICTIM],
        others=[p for p in parties if p.role != PartyRole.VICTIM],
        links=links,
        incident=case_queries.incident_of(case),
        assessments=list(case.assessments.select_related("assessed_by").order_by("assessed_at")),
        consents=list(case.consents.select_related("subject__person").order_by("given_at")),
        plan_items=list(case.plan_items.select_related("owner").order_by("pk")),
        deadlines=list(case.deadlines.order_by("due_at")),
        closures=list(case.closures.select_related("requested_by", "decided_by")),
    )
    return case, context, SUMMARY_SECTIONS


def case_summary_export(*, actor: Membership, case_id: int) -> tuple[bytes, str]:
    """The PDF and its file name; 404 out of scope. Records what was read and that it
    left the system as a file."""
    case, context, sections = _context(actor, case_id)
    content = html_to_pdf("reports/case_summary_pdf.html", context)
    with transaction.atomic():
        audit.log(actor, "case.viewed", case, fields=sections)
        audit.log(actor, "case.summary_exported", case, fields=sections)
    safe_number = "".join(c if c.isalnum() else "-" for c in case.number_label)
    return content, f"ringkasan-kasus-{safe_number}.pdf"
