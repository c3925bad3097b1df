"""Who sees which case, and who may act on it: services call the ``may_<verb>`` predicates
to refuse, views call the same ones to show a button."""

from django.db.models import Q, QuerySet

from sipakatau.accounts.models import Membership, Role, User
from sipakatau.accounts.permissions import (
    APPROVE_CLOSURE,
    ASSIGN_CASES,
    BROWSE_CASES,
    MANAGE_CASE,
    REOPEN_CASE,
    TAKE_CASE,
    WORK_ON_CASES,
)
from sipakatau.accounts.queries import with_user_names

from ..models import Case, FollowUp, Status

# The statuses from which services can start (again).
ACTIVATABLE = frozenset({Status.ASSESSED, Status.MONITORING, Status.REOPENED})


def cases_visible_to(membership: Membership | None) -> QuerySet[Case]:
    if membership is None or not membership.is_active:
        return Case.objects.none()
    unit = Case.objects.filter(organisation_id=membership.organisation_id)
    if membership.role == Role.VOLUNTEER:
        return _volunteers_cases(membership, unit)
    if membership.role != Role.COORDINATOR:
        # An intake still being written is its author's, and the coordinator's who
        # watches over the unit's work; nobody else sees it until it is completed.
        unit = unit.filter(
            Q(intake_completed_at__isnull=False) | Q(created_by_id=membership.user_id)
        )
    if membership.role in BROWSE_CASES:
        return unit
    return Case.objects.none()


def _volunteers_cases(membership: Membership, unit: QuerySet[Case]) -> QuerySet[Case]:
    """The intakes she took (drafts included: she is their author) and the completed cases
    of her follow-ups, each found from her side — ``created_by`` and the follow-up's
    ``assigned_to`` indexes — and put together with a UNION: a few rows, however many
    cases the unit holds.

    Written as one filter of the unit's cases (author OR EXISTS(her follow-up)), the
    database could only test every case of the unit: PostgreSQL walked the whole unit
    for a page of the list, and for her search read every case and every party of it
    (0.2 to 0.3 s at 100,000 cases; docs/benchmarks.md, issue 19)."""
    took = unit.filter(created_by_id=membership.user_id).order_by().values("pk")
    followed = (
        unit.filter(intake_completed_at__isnull=False)
        .filter(pk__in=FollowUp.objects.filter(assigned_to_id=membership.user_id).values("case"))
        .order_by()
        .values("pk")
    )
    return Case.objects.filter(pk__in=took.union(followed))


def case_can_be_browsed(membership: Membership, case: Case) -> bool:
    """A volunteer sees a case she did not take only through her follow-ups."""
    return membership.role in BROWSE_CASES or case.created_by_id == membership.user_id


def follow_ups_visible_to(membership: Membership, case: Case) -> QuerySet[FollowUp]:
    """The follow-ups of a case in the membership's scope: all of them for whoever may
    browse it, else only her own."""
    follow_ups = with_user_names(case.follow_ups, "assigned_to")
    if case_can_be_browsed(membership, case):
        return follow_ups
    return follow_ups.filter(assigned_to_id=membership.user_id)


def unit_workers(case: Case, roles: frozenset[str] | None = None) -> QuerySet[User]:
    """Active people of the case's unit (for owners, follow-ups and assignment)."""
    memberships = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, user__is_active=True
    )
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "full_name", "username"
    )


def follow_up_assignees(case: Case) -> QuerySet[User]:
    """Who may be given a follow-up of ``case``: the unit's frontline, a kader included
    (she opens the case through her follow-up, ``cases_visible_to``). Never an
    administrator or an auditor of the unit: they see no case content, so the follow-up
    would be done by nobody."""
    return unit_workers(case, WORK_ON_CASES)


def plan_item_owners(case: Case) -> QuerySet[User]:
    """Who may take care of an item of the service plan: who may open the case page where
    the plan is — the unit's caseworkers and coordinators, and the kader who took the
    intake (``case_can_be_browsed``)."""
    memberships = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, user__is_active=True
    ).filter(Q(role__in=BROWSE_CASES) | Q(role=Role.VOLUNTEER, user_id=case.created_by_id))
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "full_name", "username"
    )


def may_be_given_follow_up(user: User, case: Case) -> bool:
    return follow_up_assignees(case).filter(pk=user.pk).exists()


def may_own_plan_item(user: User, case: Case) -> bool:
    return plan_item_owners(case).filter(pk=user.pk).exists()


# --- Who may act on a case --------------------------------------------------------------------


def may_act_on(membership: Membership, case: Case, roles: frozenset[str]) -> bool:
    """The same rule as ``cases_visible_to``, for a write: an active member of the case's
    unit in one of ``roles``; a volunteer only on the case whose intake she took."""
    if not membership.is_active or membership.role not in roles:
        return False
    if case.organisation_id != membership.organisation_id:
        return False
    if case.intake_completed_at is None:
        # A draft takes its intake steps only, from whoever sees it (its author and the
        # coordinator): no assessment, referral or closure of a case not yet opened.
        return roles == WORK_ON_CASES and (
            membership.role == Role.COORDINATOR or case.created_by_id == membership.user_id
        )
    return membership.role != Role.VOLUNTEER or case.created_by_id == membership.user_id


def may_manage(membership: Membership, case: Case) -> bool:
    return may_act_on(membership, case, MANAGE_CASE)


def may_take(membership: Membership, case: Case) -> bool:
    """A caseworker takes an unassigned case herself."""
    return may_act_on(membership, case, TAKE_CASE) and case.assigned_to_id is None


def may_assign(membership: Membership, case: Case) -> bool:
    """A coordinator assigns or transfers a case to anyone of the unit."""
    return may_act_on(membership, case, ASSIGN_CASES)


def may_activate(membership: Membership, case: Case) -> bool:
    """Start services: an assessed case, one in monitoring, or one reopened."""
    return may_manage(membership, case) and case.status in ACTIVATABLE


def may_monitor(membership: Membership, case: Case) -> bool:
    return may_manage(membership, case) and case.status == Status.ACTIVE


def may_decide_closure(membership: Membership, case: Case) -> bool:
    return may_act_on(membership, case, APPROVE_CLOSURE)


def may_reopen(membership: Membership, case: Case) -> bool:
    return may_act_on(membership, case, REOPEN_CASE)
