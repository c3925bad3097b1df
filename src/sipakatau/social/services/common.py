"""What the social services share."""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied

from ..codes import DEFAULT_CUTOFF_DAY


def require(allowed: bool) -> None:
    """Refuse with 403 inside a service; the pages and the API have already answered 404
    for anything out of scope (the fetchers in queries.py), so this guards the verb."""
    if not allowed:
        raise PermissionDenied


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def cutoff_day() -> int:
    """Read at call time, so an operator's change applies to the next batch made."""
    return int(getattr(settings, "SIPAKATAU_PROPOSAL_CUTOFF_DAY", DEFAULT_CUTOFF_DAY))


def cutoff_for(month: date) -> date:
    """The cut-off day of ``month`` (the 17th unless configured), kept within the month."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=max(1, min(cutoff_day(), last)))
