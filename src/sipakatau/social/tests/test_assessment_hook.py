"""A case's needs assessment that raises a social-protection need puts the victim's
household on the kelurahan's worklist, once, through the hook cases offers."""

from sipakatau.cases.services import care
from sipakatau.cases.services.care import assessment_hooks
from sipakatau.referrals.tests.support import case_with_victim
from sipakatau.social import services
from sipakatau.social.models import WorklistEntry
from sipakatau.social.services.screening import on_assessment_recorded
from tests.factories import Persona

from .conftest import household


def test_the_hook_is_registered_once() -> None:
    assert assessment_hooks.count(on_assessment_recorded) == 1


def test_an_economic_need_puts_the_household_on_the_worklist_once(
    bahagia_caseworker: Persona, bahagia_coordinator: Persona, ws
) -> None:
    # Given a victim who is the head of a Watang Soreang household
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker, needs={})
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    assert not WorklistEntry.objects.exists()  # the first assessment had no needs

    # When the caseworker records an assessment with an economic need
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="MEDIUM",
        risk_criteria=[],
        needs={"ECONOMIC": "Suami pergi, tanpa penghasilan", "PHYSICAL": "Luka ringan"},
    )

    # Then the household is on the worklist with the need's code only
    entry = WorklistEntry.objects.get()
    assert (entry.household, entry.case, entry.source) == (home, case, "CASE_NEED")
    assert entry.needs == ["ECONOMIC"]
    assert "Suami" not in entry.reason + entry.why

    # And re-assessing (another social need) adds none
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="LOW",
        risk_criteria=[],
        needs={"CIVIL_DOCUMENTS": "Tidak punya akta anak"},
    )
    assert WorklistEntry.objects.count() == 1


def test_an_assessment_without_a_social_need_adds_nothing(
    bahagia_caseworker: Persona, bahagia_coordinator: Persona, ws
) -> None:
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={"PHYSICAL": "Luka"})
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    care.assessment_record(
        actor=bahagia_caseworker.membership,
        case=case,
        risk_level="LOW",
        risk_criteria=[],
        needs={"PHYSICAL": "Kontrol"},
    )
    assert not WorklistEntry.objects.exists()


def test_a_victim_without_a_household_does_not_stop_the_assessment(
    bahagia_caseworker: Persona,
) -> None:
    case, _victim = case_with_victim(bahagia_caseworker.membership)  # ECONOMIC, no household
    assert case.assessments.count() == 1
    assert not WorklistEntry.objects.exists()
