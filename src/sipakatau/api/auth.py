"""API authentication: the same signed-in, second-factor-verified session as the pages,
or a bearer token issued at POST /api/v1/auth/token.

Every endpoint acts through a membership, and ``request.auth`` *is* that membership —
the same object the staff decorator hands a page view (``sipakatau.lib.access``). Read it
with ``sipakatau.accounts.access.acting(request)``. Only ``/me`` and ``/auth`` answer a
person without an active membership; they use the ``…User`` variants.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sipakatau.accounts.tokens import api_token_resolve
from sipakatau.areas.queries import area_time_zone
from sipakatau.lib.access import is_verified


class VerifiedSessionUser(SessionAuth):
    """Session cookie plus CSRF token (ninja checks it), with the second factor done.
    ``request.auth`` is the user."""

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


class VerifiedSession(VerifiedSessionUser):
    """As ``VerifiedSessionUser``, acting through the session's active membership
    (``accounts.middleware.active_membership``); none, no access."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if super().authenticate(request, key) is None:
            return None
        return getattr(request, "membership", None)


class BearerTokenUser(HttpBearer):
    """``Authorization: Bearer spk_…``; ``request.auth`` is the user."""

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


class BearerToken(BearerTokenUser):
    """Acts through the membership the token was issued for."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if super().authenticate(request, token) is None:
            return None
        return request.membership  # type: ignore[attr-defined]
