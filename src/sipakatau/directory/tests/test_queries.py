"""Finding a provider: by service, by the area it serves, by text; the public listing;
and the manager's scope."""

import pytest
from django.http import Http404

from sipakatau.accounts.models import Organisation
from sipakatau.directory.queries import (
    managed_provider_for,
    managed_providers_visible_to,
    may_create_provider,
    may_manage_provider,
    provider_for,
    provider_for_organisation,
    providers_for_search,
    public_providers,
)
from sipakatau.directory.services import provider_create, provider_set_active
from tests.factories import WATANG_BACUKIKI, WATANG_SOREANG, Persona

from .conftest import CITY, LAKESSI, SOREANG, add_provider, area


def _names(providers: object) -> list[str]:
    return [provider.name for provider in providers]  # type: ignore[attr-defined]


@pytest.fixture
def directory(city_admin: Persona) -> None:
    """A city-wide office, a Puskesmas serving its kecamatan, a posyandu serving only its
    own kelurahan, and a hospital located in one kelurahan but serving the whole city."""
    actor = city_admin.membership
    add_provider(actor, "Dinas Sosial", CITY, services={"BANSOS": "PKH"}, is_public=True)
    add_provider(
        actor,
        "Puskesmas Lakessi",
        LAKESSI,
        services={"KESEHATAN": "", "PSIKOSOSIAL": "konseling"},
        areas_served=[area(SOREANG)],
        is_public=True,
    )
    add_provider(actor, "Posyandu Mawar", WATANG_BACUKIKI, services={"KESEHATAN": ""})
    add_provider(
        actor,
        "RSUD Andi Makkasau",
        "73.72.04.1006",
        address="Jl. Nurussamawati",
        services={"KESEHATAN": "visum"},
        areas_served=[area(CITY)],
    )


def test_a_provider_serving_the_whole_city_is_found_for_a_kelurahan(directory: None) -> None:
    found = providers_for_search(service_type="KESEHATAN", area=area(WATANG_SOREANG))

    # The Puskesmas serves Soreang, the hospital the city; the posyandu only Bacukiki.
    assert _names(found) == ["Puskesmas Lakessi", "RSUD Andi Makkasau"]


def test_without_areas_served_a_provider_serves_its_own_area_and_below(directory: None) -> None:
    assert _names(providers_for_search(service_type="BANSOS", area=area(WATANG_BACUKIKI))) == [
        "Dinas Sosial"
    ]
    assert "Posyandu Mawar" in _names(providers_for_search(area=area(WATANG_BACUKIKI)))
    assert "Posyandu Mawar" not in _names(providers_for_search(area=area(WATANG_SOREANG)))


def test_areas_served_replace_the_providers_own_area(directory: None) -> None:
    # The hospital is located in Bumi Harapan but listed as serving the whole city, and
    # the Puskesmas located in Lakessi serves all of Soreang, not only Lakessi.
    assert "Puskesmas Lakessi" in _names(providers_for_search(area=area(WATANG_SOREANG)))
    assert "Puskesmas Lakessi" not in _names(providers_for_search(area=area(WATANG_BACUKIKI)))


def test_search_by_service_alone_and_by_text(directory: None) -> None:
    assert _names(providers_for_search(service_type="PSIKOSOSIAL")) == ["Puskesmas Lakessi"]
    assert _names(providers_for_search(text="nurussamawati")) == ["RSUD Andi Makkasau"]
    assert _names(providers_for_search(text="VISUM")) == ["RSUD Andi Makkasau"]
    assert len(providers_for_search()) == 4


def test_a_deactivated_provider_is_not_found(directory: None, city_admin: Persona) -> None:
    rsud = providers_for_search(text="RSUD").get()
    provider_set_active(actor=city_admin.membership, provider=rsud, active=False)

    assert "RSUD Andi Makkasau" not in _names(providers_for_search(service_type="KESEHATAN"))


def test_the_public_listing_shows_only_providers_that_agreed(directory: None) -> None:
    assert _names(public_providers()) == ["Dinas Sosial", "Puskesmas Lakessi"]
    assert _names(public_providers(service_type="KESEHATAN", area=area(WATANG_SOREANG))) == [
        "Puskesmas Lakessi"
    ]


def test_a_manager_fetches_only_providers_in_scope(
    bahagia_admin: Persona, ikhlas_admin: Persona, bahagia_caseworker: Persona
) -> None:
    ours = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)

    assert managed_provider_for(bahagia_admin.membership, ours.pk) == ours
    for outsider in (ikhlas_admin, bahagia_caseworker):
        with pytest.raises(Http404):
            managed_provider_for(outsider.membership, ours.pk)


def test_an_inactive_provider_is_read_only_by_its_managers(
    bahagia_admin: Persona, bahagia_caseworker: Persona, auditor: Persona
) -> None:
    provider = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)
    assert provider_for(bahagia_caseworker.membership, provider.pk) == provider
    with pytest.raises(Http404):
        provider_for(auditor.membership, provider.pk)

    provider_set_active(actor=bahagia_admin.membership, provider=provider, active=False)

    assert provider_for(bahagia_admin.membership, provider.pk) == provider
    with pytest.raises(Http404):
        provider_for(bahagia_caseworker.membership, provider.pk)


def test_an_organisations_own_entry(dinsos: Organisation, city_admin: Persona) -> None:
    assert provider_for_organisation(dinsos) is None
    entry = provider_create(
        actor=city_admin.membership, name="Dinsos", area=area(CITY), organisation=dinsos
    )

    assert provider_for_organisation(dinsos) == entry


def test_the_manage_predicates_agree_with_the_managers_list(
    bahagia_admin: Persona,
    ikhlas_admin: Persona,
    city_admin: Persona,
    bahagia_caseworker: Persona,
    dinsos_manager: Persona,
    dinsos: Organisation,
) -> None:
    # The button on the page (may_manage_provider) and the manage pages' 404
    # (managed_providers_visible_to) must never disagree.
    ours = add_provider(bahagia_admin.membership, "Posyandu Mawar", WATANG_SOREANG)
    office = provider_create(
        actor=city_admin.membership, name="Dinsos", area=area(CITY), organisation=dinsos
    )
    people = (bahagia_admin, ikhlas_admin, city_admin, bahagia_caseworker, dinsos_manager)

    for persona in people:
        managed = set(managed_providers_visible_to(persona.membership))
        for provider in (ours, office):
            assert may_manage_provider(persona.membership, provider) == (provider in managed)
    assert [p for p in people if may_manage_provider(p.membership, ours)] == [
        bahagia_admin,
        city_admin,
    ]
    assert [p for p in people if may_manage_provider(p.membership, office)] == [
        city_admin,
        dinsos_manager,
    ]


def test_an_agency_manager_may_add_an_entry_only_while_hers_is_missing(
    dinsos_manager: Persona, city_admin: Persona, bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    assert may_create_provider(dinsos_manager.membership)
    assert not may_create_provider(bahagia_caseworker.membership)

    provider_create(
        actor=city_admin.membership, name="Dinsos", area=area(CITY), organisation=dinsos
    )

    assert not may_create_provider(dinsos_manager.membership)
    assert may_create_provider(city_admin.membership)
