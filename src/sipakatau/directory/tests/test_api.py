"""The directory through the API, with a bearer token: search, read, create, change,
import; an entry outside the manager's scope answers 404."""

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sipakatau.accounts.models import Organisation
from sipakatau.accounts.tokens import api_token_issue
from sipakatau.directory.models import Provider
from tests.factories import WATANG_SOREANG, Persona

from .conftest import CITY, add_provider, area
from .test_import import GOOD

API = "/api/v1/directory"


def bearer(persona: Persona) -> Client:
    issued = api_token_issue(membership=persona.membership)
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issued.token}")


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_search_by_service_and_kelurahan(bahagia_caseworker: Persona, city_admin: Persona) -> None:
    add_provider(
        city_admin.membership,
        "RSUD Andi Makkasau",
        "73.72.04.1006",
        services={"KESEHATAN": "visum"},
        areas_served=[area(CITY)],
    )
    add_provider(city_admin.membership, "Dinas Sosial", CITY, services={"BANSOS": ""})

    response = bearer(bahagia_caseworker).get(
        f"{API}/providers", {"service": "KESEHATAN", "area": WATANG_SOREANG}
    )

    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "RSUD Andi Makkasau"
    assert item["areas_served"] == [CITY]
    assert item["services"] == [{"service_type": "KESEHATAN", "description": "visum"}]


def test_an_unknown_area_or_service_is_refused(bahagia_caseworker: Persona) -> None:
    client = bearer(bahagia_caseworker)

    assert client.get(f"{API}/providers", {"area": "99.99"}).status_code == 422
    assert client.get(f"{API}/providers", {"service": "PIJAT"}).status_code == 422


def test_an_admin_creates_and_changes_a_provider(bahagia_admin: Persona) -> None:
    client = bearer(bahagia_admin)

    created = post(
        client,
        f"{API}/providers",
        {
            "name": "Posyandu Mawar",
            "area_code": WATANG_SOREANG,
            "phone": "0812 3456 7890",
            "services": [{"service_type": "KESEHATAN", "description": "Imunisasi"}],
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    changed = post(client, f"{API}/providers/{pk}", {"hours": "Sabtu 08.00", "is_public": True})
    assert changed.status_code == 200
    assert changed.json()["hours"] == "Sabtu 08.00"
    assert changed.json()["phone"] == "+6281234567890"  # unsent fields are kept
    # A null is "not changed" too (a null area code was a server error).
    nulls = post(client, f"{API}/providers/{pk}", {"area_code": None, "name": None})
    assert nulls.status_code == 200, nulls.content
    assert nulls.json()["name"] == "Posyandu Mawar"

    services = post(client, f"{API}/providers/{pk}/services", {"services": []})
    assert services.json()["services"] == []
    assert post(client, f"{API}/providers/{pk}/deactivate").json()["is_active"] is False
    assert client.get(f"{API}/providers/managed").json()["count"] == 1


def test_a_refused_value_answers_422_per_field(bahagia_admin: Persona) -> None:
    response = post(
        bearer(bahagia_admin),
        f"{API}/providers",
        {"name": "Posyandu Mawar", "area_code": WATANG_SOREANG, "email": "bukan"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "email"


def test_an_outsider_gets_404_and_changes_nothing(
    bahagia_admin: Persona, ikhlas_admin: Persona, dinsos_manager: Persona
) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    for outsider in (ikhlas_admin, dinsos_manager):
        client = bearer(outsider)
        for path in ("", "/services", "/deactivate"):
            response = post(
                client, f"{API}/providers/{provider.pk}{path}", {"name": "X", "services": []}
            )
            assert response.status_code == 404, path
    provider.refresh_from_db()
    assert provider.name == "Posyandu Mawar" and provider.is_active


def test_an_agency_manager_creates_its_organisations_entry(
    dinsos_manager: Persona, dinsos: Organisation
) -> None:
    response = post(
        bearer(dinsos_manager), f"{API}/providers", {"name": "Dinas Sosial", "area_code": CITY}
    )

    assert response.json()["organisation_id"] == dinsos.pk


def test_a_manager_may_not_link_an_organisation_outside_its_area(
    bahagia_admin: Persona, dinsos: Organisation
) -> None:
    response = post(
        bearer(bahagia_admin),
        f"{API}/providers",
        {"name": "Dinsos", "area_code": WATANG_SOREANG, "organisation_id": dinsos.pk},
    )

    assert response.status_code == 422
    assert not Provider.objects.exists()


def test_an_admin_imports_a_file(city_admin: Persona) -> None:
    client = bearer(city_admin)
    upload = SimpleUploadedFile("layanan.csv", GOOD.encode())

    response = client.post(f"{API}/import", {"file": upload})

    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}


def test_a_bad_import_answers_422_with_the_lines(city_admin: Persona) -> None:
    client = bearer(city_admin)
    bad = GOOD + ",,73.72,,,,,,,,,\n"

    response = client.post(f"{API}/import", {"file": SimpleUploadedFile("a.csv", bad.encode())})

    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith(("Line 4:", "Baris 4:"))
    assert not Provider.objects.exists()
    not_a_table = client.post(f"{API}/import", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert not_a_table.status_code == 422


def test_only_an_admin_imports(dinsos_manager: Persona) -> None:
    response = bearer(dinsos_manager).post(
        f"{API}/import", {"file": SimpleUploadedFile("a.csv", GOOD.encode())}
    )

    assert response.status_code == 403
