"""The first page of a unit's case list is read through the index on the list's order
(issue 19): the database walks ``(organisation, reported_at, id)`` from the newest case
and stops after a page, instead of reading and sorting every case of the unit. Asked of
the planner itself, with statistics over a few thousand cases (ANALYZE) and sequential
scans priced out, so that the answer does not depend on the size of a test table."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from sipakatau.accounts.models import Membership
from sipakatau.cases import queries
from sipakatau.cases.codes import Channel, PartyRole
from sipakatau.cases.models import Case, CaseParty, FollowUp, Status
from sipakatau.people.models import Person
from tests.factories import Persona

PAGE = 26  # a page and the row that says there is another


def _many(persona: Persona, count: int, prefix: str = "PLAN") -> None:
    now = timezone.now()
    unit = persona.membership.organisation
    Case.objects.bulk_create(
        Case(
            organisation=unit,
            register_number=f"{prefix}-{unit.pk}/{n:05d}",
            channel=Channel.WALK_IN,
            status=(Status.NEW, Status.ASSESSED, Status.ACTIVE, Status.CLOSED)[n % 4],
            reported_at=now - timedelta(minutes=n),
            created_by_id=persona.membership.user_id,
            intake_completed_at=now,
        )
        for n in range(count)
    )


@pytest.fixture
def planner(
    coordinator: Persona, bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> Iterator[None]:
    _many(coordinator, 3000)
    _many(ikhlas_caseworker, 1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def _plan(cases: QuerySet[Case]) -> str:
    sql, params = cases[:PAGE].query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


# On SQLite every index ends in the rowid (the id), so the older ``(organisation,
# reported_at)`` index (migration 0004) is the same order as the list's and the planner
# may take either; PostgreSQL's ends in neither and must take the list's own.
SAME_ORDER_ON_SQLITE = {"case_unit_reported_id_idx": "cases_case_organis_d466a9_idx"}


def _assert_walks(plan: str, index: str) -> None:
    if connection.vendor == "postgresql":
        assert f"Index Scan Backward using {index} on cases_case" in plan, plan
        assert "Sort" not in plan, plan
    else:
        indexes = {index, SAME_ORDER_ON_SQLITE.get(index, index)}
        assert any(f"USING INDEX {name} " in plan for name in indexes), plan
        assert "TEMP B-TREE" not in plan, plan


def _listed(membership: Membership, **filters: object) -> QuerySet[Case]:
    return queries.cases_listed(membership, queries.CaseFilter(**filters))  # type: ignore[arg-type]


@pytest.mark.usefixtures("planner")
def test_the_units_first_page_walks_the_list_index(coordinator: Persona) -> None:
    _assert_walks(_plan(_listed(coordinator.membership)), "case_unit_reported_id_idx")


@pytest.mark.usefixtures("planner")
def test_a_caseworkers_first_page_walks_the_list_index(bahagia_caseworker: Persona) -> None:
    _assert_walks(_plan(_listed(bahagia_caseworker.membership)), "case_unit_reported_id_idx")


@pytest.mark.usefixtures("planner")
def test_the_first_page_of_one_status_walks_the_status_index(coordinator: Persona) -> None:
    plan = _plan(_listed(coordinator.membership, status=Status.ASSESSED))
    _assert_walks(plan, "case_unit_status_reported_idx")


@pytest.mark.usefixtures("planner")
def test_my_follow_ups_to_do_are_read_through_their_index(
    coordinator: Persona, bahagia_volunteer: Persona
) -> None:
    case = Case.objects.filter(organisation=coordinator.membership.organisation).first()
    assert case is not None
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(
            case=case,
            assigned_to=bahagia_volunteer.user,
            created_by=bahagia_volunteer.user,
            due_on=today + timedelta(days=n % 90),
            done_at=timezone.now() if n % 5 else None,
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    follow_ups = queries.follow_ups_listed(bahagia_volunteer.membership, done=False)
    sql, params = follow_ups[:PAGE].query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        plan = "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
    assert "follow_up_to_do_idx" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def _volunteers_cases(coordinator: Persona, volunteer: Persona) -> None:
    """Her own intakes and the follow-ups she was given, a few among the unit's 3,000
    cases, each of which has a victim and a follow-up of the coordinator's."""
    _many(volunteer, 5, prefix="KADER")
    unit = Case.objects.filter(organisation=coordinator.membership.organisation).order_by("pk")
    cases = list(unit)
    people = Person.objects.bulk_create(Person(name=f"Orang {n}") for n in range(len(cases)))
    CaseParty.objects.bulk_create(
        CaseParty(case=case, person=person, role=PartyRole.VICTIM)
        for case, person in zip(cases, people, strict=True)
    )
    others = [case for case in cases if case.created_by_id != volunteer.membership.user_id]
    assigned = [(case, coordinator.user) for case in cases]
    assigned += [(case, volunteer.user) for case in others[::300]]
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(case=case, assigned_to=user, created_by=coordinator.user, due_on=today)
        for case, user in assigned
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _assert_starts_from_her_side(plan: str) -> None:
    """Her cases are looked up by author and by her follow-ups, then by id: the unit's
    range of cases is never walked, nor the table scanned."""
    if connection.vendor == "postgresql":
        assert "Index Cond: (created_by_id = " in plan, plan
        assert "Index Cond: (assigned_to_id = " in plan, plan
        assert "Seq Scan" not in plan, plan
        assert "Index Cond: (organisation_id = " not in plan, plan
    else:
        assert re.search(r"SEARCH \w+ USING INDEX \w+ \(created_by_id=\?\)", plan), plan
        assert re.search(r"SEARCH \w+ USING (COVERING )?INDEX \w+ \(assigned_to_id=\?", plan), plan
        assert not re.search(r"\bSCAN \w+", plan), plan
        assert "(organisation_id=?" not in plan, plan


@pytest.mark.usefixtures("planner")
def test_a_volunteers_first_page_starts_from_her_intakes_and_follow_ups(
    coordinator: Persona, bahagia_volunteer: Persona
) -> None:
    # Given a unit of 3,000 cases, 5 of them her intakes and 10 with a follow-up of hers
    # (and each with the coordinator's)
    _volunteers_cases(coordinator, bahagia_volunteer)

    # When the first page of her list is planned
    plan = _plan(_listed(bahagia_volunteer.membership))

    # Then her cases are found from her side and only they are sorted
    _assert_starts_from_her_side(plan)


@pytest.mark.usefixtures("planner")
def test_a_volunteers_search_reads_the_people_of_her_cases_only(
    coordinator: Persona, bahagia_volunteer: Persona
) -> None:
    # Given a unit of 3,000 cases, 5 of them her intakes and 10 with a follow-up of hers
    # (and each with the coordinator's)
    _volunteers_cases(coordinator, bahagia_volunteer)

    # When the people her search may find are planned (``queries.lists._people_seen_by``)
    visible = queries.cases_visible_to(bahagia_volunteer.membership)
    people = CaseParty.objects.filter(case__in=visible).values_list("person_id", flat=True)
    sql, params = people.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        plan = "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())

    # Then her cases are found from her side, and their parties through the case's index
    _assert_starts_from_her_side(plan)
    if connection.vendor == "postgresql":
        assert "Index Cond: (case_id = " in plan, plan
    else:
        assert re.search(
            r"SEARCH cases_caseparty USING (COVERING )?INDEX \w+ \(case_id=\?", plan
        ), plan
