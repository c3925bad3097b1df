"""Accounts endpoints: who am I, and user and organisation management for admins."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from . import queries, services
from .models import Membership, Organisation, Role, User

me_router = Router(tags=["accounts"])
router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    type: str
    area_code: str
    is_active: bool

    @staticmethod
    def resolve_area_code(obj: Organisation) -> str:
        return obj.area.code


class MembershipOut(Schema):
    id: int
    organisation: OrganisationOut
    role: str
    is_signatory: bool
    is_active: bool


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    active_membership: MembershipOut | None
    memberships: list[MembershipOut]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool


class UserIn(Schema):
    username: str
    full_name: str
    email: str = ""
    password: str
    organisation_id: int
    role: Role
    is_signatory: bool = False


def _admin(request: HttpRequest) -> Membership:
    membership = getattr(request, "membership", None)
    if membership is None or membership.role != Role.ADMIN:
        raise PermissionDenied
    return membership


@me_router.get("/me", response=MeOut, summary="The signed-in user and their memberships")
def me(request: HttpRequest) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "active_membership": getattr(request, "membership", None),
        "memberships": list(queries.memberships_of(user)),
    }


@router.get("/users", response=list[UserOut], summary="Users the administrator manages")
@paginate(PageNumberPagination, page_size=50)
def user_list(request: HttpRequest) -> object:
    return queries.users_managed_by(_admin(request))


@router.post("/users", response={201: UserOut}, summary="Create a user with a first role")
def user_create(request: HttpRequest, payload: UserIn) -> Status[User]:
    actor = _admin(request)
    organisation = get_object_or_404(
        queries.organisations_managed_by(actor), pk=payload.organisation_id
    )
    user = services.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        password=payload.password,
        organisation=organisation,
        role=payload.role,
        is_signatory=payload.is_signatory,
    )
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut, summary="One managed user")
def user_detail(request: HttpRequest, user_id: int) -> User:
    return queries.user_for_admin(_admin(request), user_id)


@router.post("/users/{user_id}/disable", response=UserOut, summary="Disable and end all sessions")
def user_disable(request: HttpRequest, user_id: int) -> User:
    actor = _admin(request)
    user = queries.user_for_admin(actor, user_id)
    return services.user_set_active(actor=actor, user=user, active=False)


@router.post("/users/{user_id}/enable", response=UserOut, summary="Enable a disabled user")
def user_enable(request: HttpRequest, user_id: int) -> User:
    actor = _admin(request)
    user = queries.user_for_admin(actor, user_id)
    return services.user_set_active(actor=actor, user=user, active=True)


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Organisations the administrator manages",
)
@paginate(PageNumberPagination, page_size=50)
def organisation_list(request: HttpRequest) -> object:
    return queries.organisations_managed_by(_admin(request))
