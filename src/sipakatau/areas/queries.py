"""Reads of the area hierarchy."""

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Area, Level


def area_and_descendants(area: Area) -> QuerySet[Area]:
    # Codes nest (a child's code starts with its parent's code and a dot), so a prefix
    # match finds the whole subtree in one indexed query.
    return Area.objects.filter(Q(pk=area.pk) | Q(code__startswith=area.code + "."))


def codes_with_ancestors(code: str) -> list[str]:
    """The code and every ancestor's, nearest first: codes nest, so ``73.72.03.1003``
    lies in ``73.72.03``, ``73.72`` and ``73``."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def area_is_within(area: Area, ancestor: Area) -> bool:
    return area.code == ancestor.code or area.code.startswith(ancestor.code + ".")


def area_time_zone(area: Area | None) -> str:
    """The area's own zone, else the nearest ancestor's, else the configured default."""
    if area is not None:
        codes = codes_with_ancestors(area.code)
        zones = dict(
            Area.objects.filter(code__in=codes)
            .exclude(time_zone="")
            .values_list("code", "time_zone")
        )
        for code in codes:
            if code in zones:
                return zones[code]
    return str(settings.DEFAULT_AREA_TIME_ZONE)


def kelurahan_choices() -> QuerySet[Area]:
    return Area.objects.filter(level=Level.KELURAHAN).order_by("name")


def area_by_code(code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


def areas_under(parent_code: str | None) -> QuerySet[Area]:
    """Direct children of ``parent_code``, or the top level when none is given."""
    areas = Area.objects.select_related("parent").order_by("code")
    if parent_code:
        return areas.filter(parent__code=parent_code)
    return areas.filter(parent__isnull=True)
