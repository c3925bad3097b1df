"""A public report goes only where it belongs: to the unit or agency whose area contains
the place, never to "any DP3A". For a place nobody here serves, nothing is stored and the
reporter is given the numbers that help anywhere (SAPA 129, 110, 112)."""

import json
import uuid

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.areas.models import Area
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import Notification
from sipakatau.public.models import PublicReport, SubmissionMark
from sipakatau.public.services import route_report
from tests.factories import CITY, WATANG_BACUKIKI, WATANG_SOREANG, Persona, make_organisation

from .areas_support import add_region
from .support import form_data, form_url, submit

pytestmark = pytest.mark.django_db
# A village of a province this installation does not serve (Kemendagri-looking codes).
ACEH_VILLAGE = "11.01.01.2001"
LOMPOE = "73.72.01.1004"  # Kec. Bacukiki, next to Watang Bacukiki


@pytest.fixture
def aceh(db: None) -> list[str]:
    return add_region("11", "Aceh", cities=2, kecamatan=3, villages=10)


def _nothing_stored() -> None:
    assert not PublicReport.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="public_report.").exists()
    assert not SubmissionMark.objects.exists()  # not even counted against the flood limits


def _shows_the_hotlines(response: HttpResponseBase, status_code: int) -> None:
    for link in ('href="tel:129"', 'href="tel:+628111129129"', 'href="tel:110"', 'href="tel:112"'):
        assertContains(response, link, status_code=status_code)
    assertContains(response, "08111-129-129", status_code=status_code)


def test_a_forged_post_for_a_village_in_another_province_is_refused_with_the_hotlines(
    anonymous: Client,
    aceh: list[str],
    bahagia: Organisation,
    dp3a: Organisation,
    bahagia_caseworker: Persona,
) -> None:
    # Given Parepare's unit and DP3A, and a form posted with a village of Aceh
    response = anonymous.post(reverse("public:report"), form_data(kelurahan=ACEH_VILLAGE))

    # Then nothing reaches DP3A Parepare (nor anyone), and she is told whom to call
    _shows_the_hotlines(response, status_code=400)
    assertNotContains(response, 'name="what_happened"', status_code=400)
    _nothing_stored()


def test_the_easy_form_refuses_it_the_same_way(
    anonymous: Client, aceh: list[str], dp3a: Organisation
) -> None:
    data = form_data(kelurahan=ACEH_VILLAGE)
    response = anonymous.post(reverse("public:report_easy"), data)

    _shows_the_hotlines(response, status_code=400)
    _nothing_stored()


def test_the_api_refuses_it_with_not_served_and_the_hotlines(
    anonymous: Client, aceh: list[str], bahagia: Organisation, dp3a: Organisation
) -> None:
    response = anonymous.post(
        "/api/v1/public/reports",
        json.dumps({"kelurahan_code": ACEH_VILLAGE, "what_happened": "Ada pemukulan."}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )

    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "not_served"
    assert [error["field"] for error in body["detail"]] == ["kelurahan_code"]
    assert body["detail"][0]["message"]
    numbers = {line["number"]: line["link"] for line in body["hotlines"]}
    assert numbers == {
        "129": "tel:129",
        "08111-129-129": "tel:+628111129129",
        "110": "tel:110",
        "112": "tel:112",
    }
    _nothing_stored()


def test_the_openapi_document_describes_the_refusal_and_the_place_search(
    anonymous: Client,
) -> None:
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]

    report = paths["/api/v1/public/reports"]["post"]
    assert "not_served" in report["description"]
    assert "422" in report["responses"]
    assert "get" in paths["/api/v1/public/places"]


def test_no_dp3a_receives_a_report_from_outside_its_area(
    anonymous: Client, ikhlas: Organisation
) -> None:
    # Given only Makassar's DP3A besides Ikhlas: it covers another city of the province
    add_region("73.71", "Kota Makassar", kecamatan=1, villages=2)
    make_organisation("DP3A Kota Makassar", type=OrganisationType.DP3A, area_code="73.71")

    # When a report comes from Watang Soreang (Parepare), where no unit or agency works
    response = anonymous.post(reverse("public:report"), form_data(kelurahan=WATANG_SOREANG))

    # Then it is refused rather than sent to Makassar
    _shows_the_hotlines(response, status_code=400)
    _nothing_stored()


def test_offices_that_do_not_take_reports_do_not_make_a_place_served(
    anonymous: Client, kelurahan_ws: Organisation, dinsos: Organisation
) -> None:
    response = anonymous.post(reverse("public:report"), form_data())

    assert response.status_code == 400
    _nothing_stored()


def test_an_inactive_unit_no_longer_receives(anonymous: Client, bahagia: Organisation) -> None:
    Organisation.objects.filter(pk=bahagia.pk).update(is_active=False)

    response = anonymous.post(reverse("public:report"), form_data())

    assert response.status_code == 400
    _nothing_stored()


def test_the_form_of_a_place_nobody_serves_shows_the_hotlines_instead(
    anonymous: Client, aceh: list[str], dp3a: Organisation
) -> None:
    response = anonymous.get(form_url(place=ACEH_VILLAGE))

    _shows_the_hotlines(response, status_code=200)
    assertNotContains(response, 'name="what_happened"')


def test_the_nearest_unit_wins(bahagia: Organisation, dp3a: Organisation) -> None:
    # Given a unit for all of Kec. Soreang besides Bahagia (Kel. Watang Soreang)
    soreang = make_organisation("LBK-KK Kecamatan Soreang", area_code="73.72.03")
    kelurahan = Area.objects.get(code=WATANG_SOREANG)
    neighbour = Area.objects.get(code="73.72.03.1004")  # Kampung Pisang, same kecamatan

    # Then Watang Soreang's own unit receives its reports, the kecamatan's unit the rest
    assert route_report(kelurahan) == bahagia
    assert route_report(neighbour) == soreang
    assert submit(kelurahan_code=WATANG_SOREANG).report.organisation == bahagia
    assert submit(kelurahan_code="73.72.03.1004").report.organisation == soreang


def test_an_agency_covering_the_city_receives_when_no_unit_covers_the_kelurahan(
    bahagia: Organisation, dp3a: Organisation, bahagia_caseworker: Persona
) -> None:
    # Given DP3A Parepare and a DP3A of the whole province
    make_organisation("DP3A Sulawesi Selatan", type=OrganisationType.DP3A, area_code="73")

    report = submit(kelurahan_code=LOMPOE).report

    # Then the city's DP3A (the nearest) receives it, and Bahagia is not told
    assert report.organisation == dp3a
    assert not Notification.objects.filter(recipient=bahagia_caseworker.user).exists()


def test_the_uptd_ppa_comes_before_the_dp3a(dp3a: Organisation) -> None:
    uptd = make_organisation(
        "UPTD PPA Kota Parepare", type=OrganisationType.UPTD_PPA, area_code=CITY
    )

    assert submit(kelurahan_code=WATANG_BACUKIKI).report.organisation == uptd


def test_routing_costs_one_query_however_many_areas(
    aceh: list[str], dp3a: Organisation, django_assert_num_queries: object
) -> None:
    kelurahan = Area.objects.get(code=LOMPOE)
    add_region("12", "Sumatera Utara", cities=5, kecamatan=10, villages=20)

    with django_assert_num_queries(1):  # type: ignore[operator]
        assert route_report(kelurahan) == dp3a
