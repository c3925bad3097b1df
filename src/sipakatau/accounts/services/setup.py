"""Set-up by the operator (first install, demo, tests): idempotent, with no acting
membership yet, so the audit trail names the system."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from ..models import Membership, Organisation, User
from .common import check_role


def organisation_ensure(
    *,
    name: str,
    short_name: str,
    type: str,
    area: Area,
    parent: Organisation | None = None,
    posko_address: str = "",
    service_hours: str = "",
    phone: str = "",
    email: str = "",
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
                "phone": phone,
                "email": email,
            },
        )
        if created:
            audit.log(
                audit.SYSTEM,
                "organisation.created",
                organisation,
                fields=["name", "short_name", "type", "area", "parent"],
            )
            return organisation
        # An installation made before the posko and contact fields existed gets them
        # filled once; what an administrator wrote since is never overwritten.
        missing = {
            key: value
            for key, value in {
                "posko_address": posko_address,
                "service_hours": service_hours,
                "phone": phone,
                "email": email,
            }.items()
            if value and not getattr(organisation, key)
        }
        organisation, changed = model_update(instance=organisation, fields=missing, data=missing)
        if changed:
            audit.log(audit.SYSTEM, "organisation.updated", organisation, fields=changed)
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

    ``validate=False`` is for the demo accounts and the test personas (tests/factories.py),
    whose passwords are public anyway; never for a real account.
    """
    check_role(role, is_signatory)
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
            audit.log(
                audit.SYSTEM, "user.created", user, fields=["username", "full_name", "password"]
            )
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": role, "is_signatory": is_signatory},
        )
        if created:
            audit.log(
                audit.SYSTEM,
                "membership.granted",
                membership,
                fields=["user", "organisation", "role", "is_signatory"],
            )
    return user


def totp_device_install(*, user: User, key_hex: str) -> TOTPDevice:
    """Give a user a confirmed authenticator with a known key (demo accounts and test
    personas only)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="authenticator", key=key_hex, confirmed=True
            )
            audit.log(audit.SYSTEM, "user.two_factor_enrolled", user, fields=["totp_device"])
    return device
