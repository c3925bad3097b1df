"""The unread count beside "Notifications" in the menu, for every page's template.

Lazy: a page that does not show the menu (signed out, no membership) makes no query, and
one that does makes one, however often the template reads the value."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .queries import unread_count as count_unread


def unread_count(request: HttpRequest) -> dict[str, Any]:
    if getattr(request, "membership", None) is None:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: count_unread(request.user))}  # type: ignore[arg-type]
