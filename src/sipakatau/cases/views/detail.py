"""The case page: everything about one case, each section with its small forms.

A volunteer who only has a follow-up on a case sees that follow-up and the register
number, nothing else. Every showing of case content is audited (``case.viewed``, by the
fetcher in ``queries``).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.queries import with_user_names
from sipakatau.lib.access import staff_view
from sipakatau.mechanisms.queries import version_by_rule_set

from .. import queries
from ..codes import PartyRole
from ..forms.records import (
    ConsentWithdrawForm,
    FollowUpRecordForm,
    IdentityRevealForm,
    NoteForm,
    PlanItemStatusForm,
)
from ..models import Closure, Status
from .common import to_case
from .intake import intake_resume

# The case page also lists the case's referrals (the referrals module's section).
PAGE_SECTIONS = (*queries.CASE_SECTIONS, "referrals")


@staff_view()
@require_GET
def case_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    case = queries.case_for(
        membership, pk, record_read=True, sections=PAGE_SECTIONS, with_incident=True
    )
    if case.is_draft:
        # A draft is an intake being written, not yet a case to work on.
        return intake_resume(case)
    if not queries.case_can_be_browsed(membership, case):
        follow_ups = list(queries.follow_ups_visible_to(membership, case))
        return render(
            request,
            "cases/case_follow_ups_only.html",
            {"case": case, "follow_ups": follow_ups, "record_form": FollowUpRecordForm()},
        )

    parties = list(queries.parties_for_case_page(case))
    links = list(case.perpetrator_links.all())
    by_pk = {party.pk: party for party in parties}
    relations = {
        party.pk: [
            (
                by_pk.get(link.victim_id),
                # The finer relation where it was recorded ("Mantan pacar"), else SIMFONI's
                # category.
                link.get_relation_detail_display()
                if link.relation_detail
                else link.get_relationship_display(),
            )
            for link in links
            if link.perpetrator_id == party.pk
        ]
        for party in parties
        if party.role == PartyRole.PERPETRATOR
    }
    deadlines = list(case.deadlines.all())
    # The next one is among these rows (``next_deadline`` reads them, no second query).
    case.open_deadlines = [d for d in deadlines if d.met_at is None]  # type: ignore[attr-defined]
    deadline = queries.next_deadline(case)
    closures = list(with_user_names(case.closures, "requested_by", "decided_by"))
    pending = next((c for c in closures if c.decision == Closure.Decision.PENDING), None)
    staff = queries.may_manage(membership, case)
    context = {
        "case": case,
        "people": [(party, relations.get(party.pk, [])) for party in parties],
        "incident": queries.incident_of(case),
        "assessments": with_user_names(case.assessments, "assessed_by"),
        "consents": queries.consents_with_names(case),
        "plan_items": [
            (item, PlanItemStatusForm(initial={"status": item.status}, prefix=f"item{item.pk}"))
            for item in with_user_names(case.plan_items, "owner")
        ],
        "follow_ups": queries.follow_ups_visible_to(membership, case),
        "notes": with_user_names(case.notes, "author"),
        # The files themselves stay in the database until someone downloads one.
        "attachments": with_user_names(case.attachments, "uploaded_by").defer("content"),
        # Each with how it reads: met, late, due, or closed with the case.
        "deadlines": [(item, queries.deadline_state(item, case)) for item in deadlines],
        "deadline": deadline,
        # Which SK Lurah's deadlines govern this case (kept from the day it opened).
        "governed_by": version_by_rule_set(case.rule_set),
        "late": queries.lateness(deadline),
        "closures": closures,
        "pending_closure": pending,
        "note_form": NoteForm(),
        "withdraw_form": ConsentWithdrawForm(),
        "staff": staff,
        "can_assign": queries.may_assign(membership, case),
        "can_decide_closure": queries.may_decide_closure(membership, case),
        "can_reopen": queries.may_reopen(membership, case),
        "can_take": queries.may_take(membership, case),
        "can_activate": queries.may_activate(membership, case),
        "can_monitor": queries.may_monitor(membership, case),
        "can_request_closure": staff and case.status != Status.CLOSED and pending is None,
        "is_closed": case.status == Status.CLOSED,
        "police_due": case.status != Status.CLOSED
        and any(d.code == "police_forwarding" and d.met_at is None for d in deadlines),
    }
    return render(request, "cases/case_detail.html", context)


@staff_view()
@require_POST
def identity_reveal(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A person's telephone, NIK and KK number, which the case page leaves out: shown
    only when someone asks (a POST, so no link, prefetch or crawler shows them), and
    each showing audited. The small page works without JavaScript; with HTMX only the
    numbers come back, into the person's block."""
    case = queries.browsable_case_for(membership, pk)
    form = IdentityRevealForm(request.POST)
    if not form.is_valid():
        return to_case(case, "people")
    party = queries.party_of_case(case, form.cleaned_data["party"])
    identity = queries.identity_for(membership, party)
    template = (
        "cases/includes/identity.html"
        if getattr(request, "htmx", False)
        else "cases/identity_reveal.html"
    )
    response = render(request, template, {"case": case, "party": party, "identity": identity})
    # Also said by the no_store middleware; repeated here because these values must never
    # come back from a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response
