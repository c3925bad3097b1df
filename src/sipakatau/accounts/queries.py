"""Every read of accounts data that depends on who is asking.

An administrator manages their own organisation and every organisation whose area lies
strictly inside theirs (a city team manages the kelurahan units, not the DP3A beside it).
Anything outside answers 404 through these functions.
"""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.manager import BaseManager
from django.http import Http404
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.areas.models import Area
from sipakatau.areas.queries import codes_with_ancestors
from sipakatau.lib.querysets import select_related_only

from .models import Membership, Organisation, Role, RoleRequest, RoleRequestStatus, User
from .permissions import (
    CASE_CONTENT_ROLES,
    DECIDE_ROLE_REQUESTS,
    MANAGE_ACCOUNTS,
    ROLES_NEEDING_APPROVAL,
)

_M = TypeVar("_M", bound=Model)

# What a page shows of a staff member beside her work (a note's author, a plan item's
# owner): her name, as ``User.__str__`` gives it.
USER_NAME_FIELDS = ("username", "full_name")


def with_user_names(rows: BaseManager[_M] | QuerySet[_M], *relations: str) -> QuerySet[_M]:
    """``select_related`` of each user relation, reading only the names: the rest of an
    account (its password hash, e-mail, flags) stays out of the page's memory, and each
    column left out is one less to compile and convert on every page (issue 19)."""
    return select_related_only(rows, User, USER_NAME_FIELDS, *relations)


def memberships_of(user: User) -> QuerySet[Membership]:
    """The active memberships a signed-in user can act through."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__area")
        .order_by("organisation__name")
    )


def membership_for_user(
    user: User, membership_id: int | None
) -> tuple[Membership | None, list[Membership]]:
    """The chosen membership if it is still valid, else the user's first one; and all of
    the user's active ones (the menu offers the others). One query: a person has a few.
    Each carries ``user``, so that naming the actor (the audit trail) reads no user again."""
    memberships = list(memberships_of(user))
    for membership in memberships:
        membership.user = user
    chosen = next((m for m in memberships if m.pk == membership_id), None)
    if chosen is None and memberships:
        chosen = memberships[0]
    return chosen, memberships


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


# --- Roles that need a second person ------------------------------------------------------


def needs_approval(role: str) -> bool:
    return role in ROLES_NEEDING_APPROVAL


def role_requests_visible_to(membership: Membership) -> QuerySet[RoleRequest]:
    """The role requests the acting membership may see: an administrator those of the
    organisations she manages; a coordinator those for content roles in her own unit
    (never an administrator role); nobody else any."""
    if not membership.is_active or membership.role not in DECIDE_ROLE_REQUESTS:
        return RoleRequest.objects.none()
    if membership.role == Role.ADMIN:
        found = RoleRequest.objects.filter(organisation__in=organisations_visible_to(membership))
    else:
        found = RoleRequest.objects.filter(
            organisation_id=membership.organisation_id, role__in=CASE_CONTENT_ROLES
        )
    return found.select_related("user", "organisation", "requested_by", "decided_by")


def pending_role_requests_visible_to(membership: Membership) -> QuerySet[RoleRequest]:
    return role_requests_visible_to(membership).filter(status=RoleRequestStatus.PENDING)


def role_request_for(membership: Membership, pk: int) -> RoleRequest:
    found = role_requests_visible_to(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def may_decide_role_request(membership: Membership, request: RoleRequest) -> bool:
    """A second person decides: someone who sees the request, who neither asked for it
    nor would receive the role. ``request`` was read through ``role_request_for``."""
    return (
        request.status == RoleRequestStatus.PENDING
        and membership.user_id not in (request.requested_by_id, request.user_id)
        and role_requests_visible_to(membership).filter(pk=request.pk).exists()
    )


def pending_role_requests_of(membership: Membership, user: User) -> QuerySet[RoleRequest]:
    """The pending requests for ``user`` (already read through ``user_for``) in the
    organisations the administrator manages, for the user's page."""
    return (
        RoleRequest.objects.filter(
            user=user,
            status=RoleRequestStatus.PENDING,
            organisation__in=organisations_visible_to(membership),
        )
        .select_related("organisation", "requested_by")
        .order_by("organisation__name")
    )


def role_request_deciders(request: RoleRequest) -> list[User]:
    """Who is told of a request and of its decision: the active coordinators of the
    organisation (for a content role) and the active administrators who manage it —
    never the user concerned, never the one who asked."""
    organisation = request.organisation
    # The same rule as ``organisations_visible_to``: its own administrators and those of
    # an organisation whose area contains its area.
    ancestors = codes_with_ancestors(organisation.area.code)[1:]
    deciders = Q(role=Role.ADMIN, organisation__is_active=True) & (
        Q(organisation=organisation) | Q(organisation__area__code__in=ancestors)
    )
    if request.role in CASE_CONTENT_ROLES:
        deciders |= Q(role=Role.COORDINATOR, organisation=organisation)
    user_ids = (
        Membership.objects.filter(deciders, is_active=True, user__is_active=True)
        .exclude(user_id__in=[request.user_id, request.requested_by_id])
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=user_ids).order_by("pk"))
