"""A unit's search by name reads the unit's own range of the name index (issue 19):
``(scope, token_hash)`` of ``people.ScopedNameToken``, an index range scan whose cost
follows the matches, never the unit's people or parties, nor the city's. Asked of the
planner itself, with statistics over some thousands of rows (ANALYZE) and sequential
scans priced out, so that the answer does not depend on the size of a test table."""

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import QuerySet

from sipakatau.lib import blind_index
from sipakatau.people.models import Person, ScopedNameToken
from sipakatau.people.queries import name_scores, scoped_name_tokens
from tests.factories import Persona

# Names are made of many words: 200 of them here, three per person.
WORDS = ["siti", "aminah", "lamba", *(f"nama{n}" for n in range(197))]


@pytest.fixture
def planner(bahagia_caseworker: Persona, ikhlas_caseworker: Persona) -> Iterator[None]:
    # Test data only: index rows as the services write them, without the services' cost.
    units = [bahagia_caseworker.organisation.pk, ikhlas_caseworker.organisation.pk]
    hashes = [blind_index.index_for("name.token", word) for word in WORDS]
    people = Person.objects.bulk_create(Person(name=f"Orang {n}") for n in range(1500))
    ScopedNameToken.objects.bulk_create(
        ScopedNameToken(
            scope_id=units[n % 2], token_hash=hashes[(n * 7 + k * 61) % len(hashes)], person=p
        )
        for n, p in enumerate(people)
        for k in range(3)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def _plan(rows: QuerySet[ScopedNameToken]) -> str:
    sql, params = rows[:100].query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


@pytest.mark.usefixtures("planner")
def test_the_units_search_by_name_reads_its_range_of_the_scoped_index(
    bahagia_caseworker: Persona,
) -> None:
    scope = bahagia_caseworker.organisation.pk
    plan = _plan(name_scores("Siti Aminah Lamba", scoped_name_tokens(scope)))

    if connection.vendor == "postgresql":
        # An index (only) scan or a bitmap of one, of the scope's range of the index.
        assert re.search(r"Index (Only )?Scan (using|on) one_scoped_name_token", plan), plan
        assert f"scope_id = {scope}" in plan, plan
        assert "Seq Scan" not in plan, plan
    else:
        # SQLite names the unique constraint's index itself (sqlite_autoindex_...).
        assert "SEARCH people_scopednametoken USING COVERING INDEX " in plan, plan
        assert "(scope_id=? AND token_hash=?)" in plan, plan
    # Nothing but the index: no person, no party, no case is read to rank the names.
    for table in ("people_person", "cases_caseparty", "cases_case"):
        assert table not in plan, plan
