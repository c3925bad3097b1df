"""Every list fetcher reads a fixed number of queries, one row or many."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sipakatau.social import services
from sipakatau.social.exports import bnba_rows
from sipakatau.social.queries import (
    batches_visible_to,
    households_listed,
    items_of,
    rules_visible_to,
    social_outcomes_for_case,
    worklist_visible_to,
)
from sipakatau.social.rules import household_facts
from tests.factories import Persona

from .conftest import household, person, programme
from .test_batches import new_batch


def _count(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


def _touch_households(rows: Any) -> None:
    for row in rows:
        _ = [m.person.name for m in row.current_members], row.dtsen_known, row.kelurahan.name


def test_lists_read_the_same_number_of_queries_for_one_row_or_many(
    bahagia_coordinator: Persona, lurah: Persona, dinsos_officer: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    officer = dinsos_officer.membership
    services.rule_save(
        actor=officer, programme=programme("PKH"), expression="not in_pkh", description="Tanpa PKH"
    )
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)

    def grow() -> None:
        home = household(actor, ws)
        services.household_member_add(
            actor=actor,
            household=home,
            person=person(actor, "Anak", age_estimate=5),
            relationship="ANAK",
        )
        services.dtsen_record(
            actor=actor,
            household=home,
            status="LISTED",
            desil=2,
            source="KATA_WARGA",
            known_on=timezone.localdate(),
        )
        services.batch_add_item(
            actor=actor, batch=batch, household=home, programme=programme("PKH")
        )
        services.batch_add_item(
            actor=actor,
            batch=batch,
            household=home,
            programme=programme("PBI_JK"),
            person=home.members.first().person,
        )
        services.screening_run(actor=lurah.membership, kelurahan=ws)

    reads: dict[str, Callable[[], Any]] = {
        "households": lambda: _touch_households(households_listed(lurah.membership)),
        "worklist": lambda: [
            (e.household.kelurahan.name, e.programme, e.why)
            for e in worklist_visible_to(lurah.membership)
        ],
        "batches": lambda: [(b.kelurahan.name, b.dinsos.name) for b in batches_visible_to(actor)],
        "rules": lambda: [
            (r.programme.code, r.area.code, r.edited_by.username) for r in rules_visible_to(officer)
        ],
        "items": lambda: [
            (i.household.kelurahan.parent.parent.name, i.programme.code, i.person)
            for i in items_of(batch)
        ],
        "bnba": lambda: bnba_rows(batch),
        "facts": lambda: household_facts(
            list(households_listed(lurah.membership).values_list("pk", flat=True))
        ),
    }
    grow()
    one = {name: _count(read) for name, read in reads.items()}
    for _ in range(4):
        grow()
    many = {name: _count(read) for name, read in reads.items()}
    assert many == one
    assert len(list(items_of(batch))) == 10


def test_the_case_outcomes_read_one_query(
    bahagia_caseworker: Persona, bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim

    case, victim = case_with_victim(bahagia_caseworker.membership)
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    for code in ("PKH", "BPNT", "RTLH"):
        services.batch_add_item(
            actor=bahagia_coordinator.membership,
            batch=batch,
            household=home,
            programme=programme(code),
        )
    assert _count(lambda: social_outcomes_for_case(case)) == 1
