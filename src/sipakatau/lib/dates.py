"""One way to write a date and a time for people: "7 Des 2026 16.10 WITA".

Times are stored in UTC and shown in the zone that is active for the request (the
accounts middleware activates the area's zone), with the zone named the way Indonesians
name it: WIB, WITA or WIT (Keppres 41/1987 on the three time zones).
"""

from datetime import date, datetime, tzinfo

from django.utils import timezone, translation
from django.utils.dates import MONTHS_3

# The zones Indonesia lives in, by their IANA names.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(moment: datetime) -> str:
    """WIB, WITA or WIT for an Indonesian zone; the zone's own abbreviation otherwise."""
    zone: tzinfo | None = moment.tzinfo
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)
    if isinstance(key, str) and key in ZONE_LABELS:
        return ZONE_LABELS[key]
    return moment.tzname() or ""


def _day(value: date) -> str:
    # Django's own month abbreviations ("des" in Indonesian, "dec" in English).
    month = str(MONTHS_3[value.month]).capitalize()
    return f"{value.day} {month} {value.year}"


def local_date(value: date | datetime | None) -> str:
    """ "7 Des 2026"; a moment is first moved into the active zone, so that a time just
    after midnight there falls on the local day, not on UTC's."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return _day(value.date())
    return _day(value)


def local_datetime(value: datetime | None) -> str:
    """ "7 Des 2026 16.10 WITA" in the active zone; "" for nothing."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    moment = timezone.localtime(value)
    # Indonesian writes the hour and the minute apart with a dot (PUEBI), English a colon.
    separator = "." if (translation.get_language() or "").startswith("id") else ":"
    clock = f"{moment.hour:02d}{separator}{moment.minute:02d}"
    return f"{_day(moment.date())} {clock} {zone_label(moment)}".strip()


def current_zone_label() -> str:
    """The active zone as people name it: "WITA"."""
    return zone_label(timezone.localtime(timezone.now()))
