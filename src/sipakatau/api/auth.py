"""API authentication: the same signed-in, second-factor-verified session as the pages."""

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from sipakatau.lib.access import is_verified


class VerifiedSession(SessionAuth):
    """Session cookie plus CSRF token (ninja checks it), with the second factor done."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and is_verified(user) and user.is_active:
            return user
        return None
