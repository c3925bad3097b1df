"""GBVIMS classification (first "yes" wins), derived contexts, TPKS offences, and the
police-forwarding deadline that sexual violence starts (UU 12/2022 TPKS Pasal 41)."""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import GbvimsContext, GbvimsType, PartyRole, Relationship, TpksOffence
from sipakatau.cases.models import Case
from sipakatau.cases.services import classification, intake
from sipakatau.cases.services.classification import (
    GBVIMS_QUESTIONS,
    gbvims_context_from,
    gbvims_type_from,
)
from tests.builders import add_party, open_case
from tests.factories import Persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")

KEYS = [question.key for question in GBVIMS_QUESTIONS]


# --- the wizard's order -----------------------------------------------------------------


def test_the_questions_follow_the_standards_order() -> None:
    assert [question.answer for question in GBVIMS_QUESTIONS] == [
        GbvimsType.RAPE,
        GbvimsType.SEXUAL_ASSAULT,
        GbvimsType.PHYSICAL_ASSAULT,
        GbvimsType.FORCED_MARRIAGE,
        GbvimsType.DENIAL_OF_RESOURCES,
        GbvimsType.PSYCHOLOGICAL_ABUSE,
    ]


@pytest.mark.parametrize("answers", list(itertools.product([False, True], repeat=len(KEYS))))
def test_the_first_yes_decides_for_every_combination_of_answers(answers: tuple[bool, ...]) -> None:
    given = dict(zip(KEYS, answers, strict=True))

    expected = next(
        (question.answer for question, yes in zip(GBVIMS_QUESTIONS, answers, strict=True) if yes),
        GbvimsType.NON_GBV,
    )
    assert gbvims_type_from(given) == expected


@pytest.mark.parametrize(("earlier", "later"), list(itertools.combinations(range(len(KEYS)), 2)))
def test_of_any_two_yes_answers_the_earlier_question_wins(earlier: int, later: int) -> None:
    answers = {KEYS[earlier]: True, KEYS[later]: True}

    assert gbvims_type_from(answers) == GBVIMS_QUESTIONS[earlier].answer


def test_no_yes_at_all_is_not_gender_based_violence() -> None:
    assert gbvims_type_from({}) == GbvimsType.NON_GBV
    assert gbvims_type_from(dict.fromkeys(KEYS, False)) == GbvimsType.NON_GBV


# --- derived contexts -------------------------------------------------------------------


def _contexts(
    gbvims_type: str,
    *,
    relationships: frozenset[str] = frozenset(),
    child: bool = False,
    goods: bool = False,
    abduction: bool = False,
) -> set[str]:
    return set(
        gbvims_context_from(
            gbvims_type=gbvims_type,
            relationships=set(relationships),
            victim_is_child=child,
            goods_exchanged=goods,
            abduction=abduction,
        )
    )


# "Pacar/Teman" alone may be a friend: see test_codes_fidelity for the finer relation.
@pytest.mark.parametrize("partner", [Relationship.SUAMI_ISTRI])
def test_violence_by_a_partner_is_intimate_partner_violence(partner: str) -> None:
    assert _contexts(GbvimsType.PHYSICAL_ASSAULT, relationships=frozenset({partner})) == {
        GbvimsContext.INTIMATE_PARTNER
    }
    assert (
        _contexts(GbvimsType.PHYSICAL_ASSAULT, relationships=frozenset({Relationship.TETANGGA}))
        == set()
    )
    assert _contexts(GbvimsType.NON_GBV, relationships=frozenset({partner})) == set()


@pytest.mark.parametrize("sexual", [GbvimsType.RAPE, GbvimsType.SEXUAL_ASSAULT])
def test_sexual_violence_against_a_child_is_child_sexual_abuse(sexual: str) -> None:
    assert _contexts(sexual, child=True) == {GbvimsContext.CHILD_SEXUAL_ABUSE}
    assert _contexts(sexual, child=False) == set()
    assert _contexts(GbvimsType.PHYSICAL_ASSAULT, child=True) == set()


def test_forced_marriage_of_a_child_is_early_marriage() -> None:
    assert _contexts(GbvimsType.FORCED_MARRIAGE, child=True) == {GbvimsContext.EARLY_MARRIAGE}
    assert _contexts(GbvimsType.FORCED_MARRIAGE, child=False) == set()


@pytest.mark.parametrize("sexual", [GbvimsType.RAPE, GbvimsType.SEXUAL_ASSAULT])
def test_sexual_violence_with_goods_exchanged_or_abduction_is_possible_exploitation_or_slavery(
    sexual: str,
) -> None:
    assert _contexts(sexual, goods=True) == {GbvimsContext.SEXUAL_EXPLOITATION}
    assert _contexts(sexual, abduction=True) == {GbvimsContext.SEXUAL_SLAVERY}
    assert _contexts(GbvimsType.PHYSICAL_ASSAULT, goods=True, abduction=True) == set()


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


@pytest.fixture
def case(volunteer: Membership) -> Case:
    return open_case(volunteer)


def test_classifying_an_incident_derives_the_context_from_the_people_in_the_case(
    volunteer: Membership, case: Case
) -> None:
    # Given a 14-year-old girl married off and abused by her "husband"
    victim = add_party(volunteer, case, name="Ani", age=14)
    husband = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Baso", sex="L", age=40)
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=victim,
        perpetrator=husband,
        relationship=Relationship.SUAMI_ISTRI,
    )

    # when the wizard is answered "penetration: yes" and "forced marriage: yes", money changed hands
    incident = classification.incident_classify(
        actor=volunteer,
        case=case,
        answers={"penetration": True, "forced_marriage": True},
        goods_exchanged=True,
    )

    # then the type is rape (asked first), with its contexts derived, not chosen
    assert incident.gbvims_type == GbvimsType.RAPE
    assert set(incident.gbvims_context) == {
        GbvimsContext.INTIMATE_PARTNER,
        GbvimsContext.CHILD_SEXUAL_ABUSE,
        GbvimsContext.SEXUAL_EXPLOITATION,
    }
    assert incident.goods_exchanged


def test_reclassifying_replaces_the_type_and_the_contexts(
    volunteer: Membership, case: Case
) -> None:
    add_party(volunteer, case, name="Ani", age=15)
    classification.incident_classify(actor=volunteer, case=case, answers={"forced_marriage": True})

    incident = classification.incident_classify(
        actor=volunteer, case=case, answers={"denial": True}
    )

    assert incident.gbvims_type == GbvimsType.DENIAL_OF_RESOURCES
    assert incident.gbvims_context == []


# --- TPKS offences ----------------------------------------------------------------------


def test_tpks_offences_are_checked_against_the_list(volunteer: Membership, case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        classification.incident_classify(
            actor=volunteer, case=case, answers={}, tpks_offences=["PERKOSAAN", "SANTET"]
        )
    assert set(error.value.message_dict) == {"tpks_offences"}

    incident = classification.incident_classify(
        actor=volunteer,
        case=case,
        answers={"sexual_contact": True},
        tpks_offences=[TpksOffence.PELECEHAN_FISIK, TpksOffence.KSBE, TpksOffence.PELECEHAN_FISIK],
    )
    assert incident.tpks_offences == [TpksOffence.PELECEHAN_FISIK, TpksOffence.KSBE]


def test_only_front_line_staff_of_the_unit_classify(
    case: Case, ikhlas_caseworker: Persona, lurah: Persona
) -> None:
    for outsider in (ikhlas_caseworker, lurah):
        with pytest.raises(PermissionDenied):
            classification.incident_classify(
                actor=outsider.membership, case=case, answers={"physical": True}
            )


# --- police forwarding (UU 12/2022 TPKS Pasal 41: 3x24 hours) ---------------------------


def _police_deadline(case: Case) -> list[object]:
    return list(case.deadlines.filter(code="police_forwarding"))


def test_recording_sexual_violence_starts_the_72_hour_police_forwarding_deadline(
    volunteer: Membership,
) -> None:
    # Pasal 41 counts 3x24 hours from the report, not from when someone recorded the form.
    reported_at = timezone.now() - timedelta(hours=10)
    case = intake.case_open(actor=volunteer, channel="WALK_IN", reported_at=reported_at)
    intake.incident_record(actor=volunteer, case=case, occurred_on=None, violence_forms=["SEKSUAL"])

    (deadline,) = case.deadlines.filter(code="police_forwarding")
    assert deadline.due_at == reported_at + timedelta(hours=72)
    assert deadline.met_at is None


@pytest.mark.parametrize(
    "classify",
    [
        {"answers": {"penetration": True}},
        {"answers": {"sexual_contact": True}},
        {"answers": {}, "tpks_offences": ["KSBE"]},
    ],
    ids=["rape", "sexual assault", "TPKS offence"],
)
def test_classifying_sexual_violence_starts_the_deadline_once(
    volunteer: Membership, case: Case, classify: dict[str, object]
) -> None:
    classification.incident_classify(actor=volunteer, case=case, **classify)  # type: ignore[arg-type]
    classification.incident_classify(actor=volunteer, case=case, **classify)  # type: ignore[arg-type]
    intake.incident_record(actor=volunteer, case=case, occurred_on=None, violence_forms=["SEKSUAL"])

    assert len(_police_deadline(case)) == 1


def test_other_violence_starts_no_police_forwarding_deadline(
    volunteer: Membership, case: Case
) -> None:
    intake.incident_record(
        actor=volunteer, case=case, occurred_on=None, violence_forms=["FISIK", "PSIKIS"]
    )
    classification.incident_classify(actor=volunteer, case=case, answers={"physical": True})

    assert _police_deadline(case) == []


def test_recording_the_forwarding_meets_the_deadline_and_it_does_not_come_back(
    volunteer: Membership, case: Case
) -> None:
    intake.incident_record(actor=volunteer, case=case, occurred_on=None, violence_forms=["SEKSUAL"])

    intake.police_forwarding_record(actor=volunteer, case=case)
    classification.incident_classify(actor=volunteer, case=case, answers={"penetration": True})

    (deadline,) = case.deadlines.filter(code="police_forwarding")
    assert deadline.met_at is not None
