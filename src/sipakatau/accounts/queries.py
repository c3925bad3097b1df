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

from sipakatau.areas.models import Area

from .models import Membership, Organisation, User
from .permissions import MANAGE_ACCOUNTS


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


# --- What an administrator manages --------------------------------------------------------


def may_manage_accounts(membership: Membership) -> bool:
    """Whether the management pages are open at all."""
    return membership.is_active and membership.role in MANAGE_ACCOUNTS


def organisations_visible_to(membership: Membership) -> QuerySet[Organisation]:
    """The administrator's own organisation and every one whose area lies inside its area;
    none for any other role."""
    if not may_manage_accounts(membership):
        return Organisation.objects.none()
    own = membership.organisation
    return Organisation.objects.filter(
        Q(pk=own.pk) | Q(area__code__startswith=own.area.code + ".")
    ).select_related("area", "parent")


def organisation_for(membership: Membership, pk: int) -> Organisation:
    organisation = organisations_visible_to(membership).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def may_manage_organisation(membership: Membership, organisation: Organisation) -> bool:
    return organisations_visible_to(membership).filter(pk=organisation.pk).exists()


def may_create_organisation(membership: Membership, area: Area) -> bool:
    """An administrator creates organisations strictly inside its own area."""
    own_area = membership.organisation.area
    return may_manage_accounts(membership) and area.code.startswith(own_area.code + ".")


def users_visible_to(membership: Membership) -> QuerySet[User]:
    """Users with a membership (active or not) in an organisation the admin manages."""
    organisations = organisations_visible_to(membership)
    return (
        User.objects.filter(memberships__organisation__in=organisations)
        .distinct()
        .order_by("username")
    )


def user_for(membership: Membership, pk: int) -> User:
    user = users_visible_to(membership).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def memberships_visible_to(membership: Membership, user: User) -> QuerySet[Membership]:
    """The memberships of ``user`` (already read through ``user_for``) in organisations the
    admin manages."""
    return (
        Membership.objects.filter(user=user, organisation__in=organisations_visible_to(membership))
        .select_related("organisation")
        .order_by("organisation__name")
    )


def membership_for(membership: Membership, pk: int) -> Membership:
    found = (
        Membership.objects.filter(pk=pk, organisation__in=organisations_visible_to(membership))
        .select_related("user", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def may_manage_user(membership: Membership, user: User) -> bool:
    """True when every active membership of ``user`` is in an organisation the admin
    manages: only then may the admin change, disable or reset the whole account."""
    if not may_manage_accounts(membership):
        return False
    managed = organisations_visible_to(membership).values("pk")
    return not user.memberships.filter(is_active=True).exclude(organisation__in=managed).exists()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation already read through ``organisation_for``."""
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
