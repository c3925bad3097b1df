"""Pre-aggregated statistics: the case figures of each unit for each month, kept in
``StatisticsRollup`` and summed into any scope and period. A city's year over a million
cases is then a sum of a few hundred rows instead of a count over the cases.

The figures are the same as ``indicators.compute`` gives (the tests compare them): every
case figure adds up over units and months (cases, victims and referrals belong to one
unit and one month), and the times keep their values, not a median, so that the median
of a year is the median of its cases. Social protection and needs mapping belong to the
kelurahan and are few rows: they are counted every time (``with_area_tables``).

A row is used only while it is fresh:

- computed after the last change to what it counts (``staleness`` marks the months a
  change touches, in the writer's transaction and again after it commits);
- judged at a moment (``as_of``) no later than now, and before the first open deadline
  it counts as "not yet due" falls due (``valid_until``).

Anything else is counted again, for that unit and month only, when it is read;
``manage.py refresh_statistics`` does it beforehand (see the operator guide).
"""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Min, QuerySet
from django.utils import timezone

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.cases.models import CaseDeadline, Status
from sipakatau.cases.services.common import unit_zone
from sipakatau.lib.replica import reading_primary
from sipakatau.public.models import PublicReport

from .indicators import Indicators, Row, Table, case_figures, with_area_tables
from .indicators.casework import case_is_counted, cases_reported, month_table, unit_tables
from .indicators.process import (
    assessment_times,
    deadline_grid,
    duration_from_samples,
    first_contact_times,
    referral_answer_times,
)
from .models import StatisticsRollup
from .periods import Period, month_of

# Built from the unit list and the months, not summed code by code.
_BY_UNIT_OR_MONTH = {"cases_by_month", "cases_by_unit"}


def _microseconds(value: Any) -> int:
    if not isinstance(value, timedelta):  # SQLite may answer a number of microseconds
        value = timedelta(microseconds=float(value))
    return value // timedelta(microseconds=1)


def _samples(rows: QuerySet[Any]) -> list[int]:
    return sorted(_microseconds(took) for took in rows.values_list("took", flat=True))


def unit_month_data(unit: Organisation, month: date, zone: tzinfo, now: datetime) -> dict:
    """What one unit counted in one month, as JSON: every table's rows by code, the
    deadlines by step and outcome, and the times (microseconds, sorted)."""
    units = Organisation.objects.filter(pk=unit.pk)
    period = Period("month", month)
    figures = case_figures(
        units=units, period=period, zone=zone, scope_label="", now=now, durations=False
    )
    start, end = period.bounds(zone)
    cases = cases_reported(units, start, end)
    deadlines = figures.grids["deadlines_by_step"]
    victims = figures.grids["victims_by_unit_and_sex"]
    return {
        "tables": {
            key: {
                "rows": {row.code: row.value for row in table.rows},
                "total": table.total,
                "left_out": table.left_out,
            }
            for key, table in figures.tables.items()
            if key not in _BY_UNIT_OR_MONTH
        },
        "cases": figures.tables["cases_by_unit"].total,
        "victims_by_sex": dict(zip(victims.col_codes, victims.cells[0], strict=True)),
        "deadlines": {
            code: dict(zip(deadlines.col_codes, cells, strict=True))
            for code, cells in zip(deadlines.row_codes, deadlines.cells, strict=True)
        },
        "durations": {
            "first_contact": _samples(first_contact_times(cases)),
            "assessment": _samples(assessment_times(cases)),
            "referral_answer": _samples(referral_answer_times(units, start, end)),
        },
    }


def _valid_until(unit: Organisation, month: date, zone: tzinfo, now: datetime) -> datetime | None:
    """When the first deadline counted as "not yet due" falls due (None: none is)."""
    start, end = Period("month", month).bounds(zone)
    cases = cases_reported(Organisation.objects.filter(pk=unit.pk), start, end)
    return (
        CaseDeadline.objects.filter(
            case__in=cases.filter(case_is_counted()), met_at__isnull=True, due_at__gte=now
        )
        .exclude(case__status=Status.CLOSED)
        .aggregate(first=Min("due_at"))["first"]
    )


def is_fresh(row: StatisticsRollup | None, now: datetime) -> bool:
    return (
        row is not None
        and row.figures is not None
        and row.computed_at is not None
        and row.as_of is not None
        and (row.changed_at is None or row.changed_at < row.computed_at)
        and row.as_of <= now
        and (row.valid_until is None or now < row.valid_until)
    )


def _zone(unit: Organisation, zones: dict[int | None, ZoneInfo]) -> ZoneInfo:
    """``cases``' ``unit_zone``, asked once per area in a loop over units."""
    if unit.area_id not in zones:
        zones[unit.area_id] = unit_zone(unit)
    return zones[unit.area_id]


def rollup_compute(unit: Organisation, month: date, zone: tzinfo, now: datetime) -> dict:
    """Counts one unit's month again and keeps it; returns the figures. Two readers
    counting the same month at once both write the same figures: the later one stays."""
    started = timezone.now()
    # Counted on the primary even under ``reading_reports``: a change the replica has not
    # received yet would be missing from figures stamped as counted after it.
    with reading_primary():
        figures = unit_month_data(unit, month, zone, now)
    StatisticsRollup.objects.bulk_create(
        [
            StatisticsRollup(
                organisation=unit,
                month=month,
                figures=figures,
                computed_at=started,
                as_of=now,
                valid_until=_valid_until(unit, month, zone, now),
            )
        ],
        update_conflicts=True,
        unique_fields=["organisation", "month"],
        # Not ``changed_at``: a change marked while this counted must keep it stale.
        update_fields=["figures", "computed_at", "as_of", "valid_until"],
    )
    return figures


def _rollups(
    units: list[Organisation], months: list[date], now: datetime
) -> dict[tuple[int, date], dict]:
    """The figures of every unit and month asked for: the fresh ones as kept, the others
    counted again."""
    stored = {
        (row.organisation_id, row.month): row
        for row in StatisticsRollup.objects.filter(
            organisation__in=[unit.pk for unit in units], month__in=months
        )
    }
    zones: dict[int | None, ZoneInfo] = {}
    result = {}
    for unit in units:
        for month in months:
            row = stored.get((unit.pk, month))
            if row is not None and row.figures is not None and is_fresh(row, now):
                result[unit.pk, month] = row.figures
            else:
                result[unit.pk, month] = rollup_compute(unit, month, _zone(unit, zones), now)
    return result


def _summed_table(skeleton: Table, parts: Iterable[dict]) -> Table:
    rows: dict[str, int] = defaultdict(int)
    total = left_out = 0
    for part in parts:
        for code, value in part["rows"].items():
            rows[code] += value
        total += part["total"]
        left_out += part["left_out"]
    return Table(
        skeleton.key,
        skeleton.title,
        skeleton.counts,
        [Row(row.code, row.label, rows[row.code]) for row in skeleton.rows],
        total,
        left_out,
        skeleton.several_per_item,
    )


@functools.cache
def _table_skeletons() -> dict[str, Table]:
    """Every table's title, labels and row codes, from a count over no unit at all (no
    query). They are the same for every scope, period and zone, and the labels are lazy
    translations rendered in the reader's language: built once per process, as building
    the querysets of every indicator took ~20 ms of each dashboard (issue 19). Read only."""
    skeleton = case_figures(
        units=Organisation.objects.none(),
        period=month_of(date(2026, 1, 1)),
        zone=UTC,
        scope_label="",
        durations=False,
    )
    return skeleton.tables


def figures(
    *,
    units: QuerySet[Organisation],
    period: Period,
    zone: tzinfo,
    scope_label: str,
    now: datetime | None = None,
) -> Indicators:
    """The same indicators as ``indicators.compute``, summed from the units' months."""
    now = now or timezone.now()
    unit_list = list(units.select_related("area").order_by("name"))
    months = period.months()
    parts = _rollups(unit_list, months, now)
    skeleton = _table_skeletons()
    tables = {}
    for key, table in skeleton.items():
        if key not in _BY_UNIT_OR_MONTH:
            tables[key] = _summed_table(table, (part["tables"][key] for part in parts.values()))
    left_out = tables["cases_by_channel"].left_out
    by_month: dict[date, int] = defaultdict(int)
    case_counts: dict[int, int] = defaultdict(int)
    victims: dict[tuple[int, str], int] = defaultdict(int)
    deadlines: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    samples: dict[str, list[int]] = defaultdict(list)
    for (unit_pk, month), part in parts.items():
        by_month[month] += part["cases"]
        case_counts[unit_pk] += part["cases"]
        for sex, n in part["victims_by_sex"].items():
            victims[unit_pk, sex] += n
        for code, outcomes in part["deadlines"].items():
            for outcome, n in outcomes.items():
                deadlines[code][outcome] += n
        for key, values in part["durations"].items():
            samples[key].extend(values)
    names = [(unit.pk, unit.name, unit.short_name) for unit in unit_list]
    tables["cases_by_month"] = month_table(months, by_month)
    tables["cases_by_unit"], by_unit_and_sex = unit_tables(names, dict(case_counts), victims)
    result = Indicators(
        scope_label=scope_label,
        period_code=period.code,
        period_label=period.label,
        tables={key: tables[key] for key in skeleton},
        grids={
            "victims_by_unit_and_sex": by_unit_and_sex,
            "deadlines_by_step": deadline_grid(
                {code: dict(outcomes) for code, outcomes in deadlines.items()}, left_out
            ),
        },
        durations={
            "first_contact": duration_from_samples(
                "first_contact", sorted(samples["first_contact"]), left_out
            ),
            "assessment": duration_from_samples(
                "assessment", sorted(samples["assessment"]), left_out
            ),
            "referral_answer": duration_from_samples(
                "referral_answer",
                sorted(samples["referral_answer"]),
                tables["referrals_by_status"].left_out,
            ),
        },
    )
    return with_area_tables(result, units=units, period=period, zone=zone)


def rollups_refresh(
    *,
    months: list[date] | None = None,
    now: datetime | None = None,
    everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Counts again every unit's month that is not fresh (or ``everything``): by default
    the months from the unit's first case or public report to this one. ``progress`` is
    told (done, total) as it goes. Returns how many months were counted."""
    now = now or timezone.now()
    zones: dict[int | None, ZoneInfo] = {}
    wanted: list[tuple[Organisation, ZoneInfo, date]] = []
    units = Organisation.objects.filter(type=OrganisationType.LBK_KK).select_related("area")
    for unit in units.order_by("pk"):
        zone = _zone(unit, zones)
        unit_months = months if months is not None else _months_of(unit, zone, now)
        stored = {
            row.month: row
            for row in StatisticsRollup.objects.filter(organisation=unit, month__in=unit_months)
        }
        wanted += [
            (unit, zone, month)
            for month in unit_months
            if everything or not is_fresh(stored.get(month), now)
        ]
    for done, (unit, zone, month) in enumerate(wanted, start=1):
        rollup_compute(unit, month, zone, now)
        if progress is not None:
            progress(done, len(wanted))
    return len(wanted)


def _months_of(unit: Organisation, zone: tzinfo, now: datetime) -> list[date]:
    """From the month of the unit's first case or public report to this month."""
    firsts = [
        unit.cases.aggregate(first=Min("reported_at"))["first"],
        PublicReport.objects.filter(organisation=unit).aggregate(first=Min("created_at"))["first"],
    ]
    first = min((moment for moment in firsts if moment is not None), default=None)
    if first is None:
        return []
    start = timezone.localtime(first, zone).date().replace(day=1)
    last = timezone.localtime(now, zone).date().replace(day=1)
    months = []
    while start <= last:
        months.append(start)
        start = Period("month", start).end
    return months
