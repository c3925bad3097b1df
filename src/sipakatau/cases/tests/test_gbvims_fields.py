"""The GBVIMS intake fields (issue 17): each code list against GBVIMS' own, recorded at
intake (page and API), shown on the case page, corrected after intake by the unit's
caseworkers and coordinators only, audited; and the stored GBVIMS context of incidents
classified before the finer relation existed, derived again by migration 0010."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.audit.models import AuditEvent
from sipakatau.cases.codes import (
    AbductionType,
    GbvimsContext,
    GbvimsType,
    HarmfulPractice,
    LegalAction,
    Occupation,
    PartyRole,
    PerpetratorCount,
    ReferredFrom,
    RelationDetail,
    ReportedElsewhere,
    ReportedTo,
    TimeOfDay,
    YesNoUnknown,
    perpetrator_band,
)
from sipakatau.cases.models import Case, CaseParty, Incident, PerpetratorLink
from sipakatau.cases.services import classification, edits, intake
from sipakatau.cases.services.gbvims_details import IncidentDetails
from sipakatau.cases.services.intake import Particulars
from tests.builders import API, add_party, bearer, open_case, post
from tests.factories import Persona, english

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")

# --- Each code list against GBVIMS' list ---------------------------------------------------
# Source: the GBVIMS intake form and Incident Recorder as Primero implements them
# (primeroIMS/primero, db/forms/incident/gbv_incident.rb, gbv_type_of_violence.rb,
# gbv_alleged_perpetrator.rb, services.rb, the lookups "lookup-gbv-reported-elsewhere" and
# "lookup-yes-no-undecided", and the Incident Recorder exporter's SERVICE_REFERRED_FROM).
# GBVIMS option id → our code.

GBVIMS_TIME_OF_DAY = {
    "Morning (sunrise to noon)": TimeOfDay.MORNING,
    "Afternoon (noon to sunset)": TimeOfDay.AFTERNOON,
    "Evening/Night (sunset to sunrise)": TimeOfDay.EVENING_NIGHT,
    "Unknown/Not Applicable": TimeOfDay.UNKNOWN,
}
GBVIMS_ABDUCTION = {
    "none": AbductionType.NONE,
    "forced_conscription": AbductionType.FORCED_CONSCRIPTION,
    "trafficked": AbductionType.TRAFFICKED,
    "other_abduction_kidnapping": AbductionType.OTHER_ABDUCTION,
}
# "Yes, No, Or Unknown" is the lookup's own name; its values are the first three.
GBVIMS_REPORTED_ELSEWHERE = {
    "no": ReportedElsewhere.NO,
    "gbvims-org": ReportedElsewhere.YES_GBVIMS_ORG,
    "non-gbvims-org": ReportedElsewhere.YES_NON_GBVIMS_ORG,
    "unknown": ReportedElsewhere.UNKNOWN,
}
GBVIMS_REPORTED_TO = {
    "health_medical_service": ReportedTo.HEALTH,
    "psychosocial_service": ReportedTo.PSYCHOSOCIAL,
    "police_other_service": ReportedTo.POLICE,
    "legal_assistance_service": ReportedTo.LEGAL,
    "livelihoods_service": ReportedTo.LIVELIHOODS,
    "safehouse_service": ReportedTo.SAFE_HOUSE,
    "other": ReportedTo.OTHER,
}
GBVIMS_PREVIOUS_INCIDENTS = {
    "true": YesNoUnknown.YES,
    "false": YesNoUnknown.NO,
    "unknown": YesNoUnknown.UNKNOWN,
}
# lookup-yes-no-undecided, and the Incident Recorder's "N/A" (no legal services).
GBVIMS_LEGAL_ACTION = {
    "true": LegalAction.YES,
    "false": LegalAction.NO,
    "undecided": LegalAction.UNDECIDED,
    "not_applicable": LegalAction.NOT_APPLICABLE,
}
GBVIMS_NUMBER_OF_PERPETRATORS = {
    "1": PerpetratorCount.ONE,
    "2": PerpetratorCount.TWO,
    "3": PerpetratorCount.THREE,
    "more_than_3": PerpetratorCount.MORE_THAN_3,
    "unknown": PerpetratorCount.UNKNOWN,
}
GBVIMS_REFERRED_FROM = {
    "health_medical_services": ReferredFrom.HEALTH,
    "psychosocial_counseling_services": ReferredFrom.PSYCHOSOCIAL,
    "police_other_security_actor": ReferredFrom.POLICE,
    "legal_assistance_services": ReferredFrom.LEGAL,
    "livelihoods_program": ReferredFrom.LIVELIHOODS,
    "self_referral_first_point_of_contact": ReferredFrom.SELF,
    "teacher_school_official": ReferredFrom.TEACHER,
    "community_or_camp_leader": ReferredFrom.COMMUNITY_LEADER,
    "safe_house_shelter": ReferredFrom.SAFE_HOUSE,
    "other_humanitarian_or_development_actor": ReferredFrom.OTHER_HUMANITARIAN,
    "other_government_service": ReferredFrom.OTHER_GOVERNMENT,
    "other": ReferredFrom.OTHER,
}
# "no" and five practices a country names for itself ("Type of Practice 1" … "5").
GBVIMS_HARMFUL_PRACTICE = {
    "no": HarmfulPractice.NO,
    "type_of_practice_1": HarmfulPractice.CHILD_MARRIAGE,
    "type_of_practice_2": HarmfulPractice.FORCED_MARRIAGE,
    "type_of_practice_3": HarmfulPractice.FGM_C,
    "type_of_practice_4": HarmfulPractice.HONOUR,
    "type_of_practice_5": HarmfulPractice.OTHER,
}


@pytest.mark.parametrize(
    ("gbvims", "codes"),
    [
        (GBVIMS_TIME_OF_DAY, TimeOfDay),
        (GBVIMS_ABDUCTION, AbductionType),
        (GBVIMS_REPORTED_ELSEWHERE, ReportedElsewhere),
        (GBVIMS_REPORTED_TO, ReportedTo),
        (GBVIMS_PREVIOUS_INCIDENTS, YesNoUnknown),
        (GBVIMS_LEGAL_ACTION, LegalAction),
        (GBVIMS_NUMBER_OF_PERPETRATORS, PerpetratorCount),
        (GBVIMS_REFERRED_FROM, ReferredFrom),
        (GBVIMS_HARMFUL_PRACTICE, HarmfulPractice),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_code_list_is_gbvims_list_one_code_per_option(
    gbvims: dict[str, str], codes: type[object]
) -> None:
    # Every GBVIMS option has its own code, and there is no code GBVIMS does not have.
    assert len(set(gbvims.values())) == len(gbvims)
    assert set(gbvims.values()) == set(codes.values)  # type: ignore[attr-defined]


def test_the_perpetrator_occupation_list_has_the_options_gbvims_fixes() -> None:
    # GBVIMS fixes "Other", "Unemployed" and "Unknown" and leaves the rest to the country
    # ("Occupation 1" … "5"): the national (SIMFONI) list has the first two, blank is
    # unknown, and its other codes are Indonesia's occupations.
    fixed = {"other": Occupation.LAINNYA, "unemployed": Occupation.TIDAK_BEKERJA, "unknown": ""}
    assert {code for code in fixed.values() if code} <= set(Occupation.values)
    assert "" not in Occupation.values
    assert len(set(Occupation.values) - set(fixed.values())) >= 5


@pytest.mark.parametrize(
    ("stated", "recorded", "band"),
    [
        ("", 0, "UNKNOWN"),
        ("", 1, "1"),
        ("", 5, "MORE_THAN_3"),
        ("2", 1, "2"),  # one recorded, two told: the survivor knows more than the record
        ("1", 2, "2"),  # two recorded: at least two
        ("UNKNOWN", 3, "3"),
        ("MORE_THAN_3", 2, "MORE_THAN_3"),
    ],
)
def test_the_number_of_perpetrators_is_the_larger_of_told_and_recorded(
    stated: str, recorded: int, band: str
) -> None:
    assert perpetrator_band(stated, recorded) == band


# --- Intake ------------------------------------------------------------------------------

GBVIMS_FORM = {
    "gbvims-referred_from": "TEACHER",
    "gbvims-time_of_day": "EVENING_NIGHT",
    "gbvims-perpetrator_count": "2",
    "gbvims-abduction_type": "OTHER_ABDUCTION",
    "gbvims-harmful_practice": "HONOUR",
    "gbvims-reported_elsewhere": "YES_NON_GBVIMS_ORG",
    "gbvims-reported_to": ["POLICE", "HEALTH"],
    "gbvims-previous_incidents": "YES",
    "gbvims-legal_action": "UNDECIDED",
}


def test_intake_stores_each_field_and_the_case_page_shows_it(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    # Given a volunteer's intake with a victim
    case = open_case(bahagia_volunteer.membership, draft=True)
    victim = add_party(bahagia_volunteer.membership, case, name="Ani", age=19)

    # when screen 3 is sent with the GBVIMS questions and the perpetrator's work
    response = bahagia_volunteer.client.post(
        reverse("cases:intake_incident", args=[case.pk]),
        {
            "narrative": "Dibawa lari",
            "occurred_on": (date.today() - timedelta(days=2)).isoformat(),
            "violence_forms": ["FISIK"],
            "perp-name": "Baso",
            "perp-sex": "L",
            "perp-relationship": "TETANGGA",
            "perp-victim": victim.pk,
            "perp-occupation": "NELAYAN",
            "consent-method": "VERBAL_WITNESSED",
            "consent-witness_name": "Ibu RT",
            **GBVIMS_FORM,
        },
    )

    # then every field is stored
    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    assert (
        incident.referred_from,
        incident.time_of_day,
        incident.perpetrator_count,
        incident.abduction_type,
        incident.harmful_practice,
        incident.reported_elsewhere,
        incident.reported_to,
        incident.previous_incidents,
        incident.legal_action,
    ) == (
        "TEACHER",
        "EVENING_NIGHT",
        "2",
        "OTHER_ABDUCTION",
        "HONOUR",
        "YES_NON_GBVIMS_ORG",
        ["POLICE", "HEALTH"],
        "YES",
        "UNDECIDED",
    )
    # A type of abduction answers the classification's yes/no question too.
    assert incident.abduction
    assert CaseParty.objects.get(case=case, role=PartyRole.PERPETRATOR).occupation == "NELAYAN"

    # and the case page shows them in words
    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))
    for words in (
        "Teacher or school official",
        "Evening or night (sunset to sunrise)",
        "Other abduction or kidnapping",
        "Violence for the family&#x27;s honour",
        "Yes, to another service",
        "Police or other security actor",
        "Undecided at the time of the report",
        "Fisher",
    ):
        assertContains(page, words)


def test_intake_without_the_gbvims_questions_leaves_them_blank(
    bahagia_volunteer: Persona,
) -> None:
    case = open_case(bahagia_volunteer.membership, draft=True)
    add_party(bahagia_volunteer.membership, case)

    response = bahagia_volunteer.client.post(
        reverse("cases:intake_incident", args=[case.pk]),
        {
            "narrative": "Diancam",
            "perp-sex": "U",
            "consent-method": "VERBAL_WITNESSED",
            "consent-witness_name": "Ibu RT",
        },
    )

    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    assert [getattr(incident, name) for name in ("time_of_day", "referred_from")] == ["", ""]
    assert incident.reported_to == [] and incident.abduction_type == ""
    assert not CaseParty.objects.filter(case=case, role=PartyRole.PERPETRATOR).exists()


def test_where_it_was_reported_is_refused_when_it_was_not_reported(
    bahagia_volunteer: Persona,
) -> None:
    case = open_case(bahagia_volunteer.membership)

    with pytest.raises(ValidationError) as refused:
        intake.incident_record(
            actor=bahagia_volunteer.membership,
            case=case,
            occurred_on=None,
            details=IncidentDetails(reported_elsewhere="NO", reported_to=["POLICE"]),
        )

    assert "reported_to" in refused.value.message_dict


def test_the_api_takes_the_fields_and_refuses_a_bad_code_per_field(
    bahagia_volunteer: Persona, ikhlas_volunteer: Persona
) -> None:
    client = bearer(bahagia_volunteer)
    case_id = post(client, API, {"channel": "WALK_IN"}).json()["id"]
    details = {key.removeprefix("gbvims-"): value for key, value in GBVIMS_FORM.items()}

    # A suspected perpetrator with her or his work: 201
    created = post(
        client,
        f"{API}/{case_id}/parties",
        {"role": "PERPETRATOR", "person": {"name": "Baso"}, "perpetrator_occupation": "PETANI"},
    )
    assert created.status_code == 201
    assert created.json()["occupation"] == "PETANI"

    # The incident with every GBVIMS field, read back
    recorded = post(client, f"{API}/{case_id}/incident", {"narrative": "x", "gbvims": details})
    assert recorded.status_code == 200, recorded.content
    assert {key: recorded.json()[key] for key in details} == details

    # A bad code: 422, the field named, nothing changed
    refused = post(
        client,
        f"{API}/{case_id}/incident",
        {"gbvims": {**details, "time_of_day": "MIDNIGHT", "referred_from": "NEIGHBOUR"}},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid"
    assert {error["field"] for error in refused.json()["detail"]} == {
        "time_of_day",
        "referred_from",
    }
    assert Incident.objects.get(case_id=case_id).time_of_day == "EVENING_NIGHT"

    # A victim's particulars are not a perpetrator's work
    wrong = post(
        client,
        f"{API}/{case_id}/parties",
        {"role": "WITNESS", "person": {"name": "Saksi"}, "perpetrator_occupation": "PETANI"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "occupation"

    # Another unit's volunteer: 404
    other = post(bearer(ikhlas_volunteer), f"{API}/{case_id}/incident", {"gbvims": details})
    assert other.status_code == 404


# --- Correcting after intake -------------------------------------------------------------


@pytest.fixture
def taken(bahagia_volunteer: Persona) -> tuple[Case, CaseParty, CaseParty]:
    """A volunteer's completed intake: a victim and a suspected perpetrator, "Pacar/Teman"
    without the finer relation, classified as physical assault."""
    actor = bahagia_volunteer.membership
    case = open_case(actor)
    victim = add_party(actor, case, name="Ani", age=19)
    perpetrator = add_party(actor, case, PartyRole.PERPETRATOR, name="Baso", sex="L", age=20)
    intake.perpetrator_link_set(
        actor=actor, case=case, victim=victim, perpetrator=perpetrator, relationship="PACAR_TEMAN"
    )
    intake.incident_record(actor=actor, case=case, occurred_on=None, violence_forms=["FISIK"])
    classification.incident_classify(actor=actor, case=case, answers={"physical": True})
    return case, victim, perpetrator


def _events(action: str) -> list[list[str]]:
    return [event.fields for event in AuditEvent.objects.filter(action=action).order_by("seq")]


def test_a_caseworker_corrects_the_particulars_and_the_relation_on_the_page(
    bahagia_caseworker: Persona, taken: tuple[Case, CaseParty, CaseParty]
) -> None:
    case, victim, perpetrator = taken
    client = english(bahagia_caseworker.client)
    assert Incident.objects.get(case=case).gbvims_context == []

    # The victim's particulars
    url = reverse("cases:party_particulars", args=[victim.pk])
    assertContains(client.get(url), "Last school attended")
    response = client.post(
        url, {"education": "SLTA", "occupation": "PELAJAR_MAHASISWA", "marital_status": ""}
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert (victim.education, victim.occupation) == ("SLTA", "PELAJAR_MAHASISWA")
    assert _events("case.particulars_set") == [["education", "occupation"]]

    # The perpetrator's work and finer relation: a boyfriend, so intimate-partner violence
    url = reverse("cases:party_particulars", args=[perpetrator.pk])
    page = client.get(url)
    assertContains(page, "Main work of the suspected perpetrator")
    assertContains(page, 'value="PACAR_TEMAN" selected')
    response = client.post(
        url,
        {
            "occupation": "SWASTA_BURUH",
            "rel-victim": victim.pk,
            "rel-relationship": "PACAR_TEMAN",
            "rel-relation_detail": "PACAR",
        },
    )
    assert response.status_code == 302
    perpetrator.refresh_from_db()
    assert perpetrator.occupation == "SWASTA_BURUH"
    link = PerpetratorLink.objects.get(case=case)
    assert link.relation_detail == RelationDetail.PACAR
    # The stored context follows at once, without classifying again.
    assert Incident.objects.get(case=case).gbvims_context == [GbvimsContext.INTIMATE_PARTNER]
    assert ["gbvims_context"] in _events("incident.context_derived")

    # A relation that does not fit the category is refused on the form
    refused = client.post(
        url,
        {"rel-victim": victim.pk, "rel-relationship": "TETANGGA", "rel-relation_detail": "PACAR"},
    )
    assertContains(refused, "This relation does not fit the relationship chosen.")


def test_a_caseworker_sets_the_gbvims_fields_after_intake_on_the_page(
    bahagia_caseworker: Persona, taken: tuple[Case, CaseParty, CaseParty]
) -> None:
    case, _victim, _perpetrator = taken
    url = reverse("cases:incident_details", args=[case.pk])
    client = english(bahagia_caseworker.client)
    assertContains(client.get(url), "Who sent her or him to us?")

    response = client.post(
        url, {"referred_from": "SELF", "legal_action": "YES", "perpetrator_count": "1"}
    )

    assert response.status_code == 302
    incident = Incident.objects.get(case=case)
    assert (incident.referred_from, incident.legal_action, incident.perpetrator_count) == (
        "SELF",
        "YES",
        "1",
    )
    assert _events("incident.gbvims_details_set") == [
        ["legal_action", "perpetrator_count", "referred_from"]
    ]
    assertContains(client.get(reverse("cases:case_detail", args=[case.pk])), "Wants legal action")


def test_the_pages_are_404_for_another_unit_and_refused_to_the_volunteer(
    bahagia_volunteer: Persona,
    ikhlas_caseworker: Persona,
    taken: tuple[Case, CaseParty, CaseParty],
) -> None:
    case, victim, perpetrator = taken
    urls = [
        reverse("cases:incident_details", args=[case.pk]),
        reverse("cases:party_particulars", args=[victim.pk]),
        reverse("cases:party_particulars", args=[perpetrator.pk]),
    ]
    for url in urls:
        assert ikhlas_caseworker.client.get(url).status_code == 404
        assert ikhlas_caseworker.client.post(url, {"education": "SD"}).status_code == 404
        # The volunteer who took the intake sees the case, but corrects nothing.
        assert bahagia_volunteer.client.get(url).status_code == 403
        assert bahagia_volunteer.client.post(url, {"education": "SD"}).status_code == 403
    victim.refresh_from_db()
    assert victim.education == ""
    assert not _events("case.particulars_set")


def test_the_services_refuse_a_volunteer_after_intake(
    bahagia_volunteer: Persona, taken: tuple[Case, CaseParty, CaseParty]
) -> None:
    case, victim, perpetrator = taken
    actor = bahagia_volunteer.membership
    with pytest.raises(PermissionDenied):
        edits.incident_details_set(actor=actor, case=case, details=IncidentDetails())
    with pytest.raises(PermissionDenied):
        edits.party_particulars_set(actor=actor, party=victim, particulars=Particulars())
    with pytest.raises(PermissionDenied):
        edits.perpetrator_edit(actor=actor, party=perpetrator, occupation="PETANI")


def test_the_api_corrections(
    bahagia_caseworker: Persona,
    bahagia_volunteer: Persona,
    ikhlas_caseworker: Persona,
    taken: tuple[Case, CaseParty, CaseParty],
) -> None:
    case, victim, perpetrator = taken
    client = bearer(bahagia_caseworker)

    def put(who: object, url: str, body: dict[str, object]) -> object:
        return who.put(url, body, content_type="application/json")  # type: ignore[attr-defined]

    details = put(client, f"{API}/{case.pk}/incident/details", {"time_of_day": "MORNING"})
    assert details.status_code == 200  # type: ignore[attr-defined]
    assert details.json()["time_of_day"] == "MORNING"  # type: ignore[attr-defined]

    particulars = put(
        client, f"{API}/parties/{victim.pk}/particulars", {"citizenship": "WNI", "education": "SD"}
    )
    assert particulars.json()["citizenship"] == "WNI"  # type: ignore[attr-defined]

    edited = put(
        client,
        f"{API}/parties/{perpetrator.pk}/perpetrator",
        {
            "occupation": "PETANI",
            "victim_party_id": victim.pk,
            "relationship": "PACAR_TEMAN",
            "relation_detail": "MANTAN_PACAR",
        },
    )
    assert edited.status_code == 200, edited.content  # type: ignore[attr-defined]
    assert edited.json()["relationships"][0]["relation_detail"] == "MANTAN_PACAR"  # type: ignore[attr-defined]
    assert Incident.objects.get(case=case).gbvims_context == [GbvimsContext.INTIMATE_PARTNER]

    # A bad code: 422 naming the field
    bad = put(client, f"{API}/parties/{victim.pk}/particulars", {"education": "SMA"})
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert bad.json()["detail"][0]["field"] == "education"  # type: ignore[attr-defined]

    # Another unit: 404; the volunteer who took the intake: 403
    for who, status in ((bearer(ikhlas_caseworker), 404), (bearer(bahagia_volunteer), 403)):
        answer = put(who, f"{API}/{case.pk}/incident/details", {"time_of_day": "AFTERNOON"})
        assert answer.status_code == status  # type: ignore[attr-defined]
        answer = put(who, f"{API}/parties/{victim.pk}/particulars", {"education": "SLTP"})
        assert answer.status_code == status  # type: ignore[attr-defined]
    assert Incident.objects.get(case=case).time_of_day == "MORNING"

    assert _events("incident.gbvims_details_set") == [["time_of_day"]]
    assert ["citizenship", "education"] in [sorted(f) for f in _events("case.particulars_set")]


# --- Old incidents: migration 0010 ---------------------------------------------------------


def test_migration_0010_derives_the_stored_context_again_in_batches(
    bahagia_volunteer: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given incidents classified when "Pacar/Teman" counted as a partner (their stored
    # context says intimate-partner violence), and one by a boyfriend
    actor = bahagia_volunteer.membership
    stale, boyfriend = [], None
    for n, detail in enumerate(["", "TEMAN", "", "PACAR", "TEMAN"]):
        case = open_case(actor)
        victim = add_party(actor, case, name=f"Korban {n}", age=15)
        perpetrator = add_party(actor, case, PartyRole.PERPETRATOR, name=f"Pelaku {n}")
        PerpetratorLink.objects.create(
            case=case,
            victim=victim,
            perpetrator=perpetrator,
            relationship="PACAR_TEMAN",
            relation_detail=detail,
        )
        incident = Incident.objects.create(
            case=case,
            gbvims_type=GbvimsType.RAPE,
            gbvims_context=[GbvimsContext.INTIMATE_PARTNER],
        )
        if detail == "PACAR":
            boyfriend = incident
        else:
            stale.append(incident)
    unclassified = Incident.objects.create(case=open_case(actor), gbvims_context=[])
    assert boyfriend is not None

    # when the migration runs, two incidents at a time (and again)
    migration = importlib.import_module("sipakatau.cases.migrations.0010_recompute_gbvims_context")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.recompute(apps, None)
    migration.recompute(apps, None)

    # then each context is what the service derives today: a child's rape is child sexual
    # abuse; a partner only where the finer relation says so
    for incident in stale:
        incident.refresh_from_db()
        assert incident.gbvims_context == [GbvimsContext.CHILD_SEXUAL_ABUSE]
    boyfriend.refresh_from_db()
    assert boyfriend.gbvims_context == [
        GbvimsContext.INTIMATE_PARTNER,
        GbvimsContext.CHILD_SEXUAL_ABUSE,
    ]
    unclassified.refresh_from_db()
    assert unclassified.gbvims_context == []
    # the same as a classification now gives
    case = boyfriend.case
    again = classification.incident_classify(actor=actor, case=case, answers={"penetration": True})
    assert again.gbvims_context == boyfriend.gbvims_context


def test_a_perpetrator_recorded_without_a_relation_gets_one_on_the_page(
    bahagia_caseworker: Persona,
) -> None:
    # Given a case whose suspected perpetrator was recorded without any relation
    actor = bahagia_caseworker.membership
    case = open_case(actor)
    victim = add_party(actor, case, name="Ani")
    perpetrator = add_party(actor, case, PartyRole.PERPETRATOR, name="Baso", sex="L")
    url = reverse("cases:party_particulars", args=[perpetrator.pk])

    # when the page is sent as shown (the one victim is chosen for the worker)
    page = bahagia_caseworker.client.get(url)
    assertContains(page, f'name="rel-victim" value="{victim.pk}"')
    response = bahagia_caseworker.client.post(
        url, {"rel-victim": victim.pk, "rel-relationship": "TETANGGA", "occupation": ""}
    )

    # then the relation is recorded
    assert response.status_code == 302
    assert PerpetratorLink.objects.get(case=case).relationship == "TETANGGA"
