"""The read replica (lib.replica): the statistics read there, writes and everything else
stay on the primary. Against a real second PostgreSQL database, a copy of the test
database, in which a row is changed that the primary does not have."""

import io
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection, connections, transaction
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation, Role
from sipakatau.areas.models import Area
from sipakatau.lib.replica import REPLICA, reading_reports
from sipakatau.reports import queries
from sipakatau.reports.models import StatisticsRollup
from sipakatau.reports.periods import Period
from sipakatau.reports.services.exports import cases_export
from tests.factories import Persona, make_persona

from .dataset import NOW, build

NOVEMBER = Period("month", date(2026, 11, 1))
both = pytest.mark.django_db(databases=["default", REPLICA])


@pytest.fixture(scope="module")
def replica(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    """A second database with the primary's schema and data, as "replica"."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "the replica is a second PostgreSQL database (a copy of the test database); "
            "SQLite has no read replicas - run with DATABASE_URL=postgres://..."
        )
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        # PostgreSQL copies a database only while nobody is connected to it.
        connections.close_all()
        creation = connections["default"].creation
        creation.clone_test_db(suffix=REPLICA, verbosity=0, keepdb=False)
        clone = creation.get_test_db_clone_settings(REPLICA)
        connections.settings[REPLICA] = clone  # the same dict as settings.DATABASES
    try:
        yield clone["NAME"]
    finally:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            creation._destroy_test_db(clone["NAME"], verbosity=0)


def with_parents(area: Area) -> list[Area]:
    chain = []
    current: Area | None = area
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


@both
def test_a_row_only_in_the_replica_is_read_by_reports_and_only_by_them(replica: str) -> None:
    # Given an area that only the replica holds
    Area.objects.using(REPLICA).create(code="99.99", name="Replika", level="kelurahan")

    # Then a report's read finds it, and any other read does not
    with reading_reports():
        assert Area.objects.filter(code="99.99").exists()
    assert not Area.objects.filter(code="99.99").exists()


@both
def test_a_write_while_reading_reports_goes_to_the_primary(replica: str) -> None:
    with reading_reports():
        Area.objects.create(code="99.98", name="Tulisan", level="kelurahan")

    assert Area.objects.using("default").filter(code="99.98").exists()
    assert not Area.objects.using(REPLICA).filter(code="99.98").exists()


@both
def test_a_read_inside_a_write_transaction_stays_on_the_primary(replica: str) -> None:
    Area.objects.using(REPLICA).create(code="99.97", name="Replika", level="kelurahan")

    with transaction.atomic(), reading_reports():
        # The transaction may have written what it reads; the replica has not seen it.
        assert not Area.objects.filter(code="99.97").exists()


@both
def test_the_statistics_are_read_from_the_replica(
    replica: str, bahagia: Organisation, ikhlas: Organisation, coordinator: Persona
) -> None:
    # Given three cases in November, counted once on the primary (a read inside a
    # transaction stays there) and the month's figures kept
    build(bahagia, ikhlas, coordinator.user)
    with transaction.atomic():
        first = queries.statistics_for(coordinator.membership, NOVEMBER, now=NOW)
    assert first.tables["cases_by_channel"].total == 3
    kept = StatisticsRollup.objects.using("default").get(organisation=bahagia, month=NOVEMBER.start)

    # When the replica holds the unit and that month, with another figure
    Area.objects.using(REPLICA).bulk_create(reversed(with_parents(bahagia.area)))
    Organisation.objects.using(REPLICA).bulk_create([bahagia])
    kept.figures["tables"]["cases_by_channel"]["total"] = 103
    StatisticsRollup.objects.using(REPLICA).bulk_create([kept])

    # Then the dashboard's figures come from the replica, and the primary is untouched
    again = queries.statistics_for(coordinator.membership, NOVEMBER, now=NOW)
    assert again.tables["cases_by_channel"].total == 103
    primary = StatisticsRollup.objects.using("default").get(pk=kept.pk)
    assert primary.figures["tables"]["cases_by_channel"]["total"] == 3


@both
def test_an_anonymised_export_reads_its_rows_from_the_replica(
    replica: str,
    bahagia: Organisation,
    ikhlas: Organisation,
    coordinator: Persona,
    dp3a: Organisation,
) -> None:
    # Given the month's cases on the primary, which the replica has not received yet
    build(bahagia, ikhlas, coordinator.user)
    manager = make_persona(dp3a, Role.AGENCY_MANAGER)

    # When DP3A exports the month, from the primary and then from the replica
    with transaction.atomic():
        primary, _name = cases_export(actor=manager.membership, kind="gbvims", period=NOVEMBER)
    lagging, _name = cases_export(actor=manager.membership, kind="gbvims", period=NOVEMBER)

    # Then the primary's file holds four victims and the replica's none yet
    assert len(rows_of(primary)) == 5
    assert len(rows_of(lagging)) == 1  # the header only


def rows_of(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))
