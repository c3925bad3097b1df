"""What every page's template knows about the acting membership: which it is, the
user's other ones (to switch), and what it may open (``permissions.menu_for``)."""

from typing import Any

from django.http import HttpRequest

from .permissions import menu_for
from .queries import memberships_of


def membership(request: HttpRequest) -> dict[str, Any]:
    # Set by accounts.middleware.active_membership on every request.
    active = getattr(request, "membership", None)
    if active is None:
        return {"active_membership": None, "other_memberships": [], "may": menu_for(None)}
    # Also set by the middleware, from the same query as the active one.
    mine = getattr(request, "memberships", None)
    if mine is None:
        mine = memberships_of(request.user)  # type: ignore[arg-type]
    others = [m for m in mine if m.pk != active.pk]
    return {"active_membership": active, "other_memberships": others, "may": menu_for(active)}
