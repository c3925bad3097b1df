"""The social API: the same path as the pages, refusals as structured 422s, and the
outsider (another kelurahan's staff) answered 404 on every object endpoint."""

import json
from typing import Any

import pytest
from django.utils import timezone

from sipakatau.social import services
from sipakatau.social.models import ProposalItem
from tests.factories import Persona

from .conftest import household, kk, person, programme
from .test_batches import new_batch

API = "/api/v1/social"


def call(persona: Persona, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    send = getattr(persona.client, method.lower())
    if body is None:
        return send(API + path)
    return send(API + path, json.dumps(body), content_type="application/json")


def test_a_refusal_is_a_structured_422_and_changes_nothing(
    bahagia_coordinator: Persona, ws
) -> None:
    response = call(
        bahagia_coordinator, "POST", "/households", {"kk_number": "12", "rw": "x", "rt": "1"}
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["detail"]}
    assert fields == {"kk_number", "rw"}
    assert call(bahagia_coordinator, "GET", "/households").json()["count"] == 0


def test_the_whole_path_through_the_api(
    bahagia_coordinator: Persona, lurah: Persona, dinsos_officer: Persona, ws
) -> None:
    today = timezone.localdate().isoformat()
    created = call(
        bahagia_coordinator, "POST", "/households", {"kk_number": kk(), "rw": "2", "rt": "1"}
    )
    assert created.status_code == 201
    home = created.json()["id"]
    added = call(
        bahagia_coordinator,
        "POST",
        f"/households/{home}/members",
        {"relationship": "KEPALA", "name": "Hasnah", "sex": "P", "age_estimate": 40},
    )
    assert added.status_code == 201
    assert [m["name"] for m in added.json()["members"]] == ["Hasnah"]
    listed = call(bahagia_coordinator, "GET", "/households?rw=2&rt=1").json()
    assert listed["items"][0]["head_name"] == "Hasnah"
    assert call(bahagia_coordinator, "GET", "/households?rw=9").json()["count"] == 0
    batch = call(
        bahagia_coordinator,
        "POST",
        "/batches",
        {"month": today, "dinsos_id": dinsos_officer.organisation.pk},
    ).json()["id"]
    item = call(
        bahagia_coordinator,
        "POST",
        f"/batches/{batch}/items",
        {"household_id": home, "programme_code": "PKH"},
    ).json()["id"]
    for step in ("MUSYAWARAH",):
        assert (
            call(
                bahagia_coordinator, "POST", f"/batches/{batch}/advance", {"to_state": step}
            ).status_code
            == 200
        )
    assert call(
        bahagia_coordinator,
        "PUT",
        f"/batches/{batch}/musyawarah",
        {
            "held_on": today,
            "place": "Aula",
            "attendance": ["Lurah", "Ketua RW"],
            "decisions": "Setuju",
        },
    ).json()["musyawarah"]["attendance"] == ["Lurah", "Ketua RW"]
    call(bahagia_coordinator, "POST", f"/batches/{batch}/advance", {"to_state": "VERVAL"})
    call(
        bahagia_coordinator,
        "POST",
        f"/items/{item}/verification",
        {"result": "LAYAK", "verified_on": today},
    )
    call(bahagia_coordinator, "POST", f"/batches/{batch}/advance", {"to_state": "INPUT_SIKS"})
    assert call(dinsos_officer, "GET", f"/batches/{batch}").status_code == 404
    assert call(lurah, "POST", f"/batches/{batch}/sign").status_code == 200
    assert call(dinsos_officer, "GET", f"/households/{home}").status_code == 200  # now proposed
    call(dinsos_officer, "POST", f"/batches/{batch}/advance", {"to_state": "DISAHKAN_DINSOS"})
    assert (
        call(dinsos_officer, "POST", f"/items/{item}/outcome", {"outcome": "DITETAPKAN"}).json()[
            "outcome"
        ]
        == "DITETAPKAN"
    )
    done = call(dinsos_officer, "POST", f"/batches/{batch}/advance", {"to_state": "DITETAPKAN"})
    assert done.json()["state"] == "DITETAPKAN"
    xlsx = call(dinsos_officer, "GET", f"/batches/{batch}/bnba.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    detail = call(bahagia_coordinator, "GET", f"/households/{home}").json()
    assert detail["enrolments"][0]["status"] == "ENROLLED"
    assert detail["proposals"][0]["outcome"] == "DITETAPKAN"


def test_a_dinsos_officer_edits_a_rule_after_a_test_run(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    household(bahagia_coordinator.membership, ws, head="Ibu Tua", age_estimate=70)
    run = call(dinsos_officer, "POST", "/rules/test-run", {"expression": "has_elderly"}).json()
    # Dinsos sees no household through a proposal yet: it is counted, not shown
    assert (run["flagged_total"], run["flagged_elsewhere"], run["flagged"]) == (1, 1, [])
    bad = call(dinsos_officer, "POST", "/rules/test-run", {"expression": "umur > 60"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "expression"
    rule = call(
        dinsos_officer,
        "POST",
        "/rules",
        {"programme_code": "PKH", "expression": "has_elderly", "description": "Lansia"},
    ).json()
    edited = call(
        dinsos_officer,
        "PUT",
        f"/rules/{rule['id']}",
        {
            "programme_code": "PKH",
            "expression": "has_elderly and not in_pkh",
            "description": "Lansia tanpa PKH",
        },
    ).json()
    assert edited["expression"] == "has_elderly and not in_pkh"
    assert call(bahagia_coordinator, "POST", "/screening/run").json() == {"added": 1}
    entries = call(bahagia_coordinator, "GET", "/worklist").json()["items"]
    assert [e["why"] for e in entries] == ["Lansia tanpa PKH"]
    assert call(bahagia_coordinator, "GET", "/rules").json()[0]["may_edit"] is False


@pytest.fixture
def bahagia_world(bahagia_coordinator: Persona, dinsos_officer: Persona, ws) -> dict[str, int]:
    """One of everything in Watang Soreang (Bahagia's kelurahan)."""
    actor = bahagia_coordinator.membership
    home = household(actor, ws)
    member = home.members.get()
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    item = services.batch_add_item(
        actor=actor, batch=batch, household=home, programme=programme("PKH")
    )
    rule = services.rule_save(
        actor=dinsos_officer.membership,
        programme=programme("PKH"),
        expression="members >= 1",
        description="Uji",
    )
    services.screening_run(actor=actor, kelurahan=ws)
    entry = home.worklist.get()
    return {
        "household": home.pk,
        "member": member.pk,
        "person": member.person_id,
        "batch": batch.pk,
        "item": item.pk,
        "rule": rule.pk,
        "entry": entry.pk,
    }


OBJECT_ENDPOINTS = [
    ("GET", "/households/{household}", None),
    ("POST", "/households/{household}/members", {"relationship": "ANAK", "name": "Anak"}),
    (
        "POST",
        "/households/{household}/dtsen",
        {"status": "UNKNOWN", "source": "KATA_WARGA", "known_on": "2026-11-01"},
    ),
    (
        "POST",
        "/households/{household}/documents",
        {"person_id": "{person}", "kind": "KK", "status": "HAS"},
    ),
    (
        "POST",
        "/households/{household}/document-help",
        {
            "person_id": "{person}",
            "kind": "KK",
            "help_given": "x",
            "helped_on": "2026-11-01",
            "outcome": "DONE",
        },
    ),
    (
        "POST",
        "/households/{household}/enrolments",
        {
            "programme_code": "PKH",
            "status": "ENROLLED",
            "source": "KATA_WARGA",
            "known_on": "2026-11-01",
        },
    ),
    ("POST", "/members/{member}/end", {}),
    ("POST", "/members/{member}/move", {"to_household_id": "{household}", "relationship": "ANAK"}),
    ("POST", "/worklist/{entry}/dismiss", None),
    ("GET", "/batches/{batch}", None),
    ("POST", "/batches/{batch}/items", {"household_id": "{household}", "programme_code": "BPNT"}),
    (
        "PUT",
        "/batches/{batch}/musyawarah",
        {"held_on": "2026-11-01", "place": "x", "attendance": ["x"], "decisions": "x"},
    ),
    ("POST", "/batches/{batch}/advance", {"to_state": "MUSYAWARAH"}),
    ("POST", "/batches/{batch}/sign", None),
    ("GET", "/batches/{batch}/bnba.xlsx", None),
    ("GET", "/batches/{batch}/bnba.pdf", None),
    ("GET", "/batches/{batch}/minutes.pdf", None),
    ("POST", "/items/{item}/verification", {"result": "LAYAK", "verified_on": "2026-11-01"}),
    ("POST", "/items/{item}/outcome", {"outcome": "DITETAPKAN"}),
]


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_the_other_kelurahan_gets_404_on_every_object_endpoint(
    bahagia_world: dict[str, int],
    ikhlas_coordinator: Persona,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    fill = json.dumps(body) if body is not None else None
    for name, pk in bahagia_world.items():
        path = path.replace("{" + name + "}", str(pk))
        if fill is not None:
            fill = fill.replace('"{' + name + '}"', str(pk))
    response = call(ikhlas_coordinator, method, path, json.loads(fill) if fill else None)
    assert response.status_code == 404, response.content[:200]
    assert not ProposalItem.objects.exclude(pk=bahagia_world["item"]).exists()


def test_the_other_kelurahan_lists_none_of_it(
    bahagia_world: dict[str, int], ikhlas_coordinator: Persona
) -> None:
    for path in ("/households", "/worklist", "/batches"):
        assert call(ikhlas_coordinator, "GET", path).json()["count"] == 0
    assert call(ikhlas_coordinator, "POST", "/households/search", {"kk_number": "x"}).json() == []


def test_a_person_is_linked_by_nik_not_created_twice(
    bahagia_caseworker: Persona, bahagia_coordinator: Persona, ws
) -> None:
    nik = "7372034501900001"
    existing = person(bahagia_caseworker.membership, "Siti Korban", nik=nik)
    home = household(bahagia_coordinator.membership, ws, head=None)
    added = call(
        bahagia_coordinator,
        "POST",
        f"/households/{home.pk}/members",
        {"relationship": "KEPALA", "nik": nik},
    )
    assert added.status_code == 201
    assert added.json()["members"][0]["person_id"] == existing.pk
