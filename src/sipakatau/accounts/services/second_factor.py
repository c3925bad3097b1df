"""The second factor a user enrols for themselves: the authenticator app and backup codes."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.audit import services as audit

from ..models import User

BACKUP_CODE_COUNT = 10


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
        audit.log(user, "user.two_factor_enrolled", user, fields=["totp_device", "backup_codes"])
    return codes


def backup_codes_regenerate(*, user: User, record: bool = True) -> list[str]:
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
        device.token_set.all().delete()
        codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        if record:
            audit.log(user, "user.backup_codes_regenerated", user, fields=["backup_codes"])
    return codes
