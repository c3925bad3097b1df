"""Memberships: a user's role in an organisation, granted and changed by its administrator.

A role that reads case content, or the administrator role, is not given here: it opens a
``RoleRequest`` that a second person decides (``services.role_requests``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from .. import queries
from ..models import Membership, Organisation, Role, RoleRequest, RoleRequestKind, User
from ..permissions import is_narrower
from .common import check_role, end_sessions, require_admin_of
from .role_requests import role_request_open, role_requests_cancel


def membership_grant(
    *,
    actor: Membership,
    user: User,
    organisation: Organisation,
    role: str,
    is_signatory: bool = False,
) -> Membership | RoleRequest:
    """The new membership, or — for a role needing approval — the request that waits
    for it (the membership is made inactive meanwhile, so the user is listed)."""
    require_admin_of(actor, organisation)
    check_role(role, is_signatory)
    waits = queries.needs_approval(role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": role, "is_signatory": is_signatory, "is_active": not waits},
        )
        if not created:
            raise ValidationError(
                _("This user is already a member of %(organisation)s; change the role instead.")
                % {"organisation": organisation}
            )
        audit.log(
            actor,
            "membership.granted",
            membership,
            fields=["user", "organisation", "role", "is_signatory", "is_active"],
        )
        if waits:
            return role_request_open(
                actor=actor,
                membership=membership,
                role=role,
                is_signatory=is_signatory,
                kind=RoleRequestKind.GRANT,
            )
    return membership


def membership_change(
    *, actor: Membership, membership: Membership, role: str, is_signatory: bool, is_active: bool
) -> Membership | RoleRequest:
    """Fewer rights take effect at once. A change that would leave the membership active
    in a role needing approval with a right it has not now — a wider role, or active
    again — returns the request that waits for it; the membership stays as it is
    meanwhile."""
    require_admin_of(actor, membership.organisation)
    check_role(role, is_signatory)
    if membership.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError(_("You cannot remove your own administrator role."))
    # Active again, or a role that may do something the present one may not.
    gains = (
        is_active
        and queries.needs_approval(role)
        and not (membership.is_active and is_narrower(role, than=membership.role))
    )
    with transaction.atomic():
        if gains:
            return role_request_open(
                actor=actor,
                membership=membership,
                role=role,
                is_signatory=is_signatory,
                kind=RoleRequestKind.CHANGE if membership.is_active else RoleRequestKind.RESTORE,
            )
        values = {"role": role, "is_signatory": is_signatory, "is_active": is_active}
        membership, changed = model_update(instance=membership, fields=values, data=values)
        # What the administrator now set directly overtakes any request still waiting.
        role_requests_cancel(actor=actor, membership=membership)
        if changed:
            # Fewer rights take effect now, not at the next sign-in.
            end_sessions(membership.user)
            audit.log(actor, "membership.changed", membership, fields=changed)
    return membership
