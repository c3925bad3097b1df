"""Every list page and list endpoint reads the same number of queries for one row or
many; and every page of another kelurahan's objects answers 404."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.social import services
from tests.factories import Persona

from .conftest import household, person, programme
from .test_batches import new_batch


def _count(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = read()
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def test_list_pages_and_endpoints_read_a_fixed_number_of_queries(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    services.rule_save(
        actor=dinsos_officer.membership,
        programme=programme("PKH"),
        expression="members >= 1",
        description="Satu anggota atau lebih",
    )

    def grow() -> None:
        home = household(actor, ws)
        child = person(actor, "Anak", age_estimate=6)
        services.household_member_add(
            actor=actor, household=home, person=child, relationship="ANAK"
        )
        services.dtsen_record(
            actor=actor,
            household=home,
            status="LISTED",
            desil=2,
            source="CEK_BANSOS",
            known_on=timezone.localdate(),
        )
        services.document_record(actor=actor, person=child, kind="AKTA_KELAHIRAN", status="MISSING")
        services.batch_add_item(
            actor=actor, batch=batch, household=home, programme=programme("PKH")
        )
        services.batch_add_item(
            actor=actor, batch=batch, household=home, programme=programme("PBI_JK"), person=child
        )
        services.screening_run(actor=actor, kelurahan=ws)

    client = bahagia_coordinator.client
    officer = dinsos_officer.client
    reads: dict[str, Callable[[], Any]] = {
        "household page": lambda: client.get(reverse("social:household_list")),
        "worklist page": lambda: client.get(reverse("social:worklist")),
        "rules page": lambda: client.get(reverse("social:rule_list")),
        "batches page": lambda: client.get(reverse("social:batch_list")),
        "batch page": lambda: client.get(reverse("social:batch_detail", args=[batch.pk])),
        "households api": lambda: client.get("/api/v1/social/households"),
        "worklist api": lambda: client.get("/api/v1/social/worklist"),
        "batches api": lambda: client.get("/api/v1/social/batches"),
        "batch api": lambda: client.get(f"/api/v1/social/batches/{batch.pk}"),
        "rules api": lambda: officer.get("/api/v1/social/rules"),
        "programmes api": lambda: client.get("/api/v1/social/programmes"),
    }
    grow()
    one = {name: _count(read) for name, read in reads.items()}
    for _ in range(4):
        grow()
    many = {name: _count(read) for name, read in reads.items()}
    assert many == one
    assert batch.items.count() == 10


def test_the_household_page_reads_a_fixed_number_of_queries(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    home = household(actor, ws)
    new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)

    def grow() -> None:
        child = person(actor, "Anak", age_estimate=6)
        services.household_member_add(
            actor=actor, household=home, person=child, relationship="ANAK"
        )
        services.document_record(actor=actor, person=child, kind="AKTA_KELAHIRAN", status="MISSING")
        services.document_help_record(
            actor=actor,
            person=child,
            kind="AKTA_KELAHIRAN",
            help_given="Diantar",
            helped_on=timezone.localdate(),
            outcome="PENDING",
        )
        services.enrolment_record(
            actor=actor,
            programme=programme("PBI_JK"),
            person=child,
            status="ENROLLED",
            source="KATA_WARGA",
            known_on=timezone.localdate(),
        )

    def page() -> Any:
        return bahagia_coordinator.client.get(reverse("social:household_detail", args=[home.pk]))

    def api() -> Any:
        return bahagia_coordinator.client.get(f"/api/v1/social/households/{home.pk}")

    grow()
    one = (_count(page), _count(api))
    for _ in range(4):
        grow()
    assert (_count(page), _count(api)) == one


PAGES = [
    ("household_detail", "household", "GET"),
    ("member_add", "household", "POST"),
    ("dtsen_add", "household", "POST"),
    ("document_set", "household", "POST"),
    ("document_help_add", "household", "POST"),
    ("enrolment_set", "household", "POST"),
    ("propose", "household", "POST"),
    ("member_end", "member", "POST"),
    ("member_move", "member", "POST"),
    ("worklist_dismiss", "entry", "POST"),
    ("batch_detail", "batch", "GET"),
    ("batch_musyawarah", "batch", "POST"),
    ("batch_advance", "batch", "POST"),
    ("batch_sign", "batch", "POST"),
    ("batch_bnba_xlsx", "batch", "GET"),
    ("batch_bnba_pdf", "batch", "GET"),
    ("batch_minutes_pdf", "batch", "GET"),
    ("item_verify", "item", "POST"),
    ("item_outcome", "item", "POST"),
]


@pytest.mark.parametrize(("name", "kind", "method"), PAGES)
def test_the_other_kelurahan_gets_404_on_every_page(
    bahagia_coordinator: Persona,
    ikhlas_coordinator: Persona,
    dinsos_officer: Persona,
    ws,
    name: str,
    kind: str,
    method: str,
) -> None:
    actor = bahagia_coordinator.membership
    home = household(actor, ws)
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    item = services.batch_add_item(
        actor=actor, batch=batch, household=home, programme=programme("PKH")
    )
    services.rule_save(
        actor=dinsos_officer.membership,
        programme=programme("PKH"),
        expression="members >= 1",
        description="x",
    )
    services.screening_run(actor=actor, kelurahan=ws)
    pk = {
        "household": home.pk,
        "member": home.members.get().pk,
        "entry": home.worklist.get().pk,
        "batch": batch.pk,
        "item": item.pk,
    }[kind]
    url = reverse(f"social:{name}", args=[pk])
    client = ikhlas_coordinator.client
    response = client.post(url) if method == "POST" else client.get(url)
    assert response.status_code == 404
