"""The case list: tabs, filters and search, never a name, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.cases.models import CaseDeadline
from sipakatau.cases.services import intake
from tests.builders import add_party, open_case
from tests.factories import Persona, english


def _queries_for(persona: Persona, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = persona.client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_needs_as_many_queries_for_30_cases_as_for_5(bahagia_caseworker: Persona) -> None:
    actor = bahagia_caseworker.membership
    for _ in range(5):
        add_party(actor, open_case(actor, danger_now=True))
    url = reverse("cases:case_list") + "?tab=unit"
    few = _queries_for(bahagia_caseworker, url)

    for _ in range(25):
        add_party(actor, open_case(actor, danger_now=True))
    many = _queries_for(bahagia_caseworker, url)

    assert many == few


def test_the_list_shows_numbers_never_names(bahagia_caseworker: Persona) -> None:
    actor = bahagia_caseworker.membership
    case = open_case(actor, danger_now=True)
    add_party(actor, case, name="Siti Aminah", nik="7372034505900001")

    response = english(bahagia_caseworker.client).get(reverse("cases:case_list"))

    assertContains(response, case.register_number)
    assertNotContains(response, "Siti")
    assertNotContains(response, "7372034505900001")
    page = response.content.decode()
    assert "Contact" in page or "late" in page or "due" in page.lower()


def test_overdue_and_due_today_tabs(bahagia_caseworker: Persona) -> None:
    actor = bahagia_caseworker.membership
    late = open_case(actor, danger_now=True, reported_at=timezone.now() - timedelta(hours=5))
    fresh = open_case(actor, danger_now=False)
    CaseDeadline.objects.filter(case=fresh).update(due_at=timezone.now() + timedelta(days=30))
    client = english(bahagia_caseworker.client)

    overdue = client.get(reverse("cases:case_list") + "?tab=overdue")

    assertContains(overdue, late.register_number)
    assertNotContains(overdue, fresh.register_number)
    assertContains(overdue, "late")


def test_filters_by_status_and_form_of_violence(bahagia_caseworker: Persona) -> None:
    actor = bahagia_caseworker.membership
    sexual = open_case(actor)
    intake.incident_record(actor=actor, case=sexual, occurred_on=None, violence_forms=["SEKSUAL"])
    physical = open_case(actor)
    intake.incident_record(actor=actor, case=physical, occurred_on=None, violence_forms=["FISIK"])

    page = bahagia_caseworker.client.get(
        reverse("cases:case_list") + "?tab=unit&form=SEKSUAL&status=new"
    )

    assertContains(page, sexual.register_number)
    assertNotContains(page, physical.register_number)


def test_search_by_name_finds_only_cases_in_scope(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = open_case(bahagia_caseworker.membership)
    add_party(bahagia_caseworker.membership, ours, name="Siti Aminah")
    theirs = open_case(ikhlas_caseworker.membership)
    add_party(ikhlas_caseworker.membership, theirs, name="Siti Aminah")

    found = bahagia_caseworker.client.post(
        reverse("cases:case_list") + "?tab=unit", {"q": "siti aminah"}, follow=True
    )

    assertContains(found, ours.register_number)
    assertNotContains(found, theirs.register_number)
    outsider = ikhlas_caseworker.client.post(
        reverse("cases:case_list") + "?tab=unit", {"q": "siti"}, follow=True
    )
    assertNotContains(outsider, ours.register_number)


def test_a_volunteer_lists_her_follow_ups(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    from datetime import date

    from sipakatau.cases.services import care

    case = open_case(bahagia_caseworker.membership)
    follow_up = care.follow_up_plan(
        actor=bahagia_caseworker.membership,
        case=case,
        assigned_to=bahagia_volunteer.user,
        due_on=date.today(),
    )

    page = bahagia_volunteer.client.get(reverse("cases:follow_up_list"))

    assertContains(page, reverse("cases:follow_up_detail", args=[follow_up.pk]))
    assertContains(page, case.register_number)


def test_search_by_name_finds_our_case_however_many_people_elsewhere_share_the_name(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    # Given more people named Siti Aminah in another unit than a search ranks (a city hub)
    from sipakatau.people.queries import MAX_CANDIDATES
    from sipakatau.people.services import person_create

    for _ in range(MAX_CANDIDATES * 2 + 1):
        person_create(actor=ikhlas_caseworker.membership, name="Siti Aminah")
    # and then one in ours, written last
    ours = open_case(bahagia_caseworker.membership)
    add_party(bahagia_caseworker.membership, ours, name="Siti Aminah")

    # When the unit searches for her
    found = bahagia_caseworker.client.post(
        reverse("cases:case_list") + "?tab=unit", {"q": "siti aminah"}, follow=True
    )

    # Then her case is found: the people elsewhere are never ranked against ours
    assertContains(found, ours.register_number)


def test_the_list_says_when_a_name_was_too_common_to_read_every_match(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a search that reads one person of each word (1,000 in use), and two Sitis
    from sipakatau.people import queries as people_queries

    monkeypatch.setattr(people_queries, "NAME_ROWS_PER_INDEX", 1)
    client = english(bahagia_caseworker.client)
    for name in ("Siti Aminah", "Siti Rahmawati"):
        add_party(
            bahagia_caseworker.membership, open_case(bahagia_caseworker.membership), name=name
        )
    too_many = "Too many people match; add another part of the name or search by NIK."

    # When "siti" is searched, the list says that more of the name would help
    found = client.post(reverse("cases:case_list") + "?tab=unit", {"q": "siti"}, follow=True)
    assertContains(found, too_many)
    # and not when every person sharing the name was read
    found = client.post(reverse("cases:case_list") + "?tab=unit", {"q": "rahmawati"}, follow=True)
    assertNotContains(found, too_many)
    # nor to the other unit, where no Siti is
    found = english(ikhlas_caseworker.client).post(
        reverse("cases:case_list") + "?tab=unit", {"q": "siti"}, follow=True
    )
    assertNotContains(found, too_many)
