from typing import Any

from django.http import HttpRequest

from .queries import memberships_of


def membership(request: HttpRequest) -> dict[str, Any]:
    active = getattr(request, "membership", None)
    if active is None:
        return {"active_membership": None, "other_memberships": []}
    others = [m for m in memberships_of(request.user) if m.pk != active.pk]  # type: ignore[arg-type]
    return {"active_membership": active, "other_memberships": others}
