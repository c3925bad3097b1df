"""Moving a case through its statuses, assigning it, and closing it with approval.

    new ──assess──▶ assessed ──activate──▶ active ◀──▶ monitoring
      ╲                 ╲                    ╲            /
       ╲─────────────────╲── closure requested, then approved ──▶ closed ──reopen──▶ reopened

Only these services change a status, and each checks its guard inside its transaction,
on the case row re-read with a lock (``_lock``): two requests at once (two closures, a
closure and a referral, two workers taking the case) are served one after the other, and
the second sees what the first did.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, User
from sipakatau.accounts.permissions import APPROVE_CLOSURE, HOLD_CASES, MANAGE_CASE, REOPEN_CASE
from sipakatau.audit import services as audit
from sipakatau.notifications.services import notify

from ..codes import CLOSURE_REASONS_FORBIDDEN_FOR_SEXUAL_VIOLENCE, ClosureReason, ConsentPurpose
from ..deadline_tally import tally_kept
from ..models import Case, Closure, Incident, Status
from ..queries import may_activate, may_assign, may_monitor, may_take
from .care import has_consent, note_add
from .common import require_case_access
from .deadlines import deadlines_on_trigger

# Registered by the referrals module (a higher floor): returns how many referrals of the
# case are still open, so that a closure cannot hide them.
open_referral_counters: list[Callable[[Case], int]] = []


def _notice_context(case: Case) -> dict[str, str]:
    return {
        "register_number": case.number_label,
        "link": reverse("cases:case_detail", args=[case.pk]),
        "unit_name": case.organisation.short_name or case.organisation.name,
    }


def _lock(case: Case) -> None:
    """Re-read the case (into the caller's object) and lock its row until the commit."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())


def _set_status(actor: Membership, case: Case, status: str, action: str) -> Case:
    case.status = status
    with tally_kept(case):  # a closed case's open deadlines count as "closed without it"
        case.save(update_fields=["status", "closed_at", "updated_at"])
    audit.log(actor, action, case, fields=["status"])
    return case


@transaction.atomic
def case_activate(*, actor: Membership, case: Case) -> Case:
    """Services start: the case was assessed, the survivor agreed to services, and the
    plan has at least one item."""
    require_case_access(actor, case, MANAGE_CASE)
    _lock(case)
    if not may_activate(actor, case):
        raise ValidationError(_("Only an assessed case, or one in monitoring, can become active."))
    if (
        case.status == Status.REOPENED
        and not case.assessments.filter(assessed_at__gt=case.closed_at).exists()
    ):
        raise ValidationError(_("Assess the reopened case again first."))
    if not has_consent(case, ConsentPurpose.SERVICES):
        raise ValidationError(_("Record the consent for services of every victim first."))
    if not case.plan_items.exists():
        raise ValidationError(_("Add at least one item to the service plan first."))
    _set_status(actor, case, Status.ACTIVE, "case.activated")
    deadlines_on_trigger(case=case, trigger="case_active")
    return case


@transaction.atomic
def case_monitor(*, actor: Membership, case: Case) -> Case:
    """The services are running or done; the unit keeps watching."""
    require_case_access(actor, case, MANAGE_CASE)
    _lock(case)
    if not may_monitor(actor, case):
        raise ValidationError(_("Only an active case can move to monitoring."))
    return _set_status(actor, case, Status.MONITORING, "case.monitoring")


@transaction.atomic
def case_assign(*, actor: Membership, case: Case, worker: User) -> Case:
    """Assign or transfer within the unit. Coordinators assign anyone; a caseworker may
    take an unassigned case herself (of two taking it at once, the second is refused)."""
    require_case_access(actor, case, MANAGE_CASE)
    _lock(case)
    membership = worker.memberships.filter(organisation=case.organisation, is_active=True).first()
    # A disabled account cannot sign in: a case given to it would wait for nobody.
    if membership is None or not worker.is_active or membership.role not in HOLD_CASES:
        raise ValidationError({"worker": _("Choose a caseworker or coordinator of this unit.")})
    if not may_assign(actor, case) and not (may_take(actor, case) and worker.pk == actor.user_id):
        raise ValidationError(_("Only a coordinator can assign or transfer a case."))
    case.assigned_to = worker
    case.save(update_fields=["assigned_to", "updated_at"])
    audit.log(actor, "case.assigned", case, fields=["assigned_to"])
    if worker.pk != actor.user_id:
        notify(users=[worker], template="case_assigned", context=_notice_context(case))
    return case


def closure_reasons_for(case: Case) -> list[tuple[str, str]]:
    """The reasons a worker may choose. Mediation is never offered for sexual violence
    (UU 12/2022 TPKS Pasal 23)."""
    incident = Incident.objects.filter(case=case).first()
    sexual = incident is not None and incident.is_sexual_violence
    return [
        (code, str(label))
        for code, label in ClosureReason.choices
        if not (sexual and code in CLOSURE_REASONS_FORBIDDEN_FOR_SEXUAL_VIOLENCE)
    ]


def open_referrals(case: Case) -> int:
    """Asked with the case row locked (``_lock``), in the same transaction as the closure:
    a referral being made for the case locks that row first, so it is either counted here
    or refused there because the case is closed."""
    return sum(counter(case) for counter in open_referral_counters)


@transaction.atomic
def closure_request(*, actor: Membership, case: Case, reason: str, summary: str) -> Closure:
    require_case_access(actor, case, MANAGE_CASE)
    _lock(case)
    if case.status == Status.CLOSED:
        raise ValidationError(_("This case is already closed."))
    if case.closures.filter(decision=Closure.Decision.PENDING).exists():
        raise ValidationError(_("A closure request is already waiting for approval."))
    if reason not in dict(closure_reasons_for(case)):
        raise ValidationError({"reason": _("This reason cannot close this case.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write a short summary of what was done.")})
    if open_referrals(case):
        raise ValidationError(_("Some referrals are still open. Finish or withdraw them first."))
    closure = Closure.objects.create(
        case=case,
        reason=reason,
        summary=summary.strip(),
        requested_by=actor.user,
        requested_at=timezone.now(),
    )
    audit.log(actor, "closure.requested", closure, fields=["reason", "summary"])
    coordinators = [
        m.user
        for m in case.organisation.memberships.filter(
            role__in=APPROVE_CLOSURE, is_active=True
        ).select_related("user")
        if m.user_id != actor.user_id
    ]
    notify(users=coordinators, template="closure_requested", context=_notice_context(case))
    return closure


@transaction.atomic
def closure_decide(
    *, actor: Membership, closure: Closure, approve: bool, comment: str = ""
) -> Closure:
    """A coordinator decides; she may not approve her own request (four eyes)."""
    case = closure.case
    require_case_access(actor, case, APPROVE_CLOSURE)
    # The case first (as every service that guards on it), then the request itself.
    _lock(case)
    closure.refresh_from_db(from_queryset=Closure.objects.select_for_update())
    closure.case = case
    if closure.decision != Closure.Decision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approve and closure.requested_by_id == actor.user_id:
        raise ValidationError(_("Another coordinator must approve your own closure request."))
    if approve and closure.reason not in dict(closure_reasons_for(case)):
        # The incident may have been classified as sexual violence after the request: a
        # pending "mediation" must not close such a case (UU 12/2022 TPKS Pasal 23).
        raise ValidationError({"reason": _("This reason cannot close this case.")})
    if approve and open_referrals(case):
        raise ValidationError(_("Some referrals are still open. Finish or withdraw them first."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what is still needed.")})
    now = timezone.now()
    closure.decision = Closure.Decision.APPROVED if approve else Closure.Decision.REJECTED
    closure.decided_by = actor.user
    closure.decided_at = now
    closure.decision_comment = comment.strip()
    closure.save(update_fields=["decision", "decided_by", "decided_at", "decision_comment"])
    audit.log(actor, "closure.decided", closure, fields=["decision", "decision_comment"])
    if approve:
        case.closed_at = now
        # Deadlines still open stay unmet: marking them met would overstate compliance
        # (an unforwarded police report was not forwarded). Closed cases are not
        # escalated (deadlines.overdue_deadlines).
        _set_status(actor, case, Status.CLOSED, "case.closed")
    return closure


@transaction.atomic
def case_reopen(*, actor: Membership, case: Case, reason: str) -> Case:
    require_case_access(actor, case, REOPEN_CASE)
    _lock(case)
    if case.status != Status.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    _set_status(actor, case, Status.REOPENED, "case.reopened")
    note_add(actor=actor, case=case, body=_("Reopened: %(reason)s") % {"reason": reason.strip()})
    deadlines_on_trigger(case=case, trigger="case_opened", start=timezone.now(), again=True)
    return case
