"""The API's page numbers: ninja's page-number pagination with a ceiling, so that a page
number far past any list (``?page=10**20``) is a structured 422, not an integer the
database cannot hold. A page past the end of a list is an empty page.

Long lists are walked by keyset instead (``KeysetPages``, over ``lib.keyset``): a signed
cursor names the position of the last row shown, and the next page is read from there."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, PaginationBase

from .keyset import BadCursor, _encode, _key_fields, keyset_window

# 1,000,000 pages of 50 is far more than any list here holds.
LAST_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=LAST_PAGE)
        page_size: int | None = Field(None, ge=1, le=LAST_PAGE)


@dataclass
class PageOf:
    """What an operation paged by ``KeysetPages`` may return instead of a bare queryset:
    the rows to page, and fields its answer carries beside ``items``, ``count`` and
    ``next`` on every page (a search's ``too_many``)."""

    rows: QuerySet[Any]
    fields: dict[str, Any] = field(default_factory=dict)


class KeysetPages(PaginationBase):
    """``Pages`` with a cursor besides: without ``cursor`` the answer is the numbered page
    with its ``count``, as ``Pages`` gives it, and ``next``, the cursor to the rows after
    it; with ``cursor`` (empty for the first page) it is the rows after that position, read
    through the order's index, with ``next`` and no count (``null``): a page then costs the
    same however long the list is. A cursor not made here is a 422.

    The answer's schema is the operation's own (``response=``, with ``items``, ``count``
    and ``next``): ninja would name a generated one after the item schema, and the same
    items are listed elsewhere with ``Pages``."""

    Output = None  # type: ignore[assignment]

    class Input(Schema):
        page: int = Field(1, ge=1, le=LAST_PAGE)
        page_size: int | None = Field(None, ge=1, le=LAST_PAGE)
        cursor: str | None = Field(
            None,
            max_length=500,
            description="The `next` of an earlier answer; empty for the first page.",
        )

    def __init__(self, *, page_size: int = 50, max_page_size: int = 100, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | PageOf,
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if isinstance(queryset, PageOf):
            fields = queryset.fields
            queryset = queryset.rows
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        if pagination.cursor is not None:
            try:
                window = keyset_window(queryset, pagination.cursor, size)
            except BadCursor:
                raise DjangoValidationError(
                    {"cursor": _("This cursor was not given by this list; start without one.")}
                ) from None
            return {"items": window.items, "count": None, "next": window.next, **fields}
        offset = (pagination.page - 1) * size
        items = list(queryset[offset : offset + size])
        count = queryset.count()
        more = bool(items) and offset + len(items) < count
        following = _encode(_key_fields(queryset), items[-1], backwards=False) if more else None
        return {"items": items, "count": count, "next": following, **fields}
