"""A survivor's telephone, NIK and KK number are not in the case page nor in the case read
of the API: each showing is its own request, answered with no-store and audited with the
field names (never the values). Whoever may not browse the case gets 404 and no event."""

import json
import re
from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.audit.models import AuditEvent
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.cases.services import intake
from sipakatau.people.services import person_create
from tests.builders import API, bearer, open_case, post
from tests.canary import CANARY, scan
from tests.factories import Persona, english

# Everything that would betray the numbers, in every form a leak could take; her name is
# on the case page by design, so it is not a needle here.
NUMBERS = [needle for needle in CANARY.needles() if any(ch.isdigit() for ch in needle)]
EVENT = "person.identity_viewed"
OUTSIDERS = [
    "ikhlas_caseworker",
    "ikhlas_volunteer",
    "bahagia_volunteer",  # did not take this intake
    "dp3a_officer",
    "lurah",
    "auditor",
    "bahagia_admin",
]


def _survivor_case(persona: Persona) -> tuple[Case, CaseParty]:
    actor = persona.membership
    case = open_case(actor)
    person = person_create(
        actor=actor,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        age_estimate=30,
    ).person
    victim = intake.party_add(actor=actor, case=case, person=person, role=PartyRole.VICTIM)
    return case, victim


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=EVENT))


def _reveal(persona: Persona, case: Case, party: CaseParty | None, **extra: Any) -> Any:
    data = {"party": str(party.pk)} if party is not None else {}
    return english(persona.client).post(
        reverse("cases:identity_reveal", args=[case.pk]), data, **extra
    )


def test_the_case_page_holds_no_telephone_nik_or_kk_number(bahagia_caseworker: Persona) -> None:
    case, victim = _survivor_case(bahagia_caseworker)

    response = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assertContains(response, CANARY.name)  # the page is about her …
    assert scan(NUMBERS, html) == []  # … but her numbers are not in it
    assertContains(response, "Show telephone and NIK")
    # The button sends the person's id in the body of a POST to a path of numbers only.
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*hx-post[^>]*>(.*?)</form>', html, re.S
    )
    assert form is not None
    assert form.group(1) == f"/kasus/{case.pk}/identitas/"
    assert f'name="party" value="{victim.pk}"' in form.group(2)
    assert _events() == []


@pytest.mark.parametrize(
    ("recorded", "offered"),
    [({"phone": CANARY.phone}, True), ({"kk_number": CANARY.kk_number}, True), ({}, False)],
    ids=["only a telephone", "only a KK number", "no number"],
)
def test_the_button_is_offered_whenever_one_number_is_recorded(
    bahagia_caseworker: Persona, recorded: dict[str, str], offered: bool
) -> None:
    # Given a victim with only some of her numbers recorded (the page asks their indexes)
    actor = bahagia_caseworker.membership
    case = open_case(actor)
    person = person_create(actor=actor, name="Wati", sex="P", **recorded).person
    victim = intake.party_add(actor=actor, case=case, person=person, role=PartyRole.VICTIM)

    # When her caseworker opens the case
    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))

    # Then the button is there exactly when there is something to show, and shows it
    assert ("Show telephone and NIK" in page.content.decode()) is offered
    if offered:
        shown = _reveal(bahagia_caseworker, case, victim)
        for value in recorded.values():
            assertContains(shown, value.lstrip("0"))


def test_showing_the_numbers_writes_one_event_with_field_names_only(
    bahagia_caseworker: Persona,
) -> None:
    case, victim = _survivor_case(bahagia_caseworker)

    response = _reveal(bahagia_caseworker, case, victim)

    assertContains(response, CANARY.nik)
    assertContains(response, CANARY.kk_number)
    assertContains(response, CANARY.phone.lstrip("0"))
    assert "no-store" in response["Cache-Control"]
    [event] = _events()
    assert (event.object_type, event.object_id) == ("people.person", str(victim.person_id))
    assert event.fields == ["kk_number", "nik", "phone"]
    assert event.actor_id == bahagia_caseworker.user.pk
    assert scan(NUMBERS, repr(AuditEvent.objects.values_list())) == []


def test_the_volunteer_who_took_the_intake_may_see_the_numbers_she_wrote(
    bahagia_volunteer: Persona,
) -> None:
    case, victim = _survivor_case(bahagia_volunteer)

    response = _reveal(bahagia_volunteer, case, victim)

    assertContains(response, CANARY.nik)
    assert len(_events()) == 1


def test_htmx_gets_only_the_numbers(bahagia_caseworker: Persona) -> None:
    case, victim = _survivor_case(bahagia_caseworker)

    response = _reveal(bahagia_caseworker, case, victim, HTTP_HX_REQUEST="true")

    assertNotContains(response, "<html")
    assertContains(response, 'hx-history="false"')
    assertContains(response, CANARY.nik)
    assert len(_events()) == 1


def test_without_a_person_the_button_goes_back_and_shows_nothing(
    bahagia_caseworker: Persona,
) -> None:
    case, _victim = _survivor_case(bahagia_caseworker)

    response = _reveal(bahagia_caseworker, case, None)

    assert response.status_code == 302
    assert response["Location"] == f"/kasus/{case.pk}/#people"
    assert _events() == []


def test_a_person_of_another_case_is_404(bahagia_caseworker: Persona) -> None:
    case, _victim = _survivor_case(bahagia_caseworker)
    _other_case, other_victim = _survivor_case(bahagia_caseworker)

    response = _reveal(bahagia_caseworker, case, other_victim)

    assert response.status_code == 404
    assert _events() == []


def test_showing_is_a_post_only(bahagia_caseworker: Persona) -> None:
    case, victim = _survivor_case(bahagia_caseworker)

    response = bahagia_caseworker.client.get(
        reverse("cases:identity_reveal", args=[case.pk]), {"party": victim.pk}
    )

    assert response.status_code == 405
    assert _events() == []


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_whoever_may_not_browse_the_case_gets_404_and_no_event(
    outsider: str, bahagia_caseworker: Persona, request: pytest.FixtureRequest
) -> None:
    case, victim = _survivor_case(bahagia_caseworker)
    persona: Persona = request.getfixturevalue(outsider)

    response = _reveal(persona, case, victim)

    assert response.status_code == 404
    assert scan(NUMBERS, response.content) == []
    assert _events() == []


# --- The API ------------------------------------------------------------------------------


def test_the_case_read_holds_no_telephone_nik_or_kk_number(bahagia_caseworker: Persona) -> None:
    case, _victim = _survivor_case(bahagia_caseworker)

    response = bearer(bahagia_caseworker).get(f"{API}/{case.pk}")

    assert response.status_code == 200
    [party] = response.json()["parties"]
    assert party["person"]["name"] == CANARY.name
    assert not {"nik", "kk_number", "phone"} & set(party["person"])
    assert scan(NUMBERS, response.content) == []
    assert _events() == []


def test_the_api_shows_the_numbers_on_request_and_audits_it(
    bahagia_caseworker: Persona,
) -> None:
    case, victim = _survivor_case(bahagia_caseworker)

    response = post(
        bearer(bahagia_caseworker), f"{API}/{case.pk}/identity", {"party_id": victim.pk}
    )

    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["party_id"] == victim.pk and body["person_id"] == victim.person_id
    assert (body["nik"], body["kk_number"]) == (CANARY.nik, CANARY.kk_number)
    assert body["phone"].endswith(CANARY.phone.lstrip("0"))
    assert "no-store" in response["Cache-Control"]
    [event] = _events()
    assert (event.object_type, event.object_id) == ("people.person", str(victim.person_id))
    assert event.fields == ["kk_number", "nik", "phone"]
    assert scan(NUMBERS, json.dumps(list(AuditEvent.objects.values_list("fields")))) == []


def test_the_api_refuses_a_person_of_another_case_and_shows_nothing(
    bahagia_caseworker: Persona,
) -> None:
    case, _victim = _survivor_case(bahagia_caseworker)
    _other_case, other_victim = _survivor_case(bahagia_caseworker)

    response = post(
        bearer(bahagia_caseworker), f"{API}/{case.pk}/identity", {"party_id": other_victim.pk}
    )

    assert response.status_code == 422
    assert scan(NUMBERS, response.content) == []
    assert _events() == []


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_the_api_answers_404_and_no_event_to_whoever_may_not_browse_the_case(
    outsider: str, bahagia_caseworker: Persona, request: pytest.FixtureRequest
) -> None:
    case, victim = _survivor_case(bahagia_caseworker)
    persona: Persona = request.getfixturevalue(outsider)

    response = post(bearer(persona), f"{API}/{case.pk}/identity", {"party_id": victim.pk})

    assert response.status_code == 404
    assert scan(NUMBERS, response.content) == []
    assert _events() == []
