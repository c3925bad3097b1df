"""Accounts endpoints: API tokens, who am I, and user and organisation management for
admins."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sipakatau.lib.api_pagination import Pages
from sipakatau.lib.api_types import JsonBool, JsonInt

from . import lockout, queries, tokens
from .access import acting
from .models import ApiToken, Membership, Organisation, Role, RoleRequest, User
from .permissions import DECIDE_ROLE_REQUESTS
from .services import role_requests, users

auth_router = Router(tags=["auth"])
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


class RoleRequestOut(Schema):
    id: int
    user_id: int
    username: str
    organisation_id: int
    organisation_name: str
    role: str
    is_signatory: bool
    kind: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None

    @staticmethod
    def resolve_username(obj: RoleRequest) -> str:
        return obj.user.username

    @staticmethod
    def resolve_organisation_name(obj: RoleRequest) -> str:
        return str(obj.organisation)

    @staticmethod
    def resolve_requested_by(obj: RoleRequest) -> str:
        return obj.requested_by.username

    @staticmethod
    def resolve_decided_by(obj: RoleRequest) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


class UserWaitingOut(Schema):
    """A user made with a first role that waits for a second person's approval."""

    user: UserOut
    role_request: RoleRequestOut


class UserIn(Schema):
    username: str
    full_name: str
    email: str = ""
    password: str
    organisation_id: JsonInt
    role: Role
    is_signatory: JsonBool = False


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    totp: str = Field(max_length=16, description="6-digit code, or one unused backup code")
    membership_id: JsonInt | None = Field(
        None, description="The organisation role the token acts through; default the first"
    )


class TokenOut(Schema):
    token: str
    expires_at: datetime
    membership: MembershipOut


class ErrorOut(Schema):
    detail: str
    code: str


def _admin(request: HttpRequest) -> Membership:
    """The acting administrator; any other role is refused (403) before anything is read."""
    membership = acting(request)
    if not queries.may_manage_accounts(membership):
        raise PermissionDenied
    return membership


def _refused(status: int, code: str, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


@auth_router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="Issue a bearer token with username, password and second factor",
)
def token_issue(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]] | HttpResponse:
    try:
        user = tokens.api_credentials_check(
            request=request, username=payload.username, password=payload.password, code=payload.totp
        )
    except tokens.LockedOut:
        # AxesMiddleware answers too (through accounts.views.auth.locked_out) with the
        # same JSON; this is the answer when axes is switched off in a test.
        refused = _refused(
            429, "locked_out", _("Too many failed attempts. Wait a while, then try again.")
        )
        refused["Retry-After"] = str(lockout.retry_after(request, payload.username))
        return refused
    except tokens.CredentialsRefused:
        # One answer for an unknown user, a wrong password and a wrong code alike.
        return _refused(401, "invalid_credentials", _("The username, password or code is wrong."))
    membership = tokens.api_membership_choose(user=user, membership_id=payload.membership_id)
    issued = tokens.api_token_issue(membership=membership)
    return Status(
        201,
        {
            "token": issued.token,
            "expires_at": issued.api_token.expires_at,
            "membership": membership,
        },
    )


@auth_router.delete(
    "/token",
    response={204: None},
    summary="Revoke the bearer token of this request",
)
def token_revoke(request: HttpRequest) -> Status[None]:
    api_token: ApiToken = request.api_token  # type: ignore[attr-defined]
    tokens.api_token_revoke(api_token=api_token)
    return Status(204, None)


@me_router.get("/me", response=MeOut, summary="The signed-in user and their memberships")
def me(request: HttpRequest) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        # /me answers without an active membership too (``request.auth`` is the user here);
        # the session's or the token's membership, if any, is the one the middleware or
        # the token authentication set.
        "active_membership": getattr(request, "membership", None),
        "memberships": list(queries.memberships_of(user)),
    }


@router.get("/users", response=list[UserOut], summary="Users the administrator manages")
@paginate(Pages, page_size=50)
def user_list(request: HttpRequest) -> object:
    return queries.users_visible_to(_admin(request))


@router.post(
    "/users",
    response={201: UserOut, 202: UserWaitingOut},
    summary="Create a user with a first role",
    description=(
        "A first role that reads case content (or the administrator role) is not given at "
        "once: the answer is 202 with the role request, which the unit's coordinator or "
        "another administrator approves."
    ),
)
def user_create(request: HttpRequest, payload: UserIn) -> Status[object]:
    actor = _admin(request)
    organisation = get_object_or_404(
        queries.organisations_visible_to(actor), pk=payload.organisation_id
    )
    user = users.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        password=payload.password,
        organisation=organisation,
        role=payload.role,
        is_signatory=payload.is_signatory,
    )
    waiting = queries.pending_role_requests_of(actor, user).first()
    if waiting is not None:
        return Status(202, {"user": user, "role_request": waiting})
    return Status(201, user)


@router.get("/users/{user_id}", response=UserOut, summary="One managed user")
def user_detail(request: HttpRequest, user_id: int) -> User:
    return queries.user_for(_admin(request), user_id)


@router.post("/users/{user_id}/disable", response=UserOut, summary="Disable and end all sessions")
def user_disable(request: HttpRequest, user_id: int) -> User:
    actor = _admin(request)
    user = queries.user_for(actor, user_id)
    return users.user_set_active(actor=actor, user=user, active=False)


@router.post("/users/{user_id}/enable", response=UserOut, summary="Enable a disabled user")
def user_enable(request: HttpRequest, user_id: int) -> User:
    actor = _admin(request)
    user = queries.user_for(actor, user_id)
    return users.user_set_active(actor=actor, user=user, active=True)


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    summary="Organisations the administrator manages",
)
@paginate(Pages, page_size=50)
def organisation_list(request: HttpRequest) -> object:
    return queries.organisations_visible_to(_admin(request))


def _decider(request: HttpRequest) -> Membership:
    """A coordinator or an administrator; any other role is refused (403) before anything
    is read."""
    membership = acting(request)
    if not membership.is_active or membership.role not in DECIDE_ROLE_REQUESTS:
        raise PermissionDenied
    return membership


@router.get(
    "/role-requests",
    response=list[RoleRequestOut],
    summary="Role requests waiting for a decision that the caller sees",
)
@paginate(Pages, page_size=50)
def role_request_list(request: HttpRequest) -> object:
    return queries.pending_role_requests_visible_to(_decider(request))


def _decide(request: HttpRequest, request_id: int, approve: bool) -> RoleRequest:
    actor = _decider(request)
    role_request = queries.role_request_for(actor, request_id)
    return role_requests.role_request_decide(actor=actor, request=role_request, approve=approve)


@router.post(
    "/role-requests/{request_id}/approve",
    response=RoleRequestOut,
    summary="Approve a role request (not the requester, not the user concerned)",
)
def role_request_approve(request: HttpRequest, request_id: int) -> RoleRequest:
    return _decide(request, request_id, approve=True)


@router.post(
    "/role-requests/{request_id}/refuse",
    response=RoleRequestOut,
    summary="Refuse a role request",
)
def role_request_refuse(request: HttpRequest, request_id: int) -> RoleRequest:
    return _decide(request, request_id, approve=False)
