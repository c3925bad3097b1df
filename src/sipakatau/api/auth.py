"""API authentication: the same signed-in, second-factor-verified session as the pages,
or a bearer token issued at POST /api/v1/auth/token."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sipakatau.accounts.tokens import api_token_resolve
from sipakatau.areas.queries import area_time_zone
from sipakatau.lib.access import is_verified


class VerifiedSession(SessionAuth):
    """Session cookie plus CSRF token (ninja checks it), with the second factor done."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            # No signed-in session, so nothing a cross-site request could ride on: skip
            # the CSRF check (it would refuse a bearer request before BearerToken runs).
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and is_verified(user) and user.is_active:
            return user
        return None


class BearerToken(HttpBearer):
    """``Authorization: Bearer spk_…``. Acts through the membership the token was issued
    for, like the session's active membership (accounts.middleware.active_membership,
    which saw an anonymous request and set none)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_resolve(token)
        if api_token is None:
            return None
        membership = api_token.membership
        request.user = api_token.user
        request.membership = membership  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        # Deactivated by active_membership when the response leaves it.
        timezone.activate(area_time_zone(membership.organisation.area))
        return api_token.user
