"""Every write to users, organisations and memberships.

Each service checks that the acting membership may do it, validates, writes the audit
event in the same transaction, and only then returns.
"""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.areas.models import Area
from sipakatau.audit.services import Actor, audit_record

from . import queries
from .models import Membership, Organisation, OrganisationType, Role, User

BACKUP_CODE_COUNT = 10


def actor_of(membership: Membership | None, user: User | None = None) -> Actor:
    """How the audit trail names whoever acts through ``membership``."""
    if membership is None:
        return Actor(user_id=user.pk if user else None, label=user.username if user else "")
    return Actor(
        user_id=membership.user_id,
        label=membership.user.username,
        organisation_id=membership.organisation_id,
        role=membership.role,
    )


def _require_admin_of(actor: Membership, organisation: Organisation) -> None:
    if not queries.organisations_managed_by(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied


def _check_role(role: str, is_signatory: bool) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if is_signatory and role != Role.VILLAGE_OFFICER:
        raise ValidationError({"is_signatory": _("Only a kelurahan officer can sign decrees.")})


# --- Users --------------------------------------------------------------------------------


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
    _require_admin_of(actor, organisation)
    _check_role(role, is_signatory)
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
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, is_signatory=is_signatory
        )
        audit_record(
            action="user.created",
            actor=actor_of(actor),
            object_type="accounts.user",
            object_id=user.pk,
            fields=["username", "full_name", "email", "password"],
        )
        audit_record(
            action="membership.granted",
            actor=actor_of(actor),
            object_type="accounts.membership",
            object_id=membership.pk,
            fields=["organisation", "role", "is_signatory"],
        )
    return user


def user_update(*, actor: Membership, user: User, full_name: str, email: str) -> User:
    if not queries.user_is_fully_managed(actor, user):
        raise PermissionDenied
    changed = [
        name
        for name, value in (("full_name", full_name.strip()), ("email", email.strip()))
        if getattr(user, name) != value
    ]
    if not changed:
        return user
    with transaction.atomic():
        user.full_name = full_name.strip()
        user.email = email.strip()
        user.save(update_fields=changed)
        audit_record(
            action="user.updated",
            actor=actor_of(actor),
            object_type="accounts.user",
            object_id=user.pk,
            fields=changed,
        )
    return user


def _end_sessions(user: User) -> None:
    """End every session of ``user``: the session hash includes session_version, so each
    existing session fails verification at its next request and is flushed."""
    user.session_version += 1
    user.save(update_fields=["session_version", "is_active"])


def user_set_active(*, actor: Membership, user: User, active: bool) -> User:
    if not queries.user_is_fully_managed(actor, user):
        raise PermissionDenied
    if user.pk == actor.user_id and not active:
        raise ValidationError(_("You cannot disable your own account."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        _end_sessions(user)
        audit_record(
            action="user.enabled" if active else "user.disabled",
            actor=actor_of(actor),
            object_type="accounts.user",
            object_id=user.pk,
            fields=["is_active"],
        )
    return user


def user_set_password(*, actor: Membership, user: User, password: str) -> User:
    if not queries.user_is_fully_managed(actor, user):
        raise PermissionDenied
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _end_sessions(user)
        audit_record(
            action="user.password_reset",
            actor=actor_of(actor),
            object_type="accounts.user",
            object_id=user.pk,
            fields=["password"],
        )
    return user


def user_reset_two_factor(*, actor: Membership, user: User) -> None:
    """Remove the user's authenticator and backup codes: they enrol again at next sign-in."""
    if not queries.user_is_fully_managed(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _end_sessions(user)
        audit_record(
            action="user.two_factor_reset",
            actor=actor_of(actor),
            object_type="accounts.user",
            object_id=user.pk,
            fields=["totp_device", "backup_codes"],
        )


# --- Memberships ----------------------------------------------------------------------------


def membership_grant(
    *,
    actor: Membership,
    user: User,
    organisation: Organisation,
    role: str,
    is_signatory: bool = False,
) -> Membership:
    _require_admin_of(actor, organisation)
    _check_role(role, is_signatory)
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
        audit_record(
            action="membership.granted",
            actor=actor_of(actor),
            object_type="accounts.membership",
            object_id=membership.pk,
            fields=["user", "organisation", "role", "is_signatory"],
        )
    return membership


def membership_change(
    *, actor: Membership, membership: Membership, role: str, is_signatory: bool, is_active: bool
) -> Membership:
    _require_admin_of(actor, membership.organisation)
    _check_role(role, is_signatory)
    if membership.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise ValidationError(_("You cannot remove your own administrator role."))
    values = {"role": role, "is_signatory": is_signatory, "is_active": is_active}
    changed = [name for name, value in values.items() if getattr(membership, name) != value]
    if not changed:
        return membership
    with transaction.atomic():
        for name in changed:
            setattr(membership, name, values[name])
        membership.save(update_fields=changed)
        # Fewer rights take effect now, not at the next sign-in.
        _end_sessions(membership.user)
        audit_record(
            action="membership.changed",
            actor=actor_of(actor),
            object_type="accounts.membership",
            object_id=membership.pk,
            fields=changed,
        )
    return membership


# --- Organisations --------------------------------------------------------------------------


def organisation_create(
    *,
    actor: Membership,
    name: str,
    short_name: str,
    type: str,
    area: Area,
    parent: Organisation | None = None,
) -> Organisation:
    own_area = actor.organisation.area
    if actor.role != Role.ADMIN or not area.code.startswith(own_area.code + "."):
        # An administrator creates organisations inside their own area only.
        raise PermissionDenied
    if type not in OrganisationType.values:
        raise ValidationError({"type": _("Choose a type from the list.")})
    if parent is not None:
        _require_admin_of(actor, parent)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=name.strip(), short_name=short_name.strip(), type=type, area=area, parent=parent
        )
        audit_record(
            action="organisation.created",
            actor=actor_of(actor),
            object_type="accounts.organisation",
            object_id=organisation.pk,
            fields=["name", "short_name", "type", "area", "parent"],
        )
    return organisation


def organisation_update(
    *,
    actor: Membership,
    organisation: Organisation,
    name: str,
    short_name: str,
    is_active: bool,
    posko_address: str | None = None,
    service_hours: str | None = None,
) -> Organisation:
    """``posko_address`` and ``service_hours`` (shown on the public home page) are left
    as they are when None."""
    _require_admin_of(actor, organisation)
    if organisation.pk == actor.organisation_id and not is_active:
        raise ValidationError(_("You cannot deactivate your own organisation."))
    values: dict[str, object] = {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "is_active": is_active,
    }
    if posko_address is not None:
        values["posko_address"] = posko_address.strip()
    if service_hours is not None:
        values["service_hours"] = service_hours.strip()
    changed = [key for key, value in values.items() if getattr(organisation, key) != value]
    if not changed:
        return organisation
    with transaction.atomic():
        for key in changed:
            setattr(organisation, key, values[key])
        organisation.save(update_fields=changed)
        audit_record(
            action="organisation.updated",
            actor=actor_of(actor),
            object_type="accounts.organisation",
            object_id=organisation.pk,
            fields=changed,
        )
    return organisation


# --- Second factor ------------------------------------------------------------------------


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user, made on first ask)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm enrolment and issue fresh backup codes, which are returned once."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_regenerate(user=user, record=False)
        audit_record(
            action="user.two_factor_enrolled",
            actor=Actor(user_id=user.pk, label=user.username),
            object_type="accounts.user",
            object_id=user.pk,
            fields=["totp_device", "backup_codes"],
        )
    return codes


def backup_codes_regenerate(*, user: User, record: bool = True) -> list[str]:
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
        device.token_set.all().delete()
        codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        if record:
            audit_record(
                action="user.backup_codes_regenerated",
                actor=Actor(user_id=user.pk, label=user.username),
                object_type="accounts.user",
                object_id=user.pk,
                fields=["backup_codes"],
            )
    return codes


# --- Set-up by the operator (no acting membership yet) ------------------------------------


def organisation_ensure(
    *,
    name: str,
    short_name: str,
    type: str,
    area: Area,
    parent: Organisation | None = None,
    posko_address: str = "",
    service_hours: str = "",
) -> Organisation:
    """Create the organisation unless one of that name exists in that area (idempotent).

    For the operator's set-up commands (first install, demo): the actor is the system.
    """
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(
            name=name,
            area=area,
            defaults={
                "short_name": short_name,
                "type": type,
                "parent": parent,
                "posko_address": posko_address,
                "service_hours": service_hours,
            },
        )
        if created:
            audit_record(
                action="organisation.created",
                actor=Actor(label="system"),
                object_type="accounts.organisation",
                object_id=organisation.pk,
                fields=["name", "short_name", "type", "area", "parent"],
            )
            return organisation
        # An installation made before the posko fields existed gets them filled once;
        # what an administrator wrote since is never overwritten.
        missing = {
            key: value
            for key, value in {
                "posko_address": posko_address,
                "service_hours": service_hours,
            }.items()
            if value and not getattr(organisation, key)
        }
        if missing:
            for key, value in missing.items():
                setattr(organisation, key, value)
            organisation.save(update_fields=list(missing))
            audit_record(
                action="organisation.updated",
                actor=Actor(label="system"),
                object_type="accounts.organisation",
                object_id=organisation.pk,
                fields=list(missing),
            )
    return organisation


def user_ensure(
    *,
    username: str,
    full_name: str,
    password: str,
    organisation: Organisation,
    role: str,
    is_signatory: bool = False,
    validate: bool = True,
) -> User:
    """Create the user with this role unless it exists (idempotent), for set-up commands.

    ``validate=False`` is only for demo accounts, whose passwords are public anyway.
    """
    _check_role(role, is_signatory)
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            if validate:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise ValidationError({"password": exc.messages}) from exc
            user.set_password(password)
            user.save()
            audit_record(
                action="user.created",
                actor=Actor(label="system"),
                object_type="accounts.user",
                object_id=user.pk,
                fields=["username", "full_name", "password"],
            )
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": role, "is_signatory": is_signatory},
        )
        if created:
            audit_record(
                action="membership.granted",
                actor=Actor(label="system"),
                object_type="accounts.membership",
                object_id=membership.pk,
                fields=["user", "organisation", "role", "is_signatory"],
            )
    return user


def totp_device_install(*, user: User, key_hex: str) -> TOTPDevice:
    """Give a user a confirmed authenticator with a known key (demo accounts only)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="authenticator", key=key_hex, confirmed=True
            )
            audit_record(
                action="user.two_factor_enrolled",
                actor=Actor(label="system"),
                object_type="accounts.user",
                object_id=user.pk,
                fields=["totp_device"],
            )
    return device
