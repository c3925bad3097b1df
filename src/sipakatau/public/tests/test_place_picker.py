"""The report starts with the place, chosen in short steps of plain links (no JavaScript
needed), among the places this installation serves only; a name search helps where
JavaScript runs. However long the area list, the pages stay small and cheap."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.public.places import DIRECT_LIMIT, SEARCH_LIMIT
from tests.factories import WATANG_BACUKIKI, WATANG_SOREANG, english, make_organisation

from .areas_support import add_region
from .support import form_url

pytestmark = pytest.mark.django_db
PAREPARE_KECAMATAN = {"73.72.01", "73.72.02", "73.72.03", "73.72.04"}
BACUKIKI_KELURAHAN = {"73.72.01.1004", "73.72.01.1005", "73.72.01.1009", "73.72.01.1010"}


def _links(html: str, name: str) -> list[str]:
    """The codes the page links to with ?<name>=<code>, in order."""
    return re.findall(rf'href="\?{name}=([0-9.]+)"', html)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def big_list(db: None) -> list[str]:
    """5,000 villages in a province nobody here serves, a few named like Parepare's."""
    names = ["Lumpue", "Watang Soreang", "Sukamaju"]
    return add_region(
        "11",
        "Aceh",
        cities=5,
        kecamatan=10,
        villages=100,
        village_name=lambda n: names[n % 3] if n % 50 == 0 else f"Gampong {n}",
    )


def test_with_two_units_the_first_step_lists_their_two_places(
    anonymous: Client, big_list: list[str], bahagia: Organisation, ikhlas: Organisation
) -> None:
    html = _page(anonymous, reverse("public:report"))

    assert _links(html, "tempat") == [WATANG_BACUKIKI, WATANG_SOREANG]
    assert not _links(html, "wilayah")
    assert f'href="{reverse("public:hotlines")}"' in html  # "My place is not in the list"
    assert 'name="what_happened"' not in html  # the story comes after the place


def test_a_city_agency_is_chosen_by_kecamatan_then_kelurahan(
    anonymous: Client, big_list: list[str], dp3a: Organisation
) -> None:
    # Given DP3A Parepare: the 22 kelurahan of the city, more than one short list
    start = _page(anonymous, reverse("public:report"))

    # Then the first step offers the city's four kecamatan, and nothing of Aceh
    assert set(_links(start, "wilayah")) == PAREPARE_KECAMATAN
    assert not _links(start, "tempat")
    assert "Gampong" not in start

    # When she picks Kec. Bacukiki, its kelurahan are offered
    bacukiki = _page(anonymous, f"{reverse('public:report')}?wilayah=73.72.01")
    assert set(_links(bacukiki, "tempat")) == BACUKIKI_KELURAHAN

    # And the form for Watang Bacukiki carries its code, and names the place
    form = _page(anonymous, form_url(place=WATANG_BACUKIKI))
    assert f'name="kelurahan" value="{WATANG_BACUKIKI}"' in form
    assert "Watang Bacukiki — Kec. Bacukiki, Kota Parepare" in form
    assert 'name="what_happened"' in form


def test_several_provinces_add_the_province_and_city_steps_only_then(
    anonymous: Client, dp3a: Organisation
) -> None:
    # Given an agency for a whole second province, of two cities
    add_region("11", "Aceh", cities=2, kecamatan=2, villages=10)
    make_organisation("UPTD PPA Aceh", type=OrganisationType.UPTD_PPA, area_code="11")
    url = reverse("public:report")

    provinces = _page(anonymous, url)
    cities = _page(anonymous, f"{url}?wilayah=11")
    kecamatan = _page(anonymous, f"{url}?wilayah=11.02")
    villages = _page(anonymous, f"{url}?wilayah=11.02.01")

    assert _links(provinces, "wilayah") == ["11", "73"]  # Aceh, Sulawesi Selatan
    assert _links(cities, "wilayah") == ["11.01", "11.02"]
    assert _links(kecamatan, "wilayah") == ["11.02.01", "11.02.02"]
    assert len(_links(villages, "tempat")) == 10
    # Parepare's step starts at its kecamatan: one city in the province is no choice
    assert set(_links(_page(anonymous, f"{url}?wilayah=73"), "wilayah")) == PAREPARE_KECAMATAN


def test_an_area_that_leads_to_no_served_place_is_not_a_step(
    anonymous: Client, big_list: list[str], bahagia: Organisation, ikhlas: Organisation
) -> None:
    for code in ("11", "11.01", "11.01.01", "73.72.02", "garbage"):
        html = _page(anonymous, f"{reverse('public:report')}?wilayah={code}")

        assert _links(html, "tempat") == [WATANG_BACUKIKI, WATANG_SOREANG], code
        assert "Gampong" not in html


def test_no_step_is_a_long_list(anonymous: Client, dp3a: Organisation) -> None:
    # Given a second city of 3 kecamatan of 30 villages each, served by its own DP3A
    add_region("73.71", "Kota Makassar", kecamatan=3, villages=30)
    make_organisation("DP3A Kota Makassar", type=OrganisationType.DP3A, area_code="73.71")
    url = reverse("public:report")

    start = _page(anonymous, url)
    city = _page(anonymous, f"{url}?wilayah=73.71")

    assert _links(start, "wilayah") == ["73.71", "73.72"]  # by name: Makassar, Parepare
    assert len(_links(city, "wilayah")) == 3
    assert len(_links(start, "tempat")) == len(_links(city, "tempat")) == 0
    assert DIRECT_LIMIT < 30


def test_a_repeated_name_is_shown_with_its_kecamatan_and_city(
    anonymous: Client, dp3a: Organisation
) -> None:
    # Given a second served city that has a Lumpue too, and a third, unserved, with another
    add_region("73.71", "Kota Makassar", villages=3, village_name=lambda n: "Lumpue")
    make_organisation("DP3A Kota Makassar", type=OrganisationType.DP3A, area_code="73.71")
    add_region("11", "Aceh", village_name=lambda n: "Lompoe")
    english(anonymous)

    parepare = _page(anonymous, f"{reverse('public:report')}?wilayah=73.72.04")
    bacukiki = _page(anonymous, f"{reverse('public:report')}?wilayah=73.72.01")

    # Then Parepare's Lumpue says where it lies; Lompoe (its twin is not served) does not
    assert "Lumpue — Kec. Bacukiki Barat, Kota Parepare</a>" in parepare
    assert ">Lompoe</a>" in bacukiki


def test_the_steps_are_plain_links_with_area_codes_only(
    anonymous: Client, big_list: list[str], dp3a: Organisation
) -> None:
    for url in (reverse("public:report"), f"{reverse('public:report_easy')}?wilayah=73.72.03"):
        html = _page(anonymous, url)

        hrefs = re.findall(r'href="(\?[^"]*)"', html)
        assert hrefs
        assert all(re.fullmatch(r"\?(wilayah|tempat)=[0-9.]+", href) for href in hrefs), hrefs
        assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
        # The name search is there for scripts only, from this site
        assert re.search(r'<div id="place-search" hidden', html)
        assert 'src="/static/sipakatau/public-places.js"' in html
        assert "<script>" not in html


def test_without_any_serving_organisation_the_first_step_gives_the_hotlines(
    anonymous: Client, kelurahan_ws: Organisation
) -> None:
    html = _page(anonymous, reverse("public:report"))

    assert not _links(html, "tempat")
    assert 'href="tel:129"' in html and 'href="tel:112"' in html


def test_the_hotlines_page_gives_every_number(anonymous: Client) -> None:
    html = _page(anonymous, reverse("public:hotlines"))

    for link in ('href="tel:129"', 'href="tel:+628111129129"', 'href="tel:110"', 'href="tel:112"'):
        assert link in html


def _search(client: Client, text: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/public/places", {"q": text})
    assert response.status_code == 200
    return list(json.loads(response.content)["places"])


def test_the_search_finds_only_served_places(
    anonymous: Client, big_list: list[str], bahagia: Organisation, ikhlas: Organisation
) -> None:
    found = _search(anonymous, "watang")
    unserved = _search(anonymous, "gampong")

    assert [place["code"] for place in found] == [WATANG_BACUKIKI, WATANG_SOREANG]
    assert found[0]["label"] == "Watang Bacukiki"
    assert unserved == []
    assert _search(anonymous, "w") == []  # one letter finds nothing


def test_the_search_is_capped_and_qualifies_repeated_names(
    anonymous: Client, big_list: list[str], dp3a: Organisation
) -> None:
    # Given a served city with 30 villages of one name (and more in Aceh, not served)
    villages = add_region("73.71", "Kota Makassar", villages=30, village_name=lambda n: "Sukamaju")
    make_organisation("DP3A Kota Makassar", type=OrganisationType.DP3A, area_code="73.71")
    english(anonymous)

    found = _search(anonymous, "sukama")

    assert len(found) == SEARCH_LIMIT
    assert {place["code"] for place in found} <= set(villages)
    assert found[0]["label"] == "Sukamaju — Kec. Kuta 1-1, Kota Makassar"


def test_the_search_puts_names_that_start_with_the_text_first(
    anonymous: Client, dp3a: Organisation
) -> None:
    found = _search(anonymous, "ujung")

    names = [place["name"] for place in found]
    assert names[:4] == ["Ujung Baru", "Ujung Bulu", "Ujung Lare", "Ujung Sabbang"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_steps_cost_the_same_queries_with_a_big_area_list(
    anonymous: Client, dp3a: Organisation
) -> None:
    urls = [
        reverse("public:report"),
        f"{reverse('public:report')}?wilayah=73.72.01",
        form_url(place=WATANG_BACUKIKI),
        "/api/v1/public/places?q=lum",
    ]
    anonymous.get(urls[0])  # the session and the language are settled once
    small = [_queries(anonymous, url) for url in urls]

    add_region("11", "Aceh", cities=5, kecamatan=10, villages=100)
    add_region("73.71", "Kota Makassar", kecamatan=5, villages=20, village_name=lambda n: "Lumpue")
    big = [_queries(anonymous, url) for url in urls]

    assert big == small
    assert max(big) <= 8


def test_the_report_pages_stay_small_with_a_big_area_list(
    anonymous: Client, big_list: list[str], dp3a: Organisation
) -> None:
    for url in (
        reverse("public:report"),
        reverse("public:report_easy"),
        f"{reverse('public:report')}?wilayah=73.72.03",
        form_url(),
        form_url("public:report_easy"),
    ):
        html = _page(anonymous, url)

        # The page once held a <select> of every kelurahan: 5,000 options here
        assert len(html) < 16_000, (url, len(html))
        assert "Gampong" not in html
