"""Users: created, edited, enabled or disabled, given a new password or a fresh second
factor by an administrator who manages all of their memberships."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from .. import queries
from ..models import Membership, Organisation, RoleRequestKind, User
from .common import check_role, end_sessions, require_admin_of
from .role_requests import memberships_suspend_for_takeover, role_request_open


def user_create(
    *,
    actor: Membership,
    username: str,
    full_name: str,
    email: str = "",
    password: str,
    organisation: Organisation,
    role: str,
    is_signatory: bool = False,
) -> User:
    require_admin_of(actor, organisation)
    check_role(role, is_signatory)
    username = username.strip().lower()
    if not username:
        raise ValidationError({"username": _("Fill in a username.")})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is already taken.")})
        user = User(username=username, full_name=full_name.strip(), email=email.strip())
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.save()
        # A first role that needs approval waits for it: the account is made (the admin
        # knows its password), the membership stays inactive until a second person says yes.
        waits = queries.needs_approval(role)
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            is_signatory=is_signatory,
            is_active=not waits,
        )
        audit.log(
            actor, "user.created", user, fields=["username", "full_name", "email", "password"]
        )
        audit.log(
            actor,
            "membership.granted",
            membership,
            fields=["organisation", "role", "is_signatory", "is_active"],
        )
        if waits:
            role_request_open(
                actor=actor,
                membership=membership,
                role=role,
                is_signatory=is_signatory,
                kind=RoleRequestKind.GRANT,
            )
    return user


def user_update(*, actor: Membership, user: User, full_name: str, email: str) -> User:
    if not queries.may_manage_user(actor, user):
        raise PermissionDenied
    values = {"full_name": full_name.strip(), "email": email.strip()}
    with transaction.atomic():
        user, changed = model_update(instance=user, fields=values, data=values)
        if changed:
            audit.log(actor, "user.updated", user, fields=changed)
    return user


def user_set_active(*, actor: Membership, user: User, active: bool) -> User:
    if not queries.may_manage_user(actor, user):
        raise PermissionDenied
    if user.pk == actor.user_id and not active:
        raise ValidationError(_("You cannot disable your own account."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        end_sessions(user)
        audit.log(actor, "user.enabled" if active else "user.disabled", user, fields=["is_active"])
    return user


def user_set_password(*, actor: Membership, user: User, password: str) -> User:
    if not queries.may_manage_user(actor, user):
        raise PermissionDenied
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        end_sessions(user)
        audit.log(actor, "user.password_reset", user, fields=["password"])
        # Whoever set the password can sign in as the user: her content roles wait for a
        # second person before they work again.
        memberships_suspend_for_takeover(actor=actor, user=user)
    return user


def user_reset_two_factor(*, actor: Membership, user: User) -> None:
    """Remove the user's authenticator and backup codes: they enrol again at next sign-in."""
    if not queries.may_manage_user(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        end_sessions(user)
        audit.log(actor, "user.two_factor_reset", user, fields=["totp_device", "backup_codes"])
        # With the password (phished, or set by her) the administrator could enrol her own
        # authenticator for the user: the same suspension as a password reset.
        memberships_suspend_for_takeover(actor=actor, user=user)
