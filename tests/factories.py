"""Factories for tests: real rows through the real services, no fixture files."""

import itertools
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.accounts.middleware import SESSION_SEEN
from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role, User
from sipakatau.accounts.services.setup import organisation_ensure, totp_device_install, user_ensure
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)

WATANG_SOREANG = "73.72.03.1003"
WATANG_BACUKIKI = "73.72.01.1005"
CITY = "73.72"


@dataclass
class Persona:
    """A signed-in person: the user, the membership they act through, and a browser."""

    user: User
    membership: Membership
    client: Client

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation


def load_areas() -> None:
    if not Area.objects.filter(code=WATANG_SOREANG).exists():
        areas_load_parepare()


def make_organisation(
    name: str | None = None,
    *,
    type: str = OrganisationType.LBK_KK,
    area_code: str = WATANG_SOREANG,
    parent: Organisation | None = None,
) -> Organisation:
    load_areas()
    return organisation_ensure(
        name=name or f"Organisation {next(_counter)}",
        short_name="",
        type=type,
        area=Area.objects.get(code=area_code),
        parent=parent,
    )


def make_user(
    organisation: Organisation,
    role: str = Role.CASEWORKER,
    *,
    username: str | None = None,
    is_signatory: bool = False,
    with_totp: bool = True,
) -> User:
    user = user_ensure(
        username=username or f"user{next(_counter)}",
        full_name="Test Person",
        password=PASSWORD,
        organisation=organisation,
        role=role,
        is_signatory=is_signatory,
        validate=False,
    )
    if with_totp:
        totp_device_install(user=user, key_hex=f"{user.pk:040x}")
    return user


def signed_in_client(user: User, client: Client | None = None) -> Client:
    """A client past both factors, as if the user had typed password and TOTP code."""
    client = client or Client()
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_SEEN] = int(timezone.now().timestamp())  # as a sign-in leaves it
    session.save()
    return client


def make_persona(organisation: Organisation, role: str, **kwargs: object) -> Persona:
    user = make_user(organisation, role, **kwargs)  # type: ignore[arg-type]
    membership = Membership.objects.select_related("organisation").get(
        user=user, organisation=organisation
    )
    return Persona(user=user, membership=membership, client=signed_in_client(user))


def english(client: Client) -> Client:
    """Pages in English so a test can read them (Bahasa Indonesia is the default; the
    catalogue test covers the Indonesian)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
