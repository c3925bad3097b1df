"""Disability (the Washington Group short set and the kinds of UU 8/2016) recorded on the
pages: at intake, where the victim is recorded, and later from the case page."""

from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case, CaseParty
from sipakatau.people.models import Person
from sipakatau.people.profile import person_set_profile
from tests.builders import add_party, open_case
from tests.factories import Persona, english


def _victim(**extra: object) -> dict[str, object]:
    return {"name": "Siti Aminah", "sex": "P", "age": "30", **extra}


def _person(case: Case) -> Person:
    return CaseParty.objects.get(case=case, role=PartyRole.VICTIM).person


def test_the_victim_screen_asks_the_six_questions_and_the_kinds(
    bahagia_volunteer: Persona,
) -> None:
    case = open_case(bahagia_volunteer.membership)

    page = bahagia_volunteer.client.get(reverse("cases:intake_victim", args=[case.pk]))

    html = page.content.decode()
    for name in ("seeing", "hearing", "walking", "cognition", "self_care", "communication"):
        # four answers and "not asked", as radio buttons
        assert html.count(f'type="radio" name="wg_{name}"') == 5
    assert html.count('type="checkbox" name="disability_kinds"') == 6
    # folded, and open without a script
    assert "<details" in html and "<script>" not in html


def test_a_volunteer_records_disability_at_intake(bahagia_volunteer: Persona) -> None:
    case = open_case(bahagia_volunteer.membership)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_victim", args=[case.pk]),
        _victim(
            wg_walking="A_LOT",
            wg_seeing="NO_DIFFICULTY",
            disability_kinds=["FISIK", "SENSORIK_RUNGU"],
            contact_channels=["SMS"],
        ),
    )

    assert response.status_code == 302
    person = _person(case)
    assert person.wg_answers == {"SEEING": "NO_DIFFICULTY", "WALKING": "A_LOT"}
    assert person.disability_kinds == ["FISIK", "SENSORIK_RUNGU"]
    assert person.has_disability
    assert person.safe_contact["channels"] == ["SMS"]


def test_no_answer_records_no_disability(bahagia_volunteer: Persona) -> None:
    case = open_case(bahagia_volunteer.membership)

    bahagia_volunteer.client.post(reverse("cases:intake_victim", args=[case.pk]), _victim())

    person = _person(case)
    assert person.wg_answers == {} and person.disability_kinds == []
    assert not person.has_disability


def test_a_bad_answer_is_refused_and_what_was_typed_is_kept(bahagia_volunteer: Persona) -> None:
    case = open_case(bahagia_volunteer.membership)

    response = english(bahagia_volunteer.client).post(
        reverse("cases:intake_victim", args=[case.pk]),
        _victim(wg_hearing="VERY_MUCH", disability_kinds=["FISIK"], contact_times="sore"),
    )

    assert response.status_code == 200
    assertContains(response, "Select a valid choice")
    assertContains(response, 'value="Siti Aminah"')
    assertContains(response, 'value="sore"')
    # the folded questions are open, so the error is seen
    assertContains(response, '<details class="group reveal" open>')
    assert not CaseParty.objects.filter(case=case).exists()


def test_a_bad_kind_is_refused_in_indonesian(bahagia_volunteer: Persona) -> None:
    case = open_case(bahagia_volunteer.membership)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_victim", args=[case.pk]), _victim(disability_kinds=["ALIEN"])
    )

    assert response.status_code == 200
    assertContains(response, "pilihan yang valid")
    assertContains(response, 'value="Siti Aminah"')
    assert not CaseParty.objects.filter(case=case).exists()


# --- Later, from the case page --------------------------------------------------------------


def _case_with_safe_contact(worker: Persona) -> tuple[Case, CaseParty]:
    case = open_case(worker.membership)
    party = add_party(worker.membership, case)
    person_set_profile(
        actor=worker.membership,
        person=party.person,
        contact_channels=["WHATSAPP"],
        contact_times="setelah jam 5",
        communication_needs="Bahasa isyarat",
    )
    return case, party


def test_the_case_page_links_to_the_disability_form(bahagia_caseworker: Persona) -> None:
    case, party = _case_with_safe_contact(bahagia_caseworker)

    page = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))

    assertContains(page, reverse("cases:party_disability", args=[party.pk]))


def test_a_caseworker_records_disability_later_and_the_rest_stays(
    bahagia_caseworker: Persona,
) -> None:
    case, party = _case_with_safe_contact(bahagia_caseworker)
    url = reverse("cases:party_disability", args=[party.pk])
    client = english(bahagia_caseworker.client)

    response = client.post(url, {"wg_cognition": "CANNOT", "disability_kinds": ["INTELEKTUAL"]})

    assert response.status_code == 302
    person = Person.objects.get(pk=party.person_id)
    assert person.wg_answers == {"COGNITION": "CANNOT"}
    assert person.disability_kinds == ["INTELEKTUAL"]
    assert person.has_disability
    # what the person's record held besides is kept
    assert person.safe_contact["channels"] == ["WHATSAPP"]
    assert person.safe_contact["times"] == "setelah jam 5"
    assert person.communication_needs == "Bahasa isyarat"
    # and the form shows it again, and the case page says it
    again = client.get(url).content.decode()
    assert 'name="wg_cognition" value="CANNOT" id="id_wg_cognition_4" checked' in again
    assert 'value="INTELEKTUAL" id="id_disability_kinds_1" checked' in again
    assertContains(client.get(reverse("cases:case_detail", args=[case.pk])), "Intellectual")


def test_the_disability_form_refuses_a_bad_value_and_keeps_the_form(
    bahagia_caseworker: Persona,
) -> None:
    _case, party = _case_with_safe_contact(bahagia_caseworker)
    url = reverse("cases:party_disability", args=[party.pk])

    response = english(bahagia_caseworker.client).post(
        url, {"wg_walking": "A_LOT", "disability_kinds": ["ALIEN"]}
    )

    assert response.status_code == 200
    assertContains(response, "Select a valid choice")
    assertContains(response, 'name="wg_walking" value="A_LOT" id="id_wg_walking_3" checked')
    assert Person.objects.get(pk=party.person_id).wg_answers == {}


def test_outsiders_get_404(
    bahagia_caseworker: Persona,
    ikhlas_caseworker: Persona,
    bahagia_admin: Persona,
    bahagia_volunteer: Persona,
) -> None:
    _case, party = _case_with_safe_contact(bahagia_caseworker)
    url = reverse("cases:party_disability", args=[party.pk])

    assert ikhlas_caseworker.client.get(url).status_code == 404
    assert ikhlas_caseworker.client.post(url, {"wg_walking": "A_LOT"}).status_code == 404
    assert bahagia_admin.client.get(url).status_code == 404
    # nor a kader of the unit who did not take the intake
    assert bahagia_volunteer.client.get(url).status_code == 404
    assert Person.objects.get(pk=party.person_id).wg_answers == {}
