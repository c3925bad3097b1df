"""A unit's search by name reads the unit's own range of the name index (issue 19):
``(scope, token_hash)`` of ``people.ScopedNameToken``, backwards from its end (the most
recent people first) and no further than ``NAME_ROWS_PER_INDEX`` + 1 rows, never the
unit's people or parties, nor the city's; the common words of a candidate are looked up
by (index, person) in the same unique index. Asked of the planner itself, with
statistics over some thousands of rows (ANALYZE) and sequential scans priced out, so
that the answer does not depend on the size of a test table; and the rows read are
counted at two sizes of a unit."""

import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from sipakatau.lib import blind_index
from sipakatau.people import queries
from sipakatau.people.models import Person, ScopedNameToken
from sipakatau.people.queries import (
    name_indexes_of,
    name_scores,
    newest_holders,
    scoped_name_tokens,
)
from tests.factories import Persona

# Names are made of many words: 200 of them here, two or three per person, and one in five
# is a Siti: "siti" is a common word, as it is in a real unit.
WORDS = ["siti", "aminah", "lamba", *(f"nama{n}" for n in range(197))]


@pytest.fixture
def planner(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    # A search that reads at most 10 + 1 people of an index (1,000 in use): "siti", held
    # by 150 people of each unit, is far more common than that, as in a big unit.
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 10)
    # Test data only: index rows as the services write them, without the services' cost.
    units = [bahagia_caseworker.organisation.pk, ikhlas_caseworker.organisation.pk]
    siti, *others = [blind_index.index_for("name.token", word) for word in WORDS]
    people = Person.objects.bulk_create(Person(name=f"Orang {n}") for n in range(1500))
    ScopedNameToken.objects.bulk_create(
        ScopedNameToken(scope_id=units[n % 2], token_hash=token, person=p)
        for n, p in enumerate(people)
        for token in (others[(n * 7) % len(others)], others[(n * 7 + 61) % len(others)])
        + ((siti,) if n % 5 == 0 else ())
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def _plan(rows: QuerySet[ScopedNameToken], analyze: bool = False) -> str:
    sql, params = rows.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    if analyze:
        prefix = "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


@pytest.mark.usefixtures("planner")
def test_the_units_search_by_name_reads_its_range_of_the_scoped_index_backwards(
    bahagia_caseworker: Persona,
) -> None:
    scope = bahagia_caseworker.organisation.pk
    siti = blind_index.index_for("name.token", "siti")
    plan = _plan(newest_holders(scoped_name_tokens(scope), siti))

    if connection.vendor == "postgresql":
        # An index (only) scan of the scope's range, backwards: the newest first, stopped
        # by the LIMIT, never a sort of the whole range.
        assert re.search(r"Index (Only )?Scan Backward using one_scoped_name_token", plan), plan
        assert f"scope_id = {scope}" in plan, plan
        assert "Limit" in plan, plan
        assert "Sort" not in plan and "Seq Scan" not in plan, plan
    else:
        # SQLite names the unique constraint's index itself (sqlite_autoindex_...).
        assert "SEARCH people_scopednametoken USING COVERING INDEX " in plan, plan
        assert "(scope_id=? AND token_hash=?)" in plan, plan
        # In the index's order, so it stops at the LIMIT: no sort of the range.
        assert "TEMP B-TREE" not in plan, plan
    # Nothing but the index: no person, no party, no case is read to rank the names.
    for table in ("people_person", "cases_caseparty", "cases_case"):
        assert table not in plan, plan


@pytest.mark.usefixtures("planner")
def test_the_common_words_of_a_candidate_are_looked_up_by_person(
    bahagia_caseworker: Persona,
) -> None:
    scope = bahagia_caseworker.organisation.pk
    candidates = list(Person.objects.values_list("pk", flat=True)[:40])
    plan = _plan(name_indexes_of(scoped_name_tokens(scope), candidates))

    # Each candidate's few rows, through (person, scope): never a word's range.
    if connection.vendor == "postgresql":
        assert "people_scoped_token_person" in plan, plan
        assert re.search(r"Index Cond: \(\(person_id = ANY .*scope_id = ", plan), plan
        assert "Seq Scan" not in plan, plan
    else:
        assert "USING INDEX people_scoped_token_person (person_id=? AND scope_id=?)" in plan, plan
    for table in ("people_person", "cases_caseparty", "cases_case"):
        assert table not in plan, plan


def test_a_search_reads_as_many_rows_of_a_common_word_in_a_big_unit_as_in_a_small_one(
    bahagia_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a search that reads at most 10 + 1 people of each index (1,000 in use)
    monkeypatch.setattr(queries, "NAME_ROWS_PER_INDEX", 10)
    scope = bahagia_caseworker.organisation.pk
    tokens = scoped_name_tokens(scope)
    siti = blind_index.index_for("name.token", "siti")
    read: dict[int, list[str]] = {}
    rows_scanned: dict[int, str] = {}
    for size, more in ((20, 20), (200, 180)):
        # and a unit grown to `size` people named Siti (test data: index rows only)
        people = Person.objects.bulk_create(Person(name="Siti") for _ in range(more))
        ScopedNameToken.objects.bulk_create(
            ScopedNameToken(scope_id=scope, token_hash=index, person=person)
            for person in people
            for index in blind_index.name_indexes("Siti")
        )

        # When "Siti Aminah" is searched
        with CaptureQueriesContext(connection) as queries_run:
            scores = name_scores("Siti Aminah", tokens)
        read[size] = [query["sql"] for query in queries_run.captured_queries]
        if connection.vendor == "postgresql":
            rows_scanned[size] = _plan(newest_holders(tokens, siti), analyze=True)

        # Then "Siti" was cut short, and the search says so
        assert scores.capped

    # and the search ran the same one query, each index of the name read up to a LIMIT
    # of 11 rows
    indexes = len(blind_index.name_indexes_for_lookup("Siti Aminah"))
    for size, sqls in read.items():
        assert len(sqls) == 1, (size, sqls)
        assert len(re.findall(r"LIMIT 11\b", sqls[0])) == indexes, (size, sqls)
    assert read[20] == read[200]
    if connection.vendor == "postgresql":
        # of which the database read 11 from the index, however many there are
        for size, plan in rows_scanned.items():
            assert re.search(r"Index Only Scan Backward .*actual .*rows=11 ", plan), (size, plan)
