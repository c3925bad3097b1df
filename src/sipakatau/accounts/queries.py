"""Every read of accounts data that depends on who is asking.

An administrator manages their own organisation and every organisation whose area lies
strictly inside theirs (a city team manages the kelurahan units, not the DP3A beside it).
Anything outside answers 404 through these functions.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Organisation, Role, User


def memberships_of(user: User) -> QuerySet[Membership]:
    """The active memberships a signed-in user can act through."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__area")
        .order_by("organisation__name")
    )


def membership_for_user(user: User, membership_id: int | None) -> Membership | None:
    """The chosen membership if it is still valid, else the user's first one."""
    memberships = memberships_of(user)
    if membership_id is not None:
        chosen = memberships.filter(pk=membership_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def organisations_managed_by(membership: Membership | None) -> QuerySet[Organisation]:
    if membership is None or membership.role != Role.ADMIN:
        return Organisation.objects.none()
    own = membership.organisation
    return Organisation.objects.filter(
        Q(pk=own.pk) | Q(area__code__startswith=own.area.code + ".")
    ).select_related("area", "parent")


def organisation_for_admin(membership: Membership | None, pk: int) -> Organisation:
    organisation = organisations_managed_by(membership).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def users_managed_by(membership: Membership | None) -> QuerySet[User]:
    """Users with a membership (active or not) in an organisation the admin manages."""
    organisations = organisations_managed_by(membership)
    return (
        User.objects.filter(memberships__organisation__in=organisations)
        .distinct()
        .order_by("username")
    )


def user_for_admin(membership: Membership | None, pk: int) -> User:
    user = users_managed_by(membership).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def memberships_managed_by(membership: Membership | None, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, organisation__in=organisations_managed_by(membership))
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_for_admin(membership: Membership | None, pk: int) -> Membership:
    found = (
        Membership.objects.filter(pk=pk, organisation__in=organisations_managed_by(membership))
        .select_related("user", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def user_is_fully_managed(membership: Membership | None, user: User) -> bool:
    """True when every active membership of ``user`` is in an organisation the admin
    manages: only then may the admin disable the whole account."""
    managed = organisations_managed_by(membership).values("pk")
    return not user.memberships.filter(is_active=True).exclude(organisation__in=managed).exists()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation already fetched through ``organisation_for_admin``."""
    return organisation.memberships.select_related("user").order_by("user__username")


def has_authenticator(user: User) -> bool:
    """Whether the user has finished enrolling an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_devices(user: User) -> list[Device]:
    """The devices a sign-in code is checked against: the app, then the backup codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()
