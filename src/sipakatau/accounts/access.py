"""Who is acting in an API request."""

from django.http import HttpRequest

from .models import Membership


def acting(request: HttpRequest) -> Membership:
    """The membership an API request acts through: ``request.auth`` as set by
    ``sipakatau.api.auth`` (every router but ``/me`` and ``/auth`` requires one)."""
    membership: Membership = request.auth  # type: ignore[attr-defined]
    return membership
