"""Reads of the area hierarchy."""

from django.conf import settings
from django.db import connection
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
    return area_is_within_code(area.code, ancestor.code)


def area_is_within_code(code: str, ancestor_code: str) -> bool:
    """Whether the area with ``code`` is the one with ``ancestor_code`` or lies inside it."""
    return code == ancestor_code or code.startswith(ancestor_code + ".")


def inside(code: str) -> Q:
    """The areas strictly inside the one with this code (codes nest), in the form each
    database answers from the index on the code: a range of codes on SQLite, which
    compares text byte by byte ('/' is the character after '.'), a prefix match elsewhere
    (PostgreSQL compares by the database's collation, which may skip the dots, and answers
    LIKE 'x%' from the pattern index Django adds to the code)."""
    if connection.vendor == "sqlite":
        return Q(code__gt=code + ".", code__lt=code + "/")
    return Q(code__startswith=code + ".")


def area_time_zone(area: Area | None) -> str:
    """The area's own zone, else the nearest ancestor's, else the configured default.

    Kept on the ``area`` object once found: a request asks it of the same object several
    times (the middleware for the active membership's unit, then a report's scope for
    the same unit's area), and an area's zone changes only when the area list is loaded
    again, never within a request."""
    if area is None:
        return str(settings.DEFAULT_AREA_TIME_ZONE)
    found = area.__dict__.get("_zone_found")
    if found is None:
        found = str(settings.DEFAULT_AREA_TIME_ZONE)
        codes = codes_with_ancestors(area.code)
        zones = dict(
            Area.objects.filter(code__in=codes)
            .exclude(time_zone="")
            .values_list("code", "time_zone")
        )
        found = next((zones[code] for code in codes if code in zones), found)
        area.__dict__["_zone_found"] = found
    return found


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
