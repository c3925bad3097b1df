"""The guards and the session rule that the accounts services share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .. import queries
from ..models import Membership, Organisation, Role, User


def require_admin_of(actor: Membership, organisation: Organisation) -> None:
    if not queries.may_manage_organisation(actor, organisation):
        raise PermissionDenied


def check_role(role: str, is_signatory: bool) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if is_signatory and role != Role.VILLAGE_OFFICER:
        raise ValidationError({"is_signatory": _("Only a kelurahan officer can sign decrees.")})


def end_sessions(user: User) -> None:
    """End every session of ``user``: the session hash includes session_version, so each
    existing session fails verification at its next request and is flushed."""
    user.session_version += 1
    user.save(update_fields=["session_version", "is_active"])
