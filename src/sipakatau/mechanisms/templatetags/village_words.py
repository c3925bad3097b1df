"""Whether a page speaks of a desa or a kelurahan: the area's code decides
(documents/labels.py ``is_desa``), so a desa's pages say "Desa" and "Kepala Desa"."""

from django import template

from sipakatau.areas.models import Area

from ..codes import DESA_PARTY, Responsible
from ..documents import labels

register = template.Library()


@register.filter
def is_desa(area: Area | None) -> bool:
    return area is not None and labels.is_desa(area)


@register.filter
def party(code: str, area: Area | None) -> str:
    """The party a step or duty names (a ``Responsible`` code), as the village calls it:
    "Kepala Desa" in a desa where a kelurahan has its "Lurah"."""
    if area is not None and labels.is_desa(area) and code in DESA_PARTY:
        return str(DESA_PARTY[code])
    return str(dict(Responsible.choices).get(code, code))
