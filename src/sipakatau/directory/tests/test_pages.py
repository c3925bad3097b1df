"""The directory pages: search, detail, manage and import, each with the outsider who
must get 404 (or the auditor who gets 403)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.directory.models import Provider
from tests.factories import WATANG_BACUKIKI, WATANG_SOREANG, Persona

from .conftest import CITY, add_provider, area
from .test_import import GOOD

pytestmark = pytest.mark.english

SEARCH = reverse("directory:search")


def test_a_caseworker_finds_a_city_wide_service_for_her_kelurahan(
    bahagia_caseworker: Persona, city_admin: Persona
) -> None:
    add_provider(
        city_admin.membership,
        "RSUD Andi Makkasau",
        "73.72.04.1006",
        services={"KESEHATAN": "visum"},
        areas_served=[area(CITY)],
    )
    add_provider(
        city_admin.membership, "Posyandu Melati", WATANG_BACUKIKI, services={"KESEHATAN": ""}
    )

    response = bahagia_caseworker.client.get(
        SEARCH, {"service": "KESEHATAN", "kelurahan": WATANG_SOREANG}
    )

    assertContains(response, "RSUD Andi Makkasau")
    assertNotContains(response, "Posyandu Melati")


def test_htmx_gets_only_the_results(bahagia_caseworker: Persona, city_admin: Persona) -> None:
    add_provider(city_admin.membership, "Dinas Sosial", CITY)

    response = bahagia_caseworker.client.get(SEARCH, {"q": "sosial"}, HTTP_HX_REQUEST="true")

    assertContains(response, "Dinas Sosial")
    assertNotContains(response, "<html")


def test_the_auditor_does_not_see_the_directory(auditor: Persona, city_admin: Persona) -> None:
    provider = add_provider(city_admin.membership, "Dinas Sosial", CITY)

    assert auditor.client.get(SEARCH).status_code == 403
    assert (
        auditor.client.get(reverse("directory:provider_detail", args=[provider.pk])).status_code
        == 403
    )
    assertNotContains(auditor.client.get(reverse("accounts:home")), "Service directory")


def test_the_menu_links_the_directory(bahagia_volunteer: Persona) -> None:
    page = bahagia_volunteer.client.get(reverse("accounts:home"))

    assertContains(page, SEARCH)


def test_the_detail_page_shows_services_and_offers_editing_to_managers_only(
    bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    provider = add_provider(
        bahagia_admin.membership,
        "Posyandu Mawar",
        WATANG_SOREANG,
        services={"KESEHATAN": "Imunisasi dan timbang"},
        phone="0812 3456 7890",
    )
    url = reverse("directory:provider_detail", args=[provider.pk])
    edit = reverse("directory:provider_edit", args=[provider.pk])

    seen = bahagia_caseworker.client.get(url)
    assertContains(seen, "Imunisasi dan timbang")
    assertContains(seen, 'href="tel:+6281234567890"')
    assertNotContains(seen, edit)
    assertContains(bahagia_admin.client.get(url), edit)


def test_an_admin_adds_a_provider_then_ticks_its_services(bahagia_admin: Persona) -> None:
    response = bahagia_admin.client.post(
        reverse("directory:provider_create"),
        {"name": "Posyandu Mawar", "area": area(WATANG_SOREANG).pk, "hours": "Sabtu 08.00"},
    )

    provider = Provider.objects.get(name="Posyandu Mawar")
    services_url = reverse("directory:provider_services", args=[provider.pk])
    assert response["Location"] == services_url

    bahagia_admin.client.post(
        services_url,
        {"give_KESEHATAN": "on", "details_KESEHATAN": "Imunisasi", "details_BANSOS": "ignored"},
    )

    assert list(provider.services.values_list("service_type", "description")) == [
        ("KESEHATAN", "Imunisasi")
    ]


def test_a_refused_value_is_shown_on_the_form(bahagia_admin: Persona) -> None:
    response = bahagia_admin.client.post(
        reverse("directory:provider_create"),
        {"name": "Posyandu Mawar", "area": area(WATANG_SOREANG).pk, "whatsapp": "0421 21000"},
    )

    assertContains(response, 'class="errorlist')
    assert not Provider.objects.exists()


def test_an_agency_manager_makes_its_own_entry_once(
    dinsos_manager: Persona, dinsos: Organisation
) -> None:
    create = reverse("directory:provider_create")
    dinsos_manager.client.post(create, {"name": "Dinas Sosial", "area": area(CITY).pk})

    entry = Provider.objects.get()
    assert entry.organisation == dinsos
    response = dinsos_manager.client.get(create)
    assert response["Location"] == reverse("directory:provider_edit", args=[entry.pk])


def test_an_outsider_gets_404_on_every_manage_page_and_changes_nothing(
    ikhlas_admin: Persona, dinsos_manager: Persona, bahagia_admin: Persona
) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    for outsider in (ikhlas_admin, dinsos_manager):
        for name in ("provider_edit", "provider_services", "provider_set_active"):
            url = reverse(f"directory:{name}", args=[provider.pk])
            assert outsider.client.get(url).status_code == 404, name
            posted = outsider.client.post(
                url, {"name": "Diganti", "area": provider.area_id, "active": "0"}
            )
            assert posted.status_code == 404, name

    provider.refresh_from_db()
    assert provider.name == "Posyandu Mawar" and provider.is_active


def test_an_admin_deactivates_and_activates_a_provider(bahagia_admin: Persona) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)
    url = reverse("directory:provider_set_active", args=[provider.pk])

    assertContains(bahagia_admin.client.get(url), "Deactivate")
    bahagia_admin.client.post(url, {"active": "0"})
    provider.refresh_from_db()
    assert not provider.is_active

    bahagia_admin.client.post(url, {"active": "1"})
    provider.refresh_from_db()
    assert provider.is_active


def test_an_edit_keeps_areas_served_and_saves_changes(city_admin: Persona) -> None:
    provider = add_provider(
        city_admin.membership, "RSUD", "73.72.04.1006", areas_served=[area(CITY)]
    )
    url = reverse("directory:provider_edit", args=[provider.pk])
    form = city_admin.client.get(url).context["form"]
    data = {
        key: value
        for key, value in form.initial.items()
        if value not in (None, False) and key not in ("area", "areas_served")
    }

    city_admin.client.post(
        url, {**data, "area": provider.area_id, "areas_served": [area(CITY).pk], "cost": "BPJS"}
    )

    provider.refresh_from_db()
    assert provider.cost == "BPJS"
    assert [a.code for a in provider.areas_served.all()] == [CITY]


# --- Import ---------------------------------------------------------------------------


def _upload(persona: Persona, name: str, data: bytes) -> object:
    return persona.client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile(name, data)}
    )


def test_an_admin_imports_a_csv_through_the_page(city_admin: Persona) -> None:
    response = _upload(city_admin, "layanan.csv", GOOD.encode("utf-8-sig"))

    assert response["Location"] == reverse("directory:manage_list")  # type: ignore[index]
    assert Provider.objects.count() == 2


def test_an_admin_imports_an_xlsx_through_the_page(city_admin: Persona) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "area_code", "services"])
    sheet.append(["Dinas Sosial", CITY, "BANSOS;REHABILITASI_SOSIAL"])
    out = io.BytesIO()
    book.save(out)

    _upload(city_admin, "layanan.xlsx", out.getvalue())

    assert Provider.objects.get().services.count() == 2


def test_a_bad_file_shows_each_bad_line_and_imports_nothing(city_admin: Persona) -> None:
    bad = GOOD + "Klinik,,73.72.99.9999,,,,,,,,,\n"

    response = _upload(city_admin, "layanan.csv", bad.encode())

    assertContains(response, "Line 4:")  # type: ignore[arg-type]
    assert not Provider.objects.exists()


def test_the_template_downloads_and_imports_as_it_is(city_admin: Persona) -> None:
    response = city_admin.client.get(reverse("directory:import_template"))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeffname;address;area_code".encode())
    _upload(city_admin, "contoh.csv", response.content)
    assert Provider.objects.filter(name="Rumah Sakit Contoh").exists()


def test_only_admins_import(dinsos_manager: Persona) -> None:
    assert dinsos_manager.client.get(reverse("directory:import")).status_code == 403
    assert _upload(dinsos_manager, "a.csv", GOOD.encode()).status_code == 403  # type: ignore[attr-defined]


# --- Cost -----------------------------------------------------------------------------


def _queries(persona: Persona, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = persona.client.get(url)
    assert response.status_code == 200
    return len(captured)


def _providers(persona: Persona, start: int, count: int) -> None:
    for n in range(start, start + count):
        add_provider(
            persona.membership,
            f"Layanan {n:02d}",
            CITY,
            services={"KESEHATAN": "", "BANSOS": ""},
            organisation=None,
        )


def test_the_lists_cost_the_same_queries_for_5_and_30_providers(
    city_admin: Persona, bahagia_caseworker: Persona
) -> None:
    search = f"{SEARCH}?service=KESEHATAN&kelurahan={WATANG_SOREANG}"
    manage = reverse("directory:manage_list")
    _providers(city_admin, 0, 5)
    few = (_queries(bahagia_caseworker, search), _queries(city_admin, manage))

    _providers(city_admin, 5, 25)
    many = (_queries(bahagia_caseworker, search), _queries(city_admin, manage))

    assert many == few
    assertContains(bahagia_caseworker.client.get(search), "Layanan 24")
