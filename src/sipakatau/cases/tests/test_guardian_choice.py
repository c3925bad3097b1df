"""The consent form never offers a suspected perpetrator as the parent or guardian who
consents for a child (UU 27/2022 PDP Pasal 25, UU 35/2014), asks nothing about a guardian
for an adult, and refuses a forged choice with the rule's own words, saving nothing."""

import re

from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.cases.codes import PartyRole
from sipakatau.cases.forms.consent import ConsentForm
from sipakatau.cases.models import Attachment, Case, CaseParty, Consent
from sipakatau.cases.services import intake
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona, english

RULE = "is a suspected perpetrator in this case and cannot give consent for the child"


def _family(persona: Persona, *, child_age: int = 10) -> tuple[Case, dict[str, CaseParty]]:
    """A girl hurt by her father; her mother is her guardian."""
    actor = persona.membership
    case = open_case(actor)
    people = {
        "child": add_party(actor, case, name="Nur Aisyah", age=child_age),
        "father": add_party(actor, case, PartyRole.PERPETRATOR, name="Baso Tahir", sex="L", age=40),
        "mother": add_party(actor, case, PartyRole.GUARDIAN, name="Hasnah Laeli", age=38),
    }
    return case, people


def _offered(html: str) -> list[str]:
    select = re.search(r'<select name="guardian".*?</select>', html, re.S)
    assert select is not None, "no guardian choice on the page"
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def _consent_post(victim: CaseParty, guardian: str) -> dict[str, str]:
    return {
        "subject": str(victim.pk),
        "purpose": "SERVICES",
        "recipient_type": "",
        "method": "VERBAL_WITNESSED",
        "witness_name": "Ibu RT",
        "guardian": guardian,
    }


def test_only_the_mother_and_someone_new_are_offered_for_a_child_hurt_by_her_father(
    bahagia_caseworker: Persona,
) -> None:
    case, people = _family(bahagia_caseworker)

    response = english(bahagia_caseworker.client).get(reverse("cases:consent_add", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert _offered(html) == ["", str(people["mother"].pk), "new"]
    assertNotContains(response, "Baso Tahir")


def test_a_perpetrator_also_recorded_as_guardian_is_still_not_offered(
    bahagia_caseworker: Persona,
) -> None:
    # Given a father who is the suspected perpetrator and was also written down as guardian
    case, people = _family(bahagia_caseworker)
    father_as_guardian = intake.party_add(
        actor=bahagia_caseworker.membership,
        case=case,
        person=people["father"].person,
        role=PartyRole.GUARDIAN,
    )

    form = ConsentForm(
        others=list(case.parties.exclude(role=PartyRole.VICTIM)), victims=[people["child"]]
    )

    offered = [value for value, _label in form.fields["guardian"].choices]  # type: ignore[attr-defined]
    assert str(father_as_guardian.pk) not in offered
    assert str(people["father"].pk) not in offered
    assert str(people["mother"].pk) in offered


def test_an_adult_victim_is_asked_about_no_guardian(bahagia_caseworker: Persona) -> None:
    case, people = _family(bahagia_caseworker, child_age=19)

    response = english(bahagia_caseworker.client).get(reverse("cases:consent_add", args=[case.pk]))

    assertNotContains(response, 'name="guardian')
    form = ConsentForm(others=[people["father"], people["mother"]], victims=[people["child"]])
    assert not {"guardian", "guardian_name", "guardian_sex"} & set(form.fields)


def test_a_guardian_sent_anyway_for_an_adult_is_not_recorded(bahagia_caseworker: Persona) -> None:
    case, people = _family(bahagia_caseworker, child_age=19)

    response = bahagia_caseworker.client.post(
        reverse("cases:consent_add", args=[case.pk]),
        _consent_post(people["child"], str(people["mother"].pk)),
    )

    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert consent.given_by_guardian is None


def test_a_forged_choice_of_the_father_is_refused_with_the_rule_and_saves_nothing(
    bahagia_caseworker: Persona,
) -> None:
    case, people = _family(bahagia_caseworker)
    parties_before = set(case.parties.values_list("pk", flat=True))

    response = english(bahagia_caseworker.client).post(
        reverse("cases:consent_add", args=[case.pk]),
        _consent_post(people["child"], str(people["father"].pk)),
    )

    assertContains(response, RULE)
    html = response.content.decode()
    assert _offered(html) == ["", str(people["mother"].pk), "new"]  # still not offered
    assert not Consent.objects.filter(case=case).exists()
    assert set(case.parties.values_list("pk", flat=True)) == parties_before
    assert not Attachment.objects.filter(case=case).exists()


def test_a_forged_choice_of_the_father_at_intake_is_refused_with_the_rule(
    bahagia_caseworker: Persona,
) -> None:
    case, people = _family(bahagia_caseworker)
    parties_before = set(case.parties.values_list("pk", flat=True))

    response = english(bahagia_caseworker.client).post(
        reverse("cases:intake_incident", args=[case.pk]),
        {
            "narrative": "",
            "consent-method": "VERBAL_WITNESSED",
            "consent-witness_name": "Ibu RT",
            "consent-guardian": str(people["father"].pk),
        },
    )

    assertContains(response, RULE)
    assert not Consent.objects.filter(case=case).exists()
    assert not hasattr(Case.objects.get(pk=case.pk), "incident")
    assert set(case.parties.values_list("pk", flat=True)) == parties_before


def test_the_api_refuses_the_father_as_guardian_with_the_rule(
    bahagia_caseworker: Persona,
) -> None:
    case, people = _family(bahagia_caseworker)

    response = post(
        english(bearer(bahagia_caseworker)),
        f"{API}/{case.pk}/consents",
        {
            "subject_party_id": people["child"].pk,
            "purpose": "SERVICES",
            "method": "VERBAL_WITNESSED",
            "witness_name": "Ibu RT",
            "guardian_party_id": people["father"].pk,
        },
    )

    assert response.status_code == 422, response.content[:300]
    assert RULE in response.content.decode()
    assert not Consent.objects.filter(case=case).exists()
