"""The case list through the API: filters, pages, a fixed number of queries, no names."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sipakatau.cases.models import Case
from sipakatau.people.services import person_create
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona

NIK = "7372034105950001"


def _cases(persona: Persona, count: int) -> list[Case]:
    cases = []
    for n in range(count):
        case = open_case(persona.membership, danger_now=n % 2 == 0)
        add_party(persona.membership, case, name=f"Siti Aminah {n}")
        cases.append(case)
    return cases


def _count_queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_and_30_cases(bahagia_caseworker: Persona) -> None:
    client = bearer(bahagia_caseworker)
    _cases(bahagia_caseworker, 5)
    client.get(API)  # the first request of a token records its use; count the next ones

    few = _count_queries(client, API)
    _cases(bahagia_caseworker, 25)
    many = _count_queries(client, API)

    assert many == few
    assert client.get(API).json()["count"] == 30


def test_the_list_carries_no_names_and_no_nik(bahagia_caseworker: Persona) -> None:
    worker = bahagia_caseworker.membership
    case = open_case(worker)
    person = person_create(actor=worker, name="Siti Aminah", sex="P", nik=NIK).person
    from sipakatau.cases.services import intake

    intake.party_add(actor=worker, case=case, person=person, role="VICTIM")

    response = bearer(bahagia_caseworker).get(API)

    item = response.json()["items"][0]
    assert set(item) == {
        "id",
        "register_number",
        "is_draft",
        "status",
        "risk_level",
        "reported_at",
        "next_due_at",
        "minutes_late",
        "assigned_to_id",
    }
    assert b"Siti" not in response.content and b"Aminah" not in response.content
    assert NIK.encode() not in response.content
    assert item["next_due_at"] is not None


def test_the_list_filters_like_the_page(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    high = open_case(bahagia_caseworker.membership, danger_now=True)
    other = open_case(bahagia_volunteer.membership)
    client = bearer(bahagia_caseworker)

    by_risk = client.get(API, {"risk_level": "HIGH"}).json()["items"]
    mine = client.get(API, {"mine": "true"}).json()["items"]
    by_number = post(client, f"{API}/search", {"search": other.register_number}).json()["items"]

    assert [item["id"] for item in by_risk] == [high.pk]
    assert [item["id"] for item in mine] == [high.pk]
    assert [item["id"] for item in by_number] == [other.pk]


def test_a_search_says_when_a_name_was_too_common_to_read_every_match(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a search that reads one person of each word (1,000 in use), and two Sitis
    from sipakatau.people import queries as people_queries

    monkeypatch.setattr(people_queries, "NAME_ROWS_PER_INDEX", 1)
    worker = bahagia_caseworker.membership
    aminah, rahmawati = open_case(worker), open_case(worker)
    add_party(worker, aminah, name="Siti Aminah")
    add_party(worker, rahmawati, name="Siti Rahmawati")
    client = bearer(bahagia_caseworker)

    # When "siti" is searched
    common = post(client, f"{API}/search", {"search": "siti"}).json()
    # Then the answer says that more of the name would help, on a cursor's page too
    assert common["too_many"] is True
    by_cursor = post(client, f"{API}/search?cursor=", {"search": "siti"}).json()
    assert by_cursor["too_many"] is True
    # and not when every person sharing the name was read
    rare = post(client, f"{API}/search", {"search": "rahmawati"}).json()
    assert rare["too_many"] is False
    assert [item["id"] for item in rare["items"]] == [rahmawati.pk]
    # nor when nothing was searched
    assert post(client, f"{API}/search", {}).json()["too_many"] is False
    # nor to the other unit, where no Siti is
    theirs = post(bearer(ikhlas_caseworker), f"{API}/search", {"search": "siti"}).json()
    assert theirs == {"items": [], "count": 0, "next": None, "too_many": False}


def test_a_search_by_identity_is_refused_in_the_address(bahagia_caseworker: Persona) -> None:
    """A NIK or a name in a URL lands in access logs: only a POST body carries it."""
    open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)

    response = client.get(API, {"search": "7372015506950001"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "search"


def test_a_volunteer_lists_only_her_own_intakes(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    own = open_case(bahagia_volunteer.membership)
    open_case(bahagia_caseworker.membership)

    items = bearer(bahagia_volunteer).get(API).json()["items"]

    assert [item["id"] for item in items] == [own.pk]


def test_a_bad_filter_is_refused(bahagia_caseworker: Persona) -> None:
    response = bearer(bahagia_caseworker).get(API, {"due": "yesterday"})

    assert response.status_code == 422


def test_the_schema_documents_the_searchs_too_many(db: None) -> None:
    # When a client reads the OpenAPI document
    document = Client().get("/api/v1/openapi.json").json()

    # Then the search's answer has a required, described too_many
    answer = document["paths"]["/api/v1/cases/search"]["post"]["responses"]["200"]
    name = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][name]
    assert "too_many" in schema["required"]
    assert schema["properties"]["too_many"]["type"] == "boolean"
    assert "NIK" in schema["properties"]["too_many"]["description"]
