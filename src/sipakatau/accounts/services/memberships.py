"""Memberships: a user's role in an organisation, granted and changed by its administrator."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from ..models import Membership, Organisation, Role, User
from .common import check_role, end_sessions, require_admin_of


def membership_grant(
    *,
    actor: Membership,
    user: User,
    organisation: Organisation,
    role: str,
    is_signatory: bool = False,
) -> Membership:
    require_admin_of(actor, organisation)
    check_role(role, is_signatory)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": role, "is_signatory": is_signatory},
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
            fields=["user", "organisation", "role", "is_signatory"],
        )
    return membership


def membership_change(
    *, actor: Membership, membership: Membership, role: str, is_signatory: bool, is_active: bool
) -> Membership:
    require_admin_of(actor, membership.organisation)
    check_role(role, is_signatory)
    if membership.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError(_("You cannot remove your own administrator role."))
    values = {"role": role, "is_signatory": is_signatory, "is_active": is_active}
    with transaction.atomic():
        membership, changed = model_update(instance=membership, fields=values, data=values)
        if changed:
            # Fewer rights take effect now, not at the next sign-in.
            end_sessions(membership.user)
            audit.log(actor, "membership.changed", membership, fields=changed)
    return membership
