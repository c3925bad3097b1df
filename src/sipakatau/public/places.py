"""Where this installation takes public reports, and the place picker over those places.

A kelurahan is *served* when it lies inside the area of an active LBK-KK, UPTD PPA or
DP3A (``SERVING_TYPES``): those, and only those, receive public reports
(``services.route_report``). The picker and the name search offer served places only, so
a reporter learns before she writes her story whether anyone here will read it.

Every read here costs a fixed number of queries whatever the size of the area list (the
national list has ~84,000 villages): codes nest (``73.72.01.1005`` lies in ``73.72.01``),
so "inside one of these areas" is one condition per code length, not one per area.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Lower, Substr
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_is_within_code, codes_with_ancestors, inside

# In the order routing prefers them: the kelurahan's own unit first, then the agencies.
SERVING_TYPES = (OrganisationType.LBK_KK, OrganisationType.UPTD_PPA, OrganisationType.DP3A)
# An organisation of one RW or RT does not cover a whole kelurahan, so it serves none.
COVERING_LEVELS = (Level.PROVINCE, Level.CITY, Level.KECAMATAN, Level.KELURAHAN)
# A step lists the kelurahan themselves when there are no more than this many; otherwise
# it narrows down first (province, city, kecamatan), so no step is a long list.
DIRECT_LIMIT = 12
SEARCH_LIMIT = 20
SEARCH_MIN = 2
SEARCH_MAX = 60


@dataclass(frozen=True)
class Place:
    """A served kelurahan as the reporter sees it."""

    code: str
    name: str
    # The name alone, or with its kecamatan and city when another served place has it too.
    label: str


@dataclass(frozen=True)
class Step:
    """One step of the picker: where the reporter is, and what she chooses from there —
    smaller areas to narrow down to, or the places themselves."""

    area: Area | None
    areas: list[Area] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)

    @property
    def level(self) -> str:
        return self.areas[0].level if self.areas else Level.KELURAHAN


def serving_organisations() -> QuerySet[Organisation]:
    """The organisations that receive public reports for the places in their area."""
    return Organisation.objects.filter(
        is_active=True, type__in=SERVING_TYPES, area__level__in=COVERING_LEVELS
    )


def _served_roots() -> list[str]:
    """The codes of the served areas, none inside another (one query)."""
    codes = sorted(set(serving_organisations().values_list("area__code", flat=True)))
    roots: list[str] = []
    for code in codes:
        # Sorted, a code inside an earlier one comes right after it (or after another
        # code inside it), so only the last root can contain it.
        if not roots or not area_is_within_code(code, roots[-1]):
            roots.append(code)
    return roots


def _common_ancestor(roots: list[str]) -> str | None:
    """The nearest area above every served kelurahan, if they share one."""
    parts = [root.split(".") for root in roots]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    if len(common) == 4:  # one kelurahan: the area above is its kecamatan
        common.pop()
    return ".".join(common) or None


def _served(roots: list[str], under: str | None = None) -> QuerySet[Area]:
    """The served kelurahan (inside ``under`` when given), as one query of fixed size."""
    kelurahan = Area.objects.filter(level=Level.KELURAHAN)
    prefix = under or _common_ancestor(roots)
    if prefix:
        kelurahan = kelurahan.filter(inside(prefix))
    by_length: dict[int, list[str]] = defaultdict(list)
    for root in roots:
        by_length[len(root)].append(root + ".")
    condition = Q(code__in=roots)  # a kelurahan with its own unit
    for length, heads in by_length.items():
        name = f"head{length}"
        kelurahan = kelurahan.alias(**{name: Substr("code", 1, length + 1)})
        condition |= Q(**{f"{name}__in": heads})
    return kelurahan.filter(condition)


def _on_served_tree(code: str, roots: Iterable[str]) -> bool:
    return any(area_is_within_code(code, r) or area_is_within_code(r, code) for r in roots)


def qualified_name(kelurahan: Area) -> str:
    """'Lumpue — Kec. Bacukiki, Kota Parepare': the name with its kecamatan and city."""
    kecamatan = kelurahan.parent
    city = kecamatan.parent if kecamatan is not None else None
    if kecamatan is None or city is None:
        return kelurahan.name
    return _("%(name)s — Kec. %(kecamatan)s, %(city)s") % {
        "name": kelurahan.name,
        "kecamatan": kecamatan.name,
        "city": city.name,
    }


def _labelled(kelurahan: list[Area], roots: list[str]) -> list[Place]:
    """The places, a name that another served place also has shown with where it lies
    (one query)."""
    names = {k.name.lower() for k in kelurahan}
    repeated = (
        set(
            _served(roots)
            .annotate(lower_name=Lower("name"))
            .filter(lower_name__in=names)
            .values("lower_name")
            .annotate(count=Count("pk"))
            .filter(count__gt=1)
            .values_list("lower_name", flat=True)
        )
        if names
        else set()
    )
    return [
        Place(
            code=k.code,
            name=k.name,
            label=qualified_name(k) if k.name.lower() in repeated else k.name,
        )
        for k in kelurahan
    ]


def _children(area: Area | None, roots: list[str]) -> list[Area]:
    """The areas one level below ``area`` (the provinces at the start) that hold served
    places."""
    if area is not None and any(area_is_within_code(area.code, r) for r in roots):
        return list(
            Area.objects.filter(parent=area).select_related("parent").order_by("name", "code")
        )
    depth = 0 if area is None else area.code.count(".") + 1
    codes = {
        ".".join(root.split(".")[: depth + 1])
        for root in roots
        if area is None or area_is_within_code(root, area.code)
    }
    return list(
        Area.objects.filter(code__in=codes).select_related("parent").order_by("name", "code")
    )


def place_step(code: str | None) -> Step:
    """The picker's step at the area with this code (the start when None, unknown, or not
    on the way to a served place). A level with only one choice is passed through, so an
    installation of one city starts at its kecamatan, and one of a few kelurahan lists
    them at once. At most eight queries, however long the area list."""
    roots = _served_roots()
    if not roots:
        return Step(area=None)
    area = None
    if code:
        found = (
            Area.objects.filter(code=code, level__in=(Level.PROVINCE, Level.CITY, Level.KECAMATAN))
            .select_related("parent")
            .first()
        )
        if found is not None and _on_served_tree(found.code, roots):
            area = found
    too_many = False
    while True:
        under = area.code if area is not None else None
        served = _served(roots, under).select_related("parent__parent").order_by("name", "code")
        if area is not None and area.level == Level.KECAMATAN:
            return Step(area=area, places=_labelled(list(served), roots))
        if not too_many:
            first = list(served[: DIRECT_LIMIT + 1])
            if len(first) <= DIRECT_LIMIT:
                return Step(area=area, places=_labelled(first, roots))
        children = _children(area, roots)
        if len(children) != 1:
            return Step(area=area, areas=children)
        # Every served place here lies in that one child: still too many for one list.
        area, too_many = children[0], True


def served_place(code: str) -> Place | None:
    """The kelurahan with this code when this installation serves it, else None. Its label
    always says where it lies: it heads the form the reporter fills in."""
    kelurahan = (
        Area.objects.filter(code=code, level=Level.KELURAHAN)
        .select_related("parent__parent")
        .first()
        if code
        else None
    )
    if kelurahan is None:
        return None
    if not serving_organisations().filter(area__code__in=codes_with_ancestors(code)).exists():
        return None
    return Place(code=kelurahan.code, name=kelurahan.name, label=qualified_name(kelurahan))


def search_places(query: str) -> list[Place]:
    """Served places whose name contains the text, names that start with it first; at
    most ``SEARCH_LIMIT``. Too short a text finds nothing."""
    text = " ".join((query or "").split())[:SEARCH_MAX]
    if len(text) < SEARCH_MIN:
        return []
    roots = _served_roots()
    if not roots:
        return []
    found = (
        _served(roots)
        .filter(name__icontains=text)
        .select_related("parent__parent")
        .annotate(starts=Case(When(name__istartswith=text, then=Value(0)), default=Value(1)))
        .order_by("starts", "name", "code")[:SEARCH_LIMIT]
    )
    return _labelled(list(found), roots)
