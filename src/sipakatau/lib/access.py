"""The decorators every staff view starts with.

``staff_view`` hands the acting membership to the view as its second argument, so no
view fetches it again (and the API's ``request.auth`` is the same object, see
``sipakatau.api.auth``). ``signed_in_view`` is for the few account pages that a person
without an active membership must still reach (home, switching, their own security).

They live in ``lib`` and take role names as strings so that apps below ``accounts``
(the audit pages) can use them too.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

P = ParamSpec("P")
M = TypeVar("M")
R = TypeVar("R", bound=HttpResponseBase)
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_view(
    *roles: str,
) -> Callable[
    [Callable[Concatenate[HttpRequest, M, P], R]], Callable[Concatenate[HttpRequest, P], R]
]:
    """Signed in (with the second factor, see accounts.middleware), acting through an
    active membership, and — when roles are given — in one of those roles; else 403.
    The view is called as ``view(request, membership, *args, **kwargs)``."""

    def decorator(
        view: Callable[Concatenate[HttpRequest, M, P], R],
    ) -> Callable[Concatenate[HttpRequest, P], R]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> R:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())  # type: ignore[return-value]
            membership = getattr(request, "membership", None)
            if membership is None or (roles and membership.role not in roles):
                raise PermissionDenied
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def signed_in_view(view: View) -> View:
    """Signed in with the second factor; the page works with or without a membership."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_verified(user: object) -> bool:
    """Whether ``user`` passed the second factor in this session (set by django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
