"""Indicators of the units in a scope over a period, computed in the database with a fixed
number of queries. Raw here; everything that leaves passes through ``suppression``."""

from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.utils import timezone

from sipakatau.accounts.models import Organisation

from ..periods import Period
from .base import Duration, Grid, Indicators, Row, Table
from .casework import case_tables, cases_by_month, cases_reported, unit_figures, victim_tables
from .process import (
    closure_table,
    deadlines_by_step,
    public_report_tables,
    referral_answer_time,
    referral_figures,
    time_to_assessment,
    time_to_first_contact,
)
from .social import mapping_coverage, proposal_outcomes, social_needs

__all__ = [
    "Duration",
    "Grid",
    "Indicators",
    "Row",
    "Table",
    "case_figures",
    "compute",
    "with_area_tables",
]


def compute(
    *,
    units: QuerySet[Organisation],
    period: Period,
    zone: tzinfo,
    scope_label: str,
    now: datetime | None = None,
) -> Indicators:
    """Every indicator, counted now from the rows themselves (``rollup`` gives the same
    figures from its per-unit, per-month sums)."""
    figures = case_figures(units=units, period=period, zone=zone, scope_label=scope_label, now=now)
    return with_area_tables(figures, units=units, period=period, zone=zone)


def case_figures(
    *,
    units: QuerySet[Organisation],
    period: Period,
    zone: tzinfo,
    scope_label: str,
    now: datetime | None = None,
    durations: bool = True,
) -> Indicators:
    """The figures counted over the units' cases, referrals, closures and public reports:
    each adds up over units and months, so ``rollup`` keeps them per unit and month.
    Without ``durations`` the times are left out (``rollup`` keeps their values)."""
    now = now or timezone.now()
    start, end = period.bounds(zone)
    cases = cases_reported(units, start, end)
    tables = case_tables(cases)
    left_out = tables["cases_by_channel"].left_out
    tables.update(victim_tables(cases))
    tables["cases_by_month"] = cases_by_month(cases, period.months(), zone)
    by_unit, victims_by_unit = unit_figures(cases, units)
    tables["cases_by_unit"] = by_unit
    referrals = referral_figures(units, start, end)
    tables["referrals_by_status"] = referrals
    tables["closures_by_reason"] = closure_table(units, start, end)
    by_status, promoted = public_report_tables(units, start, end)
    tables["public_reports_by_status"] = by_status
    tables["public_reports_promoted"] = promoted
    return Indicators(
        scope_label=scope_label,
        period_code=period.code,
        period_label=period.label,
        tables=tables,
        grids={
            "victims_by_unit_and_sex": victims_by_unit,
            "deadlines_by_step": deadlines_by_step(cases, now, left_out),
        },
        durations={
            "first_contact": time_to_first_contact(cases, left_out),
            "assessment": time_to_assessment(cases, left_out),
            "referral_answer": referral_answer_time(units, start, end, left_out=referrals.left_out),
        }
        if durations
        else {},
    )


def with_area_tables(
    figures: Indicators, *, units: QuerySet[Organisation], period: Period, zone: tzinfo
) -> Indicators:
    """Adds the figures that belong to the kelurahan(s) rather than to a unit (social
    protection, needs mapping): few rows, counted every time."""
    start, end = period.bounds(zone)
    tables = dict(figures.tables)
    tables["social_needs_by_status"] = social_needs(units, start, end)
    tables["proposals_by_outcome"] = proposal_outcomes(units, period.start, period.end)
    tables["mapping_coverage"] = mapping_coverage(units, end)
    return figures.with_(tables=tables)
