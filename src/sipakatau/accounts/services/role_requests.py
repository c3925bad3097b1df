"""Roles that take a second person: asked for by an administrator, decided by the unit's
coordinator or another administrator.

An administrator manages accounts and reads no case content (DESIGN.md §5). Were she able
to give a content role on her own — to herself, to an account she just made, or to a
caseworker's account whose password she has just set — that separation would be one click
deep. So every path that would leave a membership active in a role of
``permissions.ROLES_NEEDING_APPROVAL`` opens a ``RoleRequest`` instead, and the role is
given only when somebody else approves it: never the requester, never the user concerned.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.audit import services as audit

from .. import queries
from ..models import Membership, RoleRequest, RoleRequestKind, RoleRequestStatus, User
from .common import end_sessions

# The notifications app (a floor above, which this one may not import) registers its
# ``notify`` here: called as ``announce(users=…, template=…, context=…)`` inside the
# transaction, so a rolled-back request tells nobody. The context holds a staff
# username, the organisation's name and a link — nothing about any case.
announcers: list[Callable[..., Any]] = []

ANNOUNCE_REQUESTED = "role_requested"
ANNOUNCE_DECIDED = "role_request_decided"


def _announce(request: RoleRequest, template: str) -> None:
    recipients = queries.role_request_deciders(request)
    if template == ANNOUNCE_DECIDED:
        # The requester learns the outcome too (she cannot decide, so she is not a
        # decider); the one who decided knows it already.
        recipients = [
            user for user in [*recipients, request.requested_by] if user.pk != request.decided_by_id
        ]
    if not recipients:
        return
    context: Mapping[str, str] = {
        "username": request.user.username,
        "unit_name": str(request.organisation),
        "link": reverse("accounts:role_request_list"),
    }
    for announce in announcers:
        announce(users=recipients, template=template, context=context)


def role_request_open(
    *,
    actor: Membership,
    membership: Membership,
    role: str,
    is_signatory: bool,
    kind: str,
) -> RoleRequest:
    """Open the request for ``membership`` to hold ``role`` (in the caller's transaction,
    after its permission check). One pending request per user and organisation."""
    if RoleRequest.objects.filter(membership=membership, status=RoleRequestStatus.PENDING).exists():
        raise ValidationError(
            _("A role request for this user in %(organisation)s already waits for approval.")
            % {"organisation": membership.organisation}
        )
    request = RoleRequest.objects.create(
        membership=membership,
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        role=role,
        is_signatory=is_signatory,
        kind=kind,
        requested_by_id=actor.user_id,
    )
    audit.log(
        actor,
        "role_request.created",
        request,
        fields=["membership", "user", "organisation", "role", "is_signatory", "kind"],
    )
    _announce(request, ANNOUNCE_REQUESTED)
    return request


def role_requests_cancel(*, actor: Membership, membership: Membership) -> None:
    """A direct change to the membership (deactivated, or a role without approval)
    overtakes what was asked; the pending request is closed, never left to be approved."""
    for request in RoleRequest.objects.select_for_update().filter(
        membership=membership, status=RoleRequestStatus.PENDING
    ):
        request.status = RoleRequestStatus.CANCELLED
        request.decided_by_id = actor.user_id
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
        audit.log(actor, "role_request.cancelled", request, fields=["status"])


def memberships_suspend_for_takeover(*, actor: Membership, user: User) -> list[RoleRequest]:
    """After an administrator sets ``user``'s password or removes her second factor, she
    could sign in as that user: every active membership of ``user`` in a role needing
    approval is suspended, and a request to restore it waits for a second person. (Not
    for the administrator's own account.)"""
    if user.pk == actor.user_id:
        return []
    requests = []
    held = Membership.objects.select_for_update().filter(user=user, is_active=True)
    for membership in held.select_related("organisation"):
        if not queries.needs_approval(membership.role):
            continue
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit.log(actor, "membership.suspended", membership, fields=["is_active"])
        role_requests_cancel(actor=actor, membership=membership)
        requests.append(
            role_request_open(
                actor=actor,
                membership=membership,
                role=membership.role,
                is_signatory=membership.is_signatory,
                kind=RoleRequestKind.RESTORE,
            )
        )
    return requests


@transaction.atomic
def role_request_decide(*, actor: Membership, request: RoleRequest, approve: bool) -> RoleRequest:
    """Approve (the membership gets the role and becomes active) or refuse (it stays as it
    is). Decided once: a second tap, or a second decider, finds it already decided."""
    request = (
        RoleRequest.objects.select_for_update()
        .select_related("user", "organisation", "organisation__area", "requested_by")
        .get(pk=request.pk)
    )
    if request.status != RoleRequestStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    if actor.user_id in (request.requested_by_id, request.user_id):
        raise ValidationError(
            _(
                "Another person must decide this request: not the one who asked for it, "
                "and not the one who would receive the role."
            )
        )
    if not queries.may_decide_role_request(actor, request):
        raise PermissionDenied
    request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.REFUSED
    request.decided_by_id = actor.user_id
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit.log(
        actor,
        "role_request.approved" if approve else "role_request.refused",
        request,
        fields=["status", "decided_by"],
    )
    if approve:
        membership = Membership.objects.select_for_update().get(pk=request.membership_id)
        had_other_rights = membership.is_active and membership.role != request.role
        membership.role = request.role
        membership.is_signatory = request.is_signatory
        membership.is_active = True
        membership.save(update_fields=["role", "is_signatory", "is_active"])
        audit.log(
            actor, "membership.changed", membership, fields=["role", "is_signatory", "is_active"]
        )
        if had_other_rights:
            # The rights of the old role end now, not at the next sign-in.
            end_sessions(request.user)
    _announce(request, ANNOUNCE_DECIDED)
    return request
