"""Area code lists, for forms and other systems."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sipakatau.lib.api_pagination import Pages

from . import queries

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    aliases: list[str]

    @staticmethod
    def resolve_parent_code(obj: object) -> str | None:
        parent = getattr(obj, "parent", None)
        return parent.code if parent else None


@router.get("", response=list[AreaOut], summary="Areas, optionally the children of one code")
@paginate(Pages, page_size=100)
def area_list(request: HttpRequest, parent: str | None = None) -> object:
    return queries.areas_under(parent)
