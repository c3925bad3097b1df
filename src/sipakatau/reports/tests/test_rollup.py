"""The rollups give the very figures ``compute`` counts from the rows, and stop being used
the moment a change or the clock makes them wrong."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sipakatau.accounts.models import Organisation, Role
from sipakatau.cases.codes import ConsentPurpose, PartyRole
from sipakatau.cases.models import Case, CaseDeadline, CaseParty, Consent
from sipakatau.cases.services.deadlines import deadlines_meet
from sipakatau.reports import rollup
from sipakatau.reports.indicators import compute
from sipakatau.reports.models import StatisticsRollup
from sipakatau.reports.periods import Period
from tests.factories import make_user

from .dataset import NOW, WITA, Built, build

NOVEMBER = Period("month", date(2026, 11, 1))
PERIODS = [NOVEMBER, Period("quarter", date(2026, 10, 1)), Period("year", date(2026, 1, 1))]


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation) -> Built:
    return build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR))


def both_units(bahagia: Organisation, ikhlas: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=[bahagia.pk, ikhlas.pk])


def assert_same(units: QuerySet[Organisation], period: Period, now: datetime = NOW) -> None:
    counted = compute(units=units, period=period, zone=WITA, scope_label="t", now=now)
    summed = rollup.figures(units=units, period=period, zone=WITA, scope_label="t", now=now)
    assert summed.as_data() == counted.as_data()


@pytest.mark.django_db
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.code)
def test_summed_rollups_equal_the_figures_counted_from_the_rows(
    data: Built, bahagia: Organisation, ikhlas: Organisation, period: Period
) -> None:
    for units in (both_units(bahagia, ikhlas), Organisation.objects.filter(pk=bahagia.pk)):
        assert_same(units, period)  # counted into the rollups
        assert_same(units, period)  # read from them
    kept = StatisticsRollup.objects.filter(figures__isnull=False)
    assert kept.count() == 2 * len(period.months())


@pytest.mark.django_db
def test_the_tables_read_in_each_readers_language_though_built_once(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    # Given the figures read once in English (their titles and labels are kept after it)
    units = both_units(bahagia, ikhlas)
    with translation.override("en"):
        english = rollup.figures(units=units, period=NOVEMBER, zone=WITA, scope_label="t")

    # When they are read again in Indonesian
    with translation.override("id"):
        indonesian = rollup.figures(units=units, period=NOVEMBER, zone=WITA, scope_label="t")
        channel = indonesian.as_data()["tables"]["cases_by_channel"]

    # Then each reader has her language, and the same counts
    with translation.override("en"):
        assert english.as_data()["tables"]["cases_by_channel"]["title"] == (
            "Cases by how they were reported"
        )
    assert channel["title"] == "Kasus menurut cara melapor"
    assert [row["value"] for row in channel["rows"]] == [
        row["value"] for row in english.as_data()["tables"]["cases_by_channel"]["rows"]
    ]


@pytest.mark.django_db
def test_a_fresh_rollup_is_read_not_counted_again(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    units = both_units(bahagia, ikhlas)
    year = Period("year", date(2026, 1, 1))
    rollup.figures(units=units, period=year, zone=WITA, scope_label="t", now=NOW)
    with CaptureQueriesContext(connection) as read:
        rollup.figures(units=units, period=year, zone=WITA, scope_label="t", now=NOW)
    # The units, the rollups, and the social-protection and mapping tables: not 24 months.
    assert len(read) <= 8, [q["sql"][:80] for q in read]


@pytest.mark.django_db
def test_withdrawing_consent_takes_the_victim_out_at_once(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    units = both_units(bahagia, ikhlas)
    before = rollup.figures(units=units, period=NOVEMBER, zone=WITA, scope_label="t", now=NOW)
    consent = Consent.objects.get(subject__case=data.cases["c1"], purpose=ConsentPurpose.STATISTICS)
    consent.withdrawn_at = timezone.now()
    consent.save()
    after = rollup.figures(units=units, period=NOVEMBER, zone=WITA, scope_label="t", now=NOW)
    assert after.tables["cases_by_channel"].total == before.tables["cases_by_channel"].total - 1
    assert_same(units, NOVEMBER)


@pytest.mark.django_db
def test_every_kind_of_change_is_seen(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    units = both_units(bahagia, ikhlas)
    assert_same(units, NOVEMBER)
    c2 = data.cases["c2"]
    # A victim's sex (the person), a party's age, the case's channel, a deadline met in
    # one UPDATE, a case moved to the other unit: each is counted at the next read.
    victim = CaseParty.objects.filter(case=c2, role=PartyRole.VICTIM).first()
    assert victim is not None
    victim.person.sex = "L"
    victim.person.save()
    assert_same(units, NOVEMBER)
    victim.age_at_incident = 40
    victim.save()
    assert_same(units, NOVEMBER)
    Case.objects.filter(pk=c2.pk).first().save()  # type: ignore[union-attr]
    c5 = data.cases["c5"]
    assert deadlines_meet(case=c5, codes=["first_contact"], at=NOW - timedelta(hours=1))
    assert_same(units, NOVEMBER)
    c2.organisation = ikhlas
    c2.save()
    assert_same(units, NOVEMBER)
    assert_same(Organisation.objects.filter(pk=bahagia.pk), NOVEMBER)


@pytest.mark.django_db
def test_a_deadline_falling_due_makes_the_month_count_again(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    units = both_units(bahagia, ikhlas)
    open_deadline = CaseDeadline.objects.get(case=data.cases["c5"], met_at__isnull=True)
    before_due = open_deadline.due_at - timedelta(hours=1)
    assert_same(units, NOVEMBER, now=before_due)
    row = StatisticsRollup.objects.get(organisation=bahagia, month=date(2026, 11, 1))
    assert row.valid_until == open_deadline.due_at
    after_due = open_deadline.due_at + timedelta(hours=1)
    figures = rollup.figures(
        units=units, period=NOVEMBER, zone=WITA, scope_label="t", now=after_due
    )
    grid = figures.grids["deadlines_by_step"]
    assert grid.cells[grid.row_codes.index("first_contact")][2] >= 1  # overdue now
    assert_same(units, NOVEMBER, now=after_due)


@pytest.mark.django_db
def test_a_change_marked_while_a_reader_counted_keeps_the_month_stale(
    data: Built, bahagia: Organisation
) -> None:
    """Counting does not clear a mark written after it started: what it kept may have
    missed that change, so it is counted again at the next read."""
    month = date(2026, 11, 1)
    rollup.rollup_compute(bahagia, month, WITA, NOW)
    row = StatisticsRollup.objects.get(organisation=bahagia, month=month)
    assert rollup.is_fresh(row, NOW)
    later = timezone.now() + timedelta(minutes=1)  # a writer's mark, after the count began
    StatisticsRollup.objects.filter(pk=row.pk).update(changed_at=later)
    rollup.rollup_compute(bahagia, month, WITA, NOW)
    row.refresh_from_db()
    assert row.changed_at == later
    assert not rollup.is_fresh(row, NOW)


@pytest.mark.django_db
def test_refresh_counts_the_stale_months_only(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    months = [date(2026, 10, 1), date(2026, 11, 1)]
    assert rollup.rollups_refresh(months=months, now=NOW) == 4
    assert rollup.rollups_refresh(months=months, now=NOW) == 0
    data.cases["c6"].save()  # Ikhlas, November
    assert rollup.rollups_refresh(months=months, now=NOW) == 1
    assert rollup.rollups_refresh(months=months, now=NOW, everything=True) == 4


@pytest.mark.django_db
def test_counting_a_month_again_asks_as_many_queries_for_many_cases_as_for_none(
    bahagia: Organisation, ikhlas: Organisation
) -> None:
    month = date(2026, 11, 1)
    with CaptureQueriesContext(connection) as empty:
        rollup.rollup_compute(bahagia, month, WITA, NOW)
    build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR))
    build(bahagia, ikhlas, make_user(bahagia, Role.COORDINATOR))
    with CaptureQueriesContext(connection) as full:
        figures = rollup.rollup_compute(bahagia, month, WITA, NOW)
    assert figures["cases"] == 6
    assert len(full) == len(empty)


@pytest.mark.django_db
def test_the_scheduled_command_counts_the_stale_months(
    data: Built, bahagia: Organisation, ikhlas: Organisation
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("refresh_statistics", "--period", "2026-Q4", stdout=out, verbosity=0)
    assert out.getvalue().strip() == "unit-months counted again: 6"
    out = StringIO()
    call_command("refresh_statistics", "--period", "2026-Q4", stdout=out, verbosity=0)
    assert out.getvalue().strip() == "unit-months counted again: 0"
    with pytest.raises(CommandError):
        call_command("refresh_statistics", "--period", "November", verbosity=0)
