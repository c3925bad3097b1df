"""The API's page numbers: ninja's page-number pagination with a ceiling, so that a page
number far past any list (``?page=10**20``) is a structured 422, not an integer the
database cannot hold. A page past the end of a list is an empty page."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# 1,000,000 pages of 50 is far more than any list here holds.
LAST_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=LAST_PAGE)
        page_size: int | None = Field(None, ge=1, le=LAST_PAGE)
