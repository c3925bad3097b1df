"""The periods figures are counted over: a month, a quarter or a year, in the area's own
time zone (a case reported at 23:30 WITA on 31 October belongs to October, although it
is stored as 15:30 UTC)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: date  # first day

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        index = self.start.year * 12 + self.start.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return date_format(self.start, "F Y")
        if self.kind == "quarter":
            return _("Quarter %(number)s %(year)s") % {
                "number": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return str(self.start.year)

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes at local midnight in ``zone``."""
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    def months(self) -> list[date]:
        """The first day of each month in the period."""
        result, current = [], self.start
        while current < self.end:
            result.append(current)
            current = Period("month", current).end
        return result


def month_of(day: date) -> Period:
    return Period("month", day.replace(day=1))


def previous_month(day: date) -> Period:
    first = day.replace(day=1)
    index = first.year * 12 + first.month - 2
    return Period("month", date(index // 12, index % 12 + 1, 1))


# ASCII digits only: ``\d`` alone would take other scripts' digits too, which the document
# (PERIOD_PATTERN) does not offer.
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.ASCII)
_YEAR = re.compile(r"^(\d{4})$", re.ASCII)
# A year after 1900 and before 9999: a period of 9999 would end in year 10000, which has
# no date (a 500, as was 0000-Q1).
_YEAR_PATTERN = r"(19(0[1-9]|[1-9][0-9])|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
# What parse_period takes, for the OpenAPI document: the same, case-blind Q, blanks
# around; empty or blank: the default period.
PERIOD_PATTERN = rf"^\s*({_YEAR_PATTERN}(-(0[1-9]|1[0-2])|-[Qq][1-4])?)?\s*$"


def _year(text: str) -> int | None:
    year = int(text)
    return year if 1900 < year < 9999 else None


def parse_period(text: str) -> Period | None:
    """``2026-11``, ``2026-Q4`` or ``2026``; None when it is none of these."""
    text = (text or "").strip().upper()
    if (match := _MONTH.match(text)) and (year := _year(match[1])):
        month = int(match[2])
        return Period("month", date(year, month, 1)) if 1 <= month <= 12 else None
    if (match := _QUARTER.match(text)) and (year := _year(match[1])):
        return Period("quarter", date(year, 3 * int(match[2]) - 2, 1))
    if (match := _YEAR.match(text)) and (year := _year(match[1])):
        return Period("year", date(year, 1, 1))
    return None
