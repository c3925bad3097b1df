"""``{{ moment|when }}`` and ``{{ day|day }}``: the one date format of the site (see
``sipakatau.lib.dates``)."""

from datetime import date, datetime

from django import template

from sipakatau.lib.dates import current_zone_label, local_date, local_datetime

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    """A moment: "7 Des 2026 16.10 WITA"."""
    if not isinstance(value, datetime):
        return local_date(value) if isinstance(value, date) else ""
    return local_datetime(value)


@register.filter
def day(value: date | datetime | None) -> str:
    """A day: "7 Des 2026"."""
    return local_date(value) if isinstance(value, date) else ""


@register.simple_tag
def zone_name() -> str:
    """The active zone: "WITA"."""
    return current_zone_label()
