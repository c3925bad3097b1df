"""Keyset pages for HTML lists: the rows after a signed cursor, read through the list's
index, never a page number and never a count (``lib.keyset.keyset_window``). The
template ``includes/keyset_pagination.html`` shows the "Previous" and "Next" links."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from .keyset import BadCursor, Window, keyset_window


@dataclass
class KeysetPage:
    rows: list[Any]
    next_url: str
    previous_url: str
    cursor_refused: str  # a message when the cursor was not one of ours

    def context(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "next_url": self.next_url,
            "previous_url": self.previous_url,
            "cursor_refused": self.cursor_refused,
        }


def _at(params: QueryDict, cursor: str | None) -> str:
    if cursor is None:
        return ""
    query = params.copy()
    query["cursor"] = cursor
    return f"?{query.urlencode()}"


def keyset_page(request: HttpRequest, queryset: QuerySet[Any], size: int) -> KeysetPage:
    """The page of ``queryset`` at the request's ``cursor``; an edited or stale cursor
    gives the first page and says so. The other parameters of the address are kept."""
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("page", None)
    refused = ""
    window: Window
    try:
        window = keyset_window(queryset, request.GET.get("cursor"), size)
    except BadCursor:
        refused = _("That page link is no longer valid: here is the first page.")
        window = keyset_window(queryset, None, size)
    return KeysetPage(
        rows=window.items,
        next_url=_at(params, window.next),
        previous_url=_at(params, window.previous),
        cursor_refused=refused,
    )
