"""Each indicator against the hand-computed dataset of ``dataset.py``."""

from datetime import date

import pytest
from django.db.models import QuerySet

from sipakatau.accounts.models import Organisation, Role
from sipakatau.reports.indicators import Indicators, compute
from sipakatau.reports.periods import Period
from tests.factories import make_user

from .dataset import NOW, WITA, build

NOVEMBER = Period("month", date(2026, 11, 1))


def figures(units: QuerySet[Organisation], period: Period = NOVEMBER) -> Indicators:
    return compute(units=units, period=period, zone=WITA, scope_label="test", now=NOW)


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation) -> None:
    build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR))


def values(indicators: Indicators, key: str) -> dict[str, int | None]:
    return {row.code: row.value for row in indicators.tables[key].rows if row.value}


@pytest.mark.django_db
def test_cases_of_the_unit_count_only_victims_with_consent(
    data: None, bahagia: Organisation
) -> None:
    result = figures(Organisation.objects.filter(pk=bahagia.pk))
    channel = result.tables["cases_by_channel"]
    # C1, C2, C5 are counted; C3's only victim withdrew her consent; C4 is October's.
    assert (channel.total, channel.left_out) == (3, 1)
    assert values(result, "cases_by_channel") == {"WALK_IN": 1, "PHONE": 1, "PUBLIC_PORTAL": 1}
    assert values(result, "cases_by_form") == {"FISIK": 1, "PSIKIS": 1, "SEKSUAL": 1}
    assert values(result, "cases_by_place") == {"RUMAH_TANGGA": 1, "SEKOLAH": 1, "UNKNOWN": 1}
    assert values(result, "cases_by_month") == {"2026-11": 3}


@pytest.mark.django_db
def test_victims_by_age_sex_disability_and_relationship(data: None, bahagia: Organisation) -> None:
    result = figures(Organisation.objects.filter(pk=bahagia.pk))
    sex = result.tables["victims_by_sex"]
    # V1, V2, V5 counted; V3 (no consent) and V4 (withdrawn) left out.
    assert (sex.total, sex.left_out) == (3, 2)
    assert values(result, "victims_by_sex") == {"P": 2, "U": 1}
    assert values(result, "victims_by_age") == {"25-44": 1, "13-17": 1, "UNKNOWN": 1}
    assert values(result, "victims_by_disability") == {"YES": 1, "NO": 2}
    assert values(result, "victims_by_relationship") == {
        "SUAMI_ISTRI": 1,
        "GURU": 1,
        "NONE_RECORDED": 1,
    }
    assert values(result, "victims_by_form") == {"FISIK": 1, "PSIKIS": 1, "SEKSUAL": 1}


@pytest.mark.django_db
def test_times_deadlines_referrals_closures_and_public_reports(
    data: None, bahagia: Organisation
) -> None:
    result = figures(Organisation.objects.filter(pk=bahagia.pk))
    first = result.durations["first_contact"]
    assert (first.count, first.median_hours, first.mean_hours) == (2, 5.0, 5.0)
    assessment = result.durations["assessment"]
    assert (assessment.count, assessment.median_hours, assessment.mean_hours) == (2, 36.0, 36.0)
    grid = result.grids["deadlines_by_step"]
    assert grid.row_codes == ["first_contact"]
    assert dict(zip(grid.col_codes, grid.cells[0], strict=True)) == {
        "on_time": 1,
        "late": 1,
        "overdue": 1,
        "pending": 0,
        "closed_unmet": 0,
    }
    referrals = result.tables["referrals_by_status"]
    assert (referrals.total, referrals.left_out) == (1, 1)
    assert values(result, "referrals_by_status") == {"accepted": 1}
    answer = result.durations["referral_answer"]
    assert (answer.count, answer.median_hours) == (1, 5.0)
    closures = result.tables["closures_by_reason"]
    assert (closures.total, closures.left_out) == (1, 1)
    assert values(result, "closures_by_reason") == {"SERVICES_COMPLETED": 1}
    assert values(result, "public_reports_by_status") == {"received": 1, "handling": 1}
    assert values(result, "public_reports_promoted") == {"PROMOTED": 1, "NOT_PROMOTED": 1}


@pytest.mark.django_db
def test_the_city_adds_the_units_and_drills_down_to_them_only(
    data: None, bahagia: Organisation, ikhlas: Organisation
) -> None:
    units = Organisation.objects.filter(pk__in=[bahagia.pk, ikhlas.pk])
    result = figures(units)
    assert result.tables["cases_by_channel"].total == 4
    assert values(result, "cases_by_unit") == {str(bahagia.pk): 3, str(ikhlas.pk): 1}
    grid = result.grids["victims_by_unit_and_sex"]
    assert grid.col_codes == ["L", "P", "U"]
    by_unit = dict(zip(grid.row_codes, grid.cells, strict=True))
    assert by_unit == {str(bahagia.pk): [0, 2, 1], str(ikhlas.pk): [0, 1, 0]}
    assert (grid.row_totals, grid.col_totals, grid.total) == ([3, 1], [0, 3, 1], 4)
    assert values(result, "victims_by_age") == {"25-44": 1, "13-17": 1, "60+": 1, "UNKNOWN": 1}


@pytest.mark.django_db
def test_a_quarter_counts_its_months(data: None, bahagia: Organisation) -> None:
    result = figures(
        Organisation.objects.filter(pk=bahagia.pk), Period("quarter", date(2026, 10, 1))
    )
    assert values(result, "cases_by_month") == {"2026-10": 1, "2026-11": 3}
    assert result.tables["cases_by_channel"].total == 4
    assert values(result, "public_reports_by_status") == {"received": 2, "handling": 1}


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_data(
    bahagia: Organisation, ikhlas: Organisation, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    units = Organisation.objects.filter(pk__in=[bahagia.pk, ikhlas.pk])
    with CaptureQueriesContext(connection) as empty:
        figures(units)
    build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR))
    with CaptureQueriesContext(connection) as full:
        figures(units)
    assert len(full) == len(empty)
    assert len(full) <= 24  # 20 for cases, 4 for social protection and mapping
