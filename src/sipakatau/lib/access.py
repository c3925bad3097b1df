"""The one decorator every staff view starts with."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_view(*roles: str) -> Callable[[View], View]:
    """Signed in (with the second factor, see accounts.middleware), acting through an
    active membership (``request.membership``), and — when roles are given — in one of
    those roles; else 403.

    It lives in ``lib`` and takes role names as strings so that apps below ``accounts``
    (the audit pages) can use it too.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if roles and (membership is None or membership.role not in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def is_verified(user: object) -> bool:
    """Whether ``user`` passed the second factor in this session (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
