"""From the case page the caseworker places a victim without a NIK in her household by
its KK number (registering the household when the kelurahan does not have it), and the
case's social-protection needs reach the worklist. Others cannot."""

import json

from django.urls import reverse

from sipakatau.referrals.tests.support import case_with_victim
from sipakatau.social.models import Household, HouseholdMember, WorklistEntry
from tests.factories import Persona, english

from .conftest import household, kk
from .test_api import call


def _url(case_pk: int) -> str:
    return reverse("social:case_household", args=[case_pk])


def test_a_victim_without_nik_joins_a_new_household_and_its_needs_reach_the_worklist(
    bahagia_caseworker: Persona, ws
) -> None:
    # Given a case whose victim (no NIK) needs economic help and is in no household
    case, victim = case_with_victim(
        bahagia_caseworker.membership, needs={"ECONOMIC": "Tanpa kerja"}
    )
    assert victim.person.nik is None
    client = english(bahagia_caseworker.client)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert _url(case.pk) in page

    # When the caseworker writes a KK the kelurahan does not have, without RW and RT
    form = {"party": victim.pk, "kk_number": kk(), "relationship": "KEPALA"}
    refused = client.post(_url(case.pk), form)

    # Then she is asked for them and nothing is saved
    assert refused.status_code == 200
    assert "fill in its RW and RT" in refused.content.decode()
    assert not Household.objects.exists()

    # When she adds them
    response = client.post(_url(case.pk), form | {"rw": "3", "rt": "2"})

    # Then the household is registered, the victim is its current member, and the case's
    # need is on the worklist (the kinds only)
    assert response.status_code == 302
    member = HouseholdMember.objects.get(person=victim.person, end_date__isnull=True)
    assert (member.household.rw, member.household.rt) == ("003", "002")
    entry = WorklistEntry.objects.get()
    assert (entry.household, entry.case, entry.needs) == (member.household, case, ["ECONOMIC"])

    # And the case page now links the household instead of the form
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert reverse("social:household_detail", args=[member.household.pk]) in page
    assert _url(case.pk) not in page


def test_a_registered_kk_is_joined_not_duplicated(
    bahagia_caseworker: Persona, bahagia_coordinator: Persona, ws
) -> None:
    number = kk()
    home = household(bahagia_coordinator.membership, ws, number=number)
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={"ECONOMIC": "x"})

    response = english(bahagia_caseworker.client).post(
        _url(case.pk), {"party": victim.pk, "kk_number": number, "relationship": "PASANGAN"}
    )

    assert response.status_code == 302
    assert Household.objects.count() == 1
    assert home.members.filter(person=victim.person, end_date__isnull=True).exists()


def test_another_unit_gets_404_and_a_volunteer_is_refused(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona, bahagia_volunteer: Persona, ws
) -> None:
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={"ECONOMIC": "x"})
    form = {"party": victim.pk, "kk_number": kk(), "relationship": "KEPALA", "rw": "1", "rt": "1"}

    assert ikhlas_caseworker.client.post(_url(case.pk), form).status_code == 404
    assert bahagia_volunteer.client.post(_url(case.pk), form).status_code in {403, 404}
    assert not Household.objects.exists()


def test_the_api_places_the_victim_and_refuses_a_missing_rw_with_a_structured_error(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona, ws
) -> None:
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={"ECONOMIC": "x"})
    path = f"/cases/{case.pk}/household"
    body = {"party_id": victim.pk, "kk_number": kk(), "relationship": "KEPALA"}

    refused = call(bahagia_caseworker, "POST", path, body)
    assert refused.status_code == 422
    assert "rw" in json.dumps(refused.json())
    assert not Household.objects.exists()

    assert call(ikhlas_caseworker, "POST", path, body | {"rw": "1", "rt": "1"}).status_code == 404

    placed = call(bahagia_caseworker, "POST", path, body | {"rw": "1", "rt": "1"})
    assert placed.status_code == 201
    assert [m["person_id"] for m in placed.json()["members"]] == [victim.person_id]
    assert WorklistEntry.objects.filter(case=case).count() == 1
