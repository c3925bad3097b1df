"""Screening rules: compiled against the facts, edited and test-run by a Dinsos officer,
run onto the worklist once; and a case's needs putting a household on the same list."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sipakatau.social import services
from sipakatau.social.models import ScreeningRule, WorklistEntry
from sipakatau.social.queries import worklist_visible_to
from sipakatau.social.rules import compile_rule, household_facts
from tests.factories import Persona

from .conftest import household, person, programme


def test_a_rule_reads_like_the_sentence_and_refuses_unknown_names(db: None) -> None:
    rule = compile_rule("desil <= 4 and not in_pkh")
    assert rule.evaluate({"desil": 3.0, "in_pkh": False}) is True
    assert rule.evaluate({"desil": 5.0, "in_pkh": False}) is False
    assert rule.evaluate({"desil": None, "in_pkh": False}) is None  # not known, not flagged
    with pytest.raises(ValidationError) as refused:
        compile_rule("desil <= 4 and not in_pkk")
    assert "in_pkk" in refused.value.message_dict["expression"][0]
    with pytest.raises(ValidationError):
        compile_rule("desil <= ")
    with pytest.raises(ValidationError):
        compile_rule("__import__('os')")


def test_the_facts_come_from_dtsen_documents_enrolments_and_people(
    bahagia_coordinator: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    home = household(actor, ws, age_estimate=40)
    child = person(actor, "Ani", age_estimate=6)
    services.household_member_add(actor=actor, household=home, person=child, relationship="ANAK")
    services.document_record(actor=actor, person=child, kind="AKTA_KELAHIRAN", status="MISSING")
    services.dtsen_record(
        actor=actor,
        household=home,
        status="LISTED",
        desil=2,
        source="DATA_DINSOS",
        known_on=date(2025, 2, 1),
    )
    services.enrolment_record(
        actor=actor,
        programme=programme("BPNT"),
        household=home,
        status="ENROLLED",
        source="KATA_WARGA",
        known_on=date(2025, 2, 1),
    )
    facts = household_facts([home.pk])[home.pk]
    assert facts["desil"] == 2.0 and facts["in_dtsen"] and facts["in_bpnt"] and not facts["in_pkh"]
    assert facts["members"] == 2 and facts["has_child"] and facts["has_child_without_akta"]
    assert facts["head_is_woman"] and not facts["has_pbi"]


def test_a_dinsos_officer_edits_a_rule_and_test_runs_it_before_saving(
    bahagia_coordinator: Persona, dinsos_officer: Persona, lurah: Persona, ws
) -> None:
    # Given two households of Watang Soreang: one poor without PKH, one richer
    actor = bahagia_coordinator.membership
    poor, richer = household(actor, ws), household(actor, ws, head="Rahmat", sex="L")
    services.dtsen_record(
        actor=actor,
        household=poor,
        status="LISTED",
        desil=3,
        source="CEK_BANSOS",
        known_on=date(2025, 1, 1),
    )
    services.dtsen_record(
        actor=actor,
        household=richer,
        status="LISTED",
        desil=7,
        source="CEK_BANSOS",
        known_on=date(2025, 1, 1),
    )
    officer = dinsos_officer.membership
    rule = services.rule_save(
        actor=officer,
        programme=programme("PKH"),
        expression="desil <= 2 and not in_pkh",
        description="Desil 1-2 tanpa PKH",
    )

    # When the officer changes the rule and test-runs the new text
    run = services.rule_test_run(actor=officer, expression="desil <= 4 and not in_pkh")
    # Then the poor household would be flagged, but Dinsos sees it only as a number
    assert (run.checked, run.flagged_total, run.flagged, run.flagged_elsewhere) == (2, 1, [], 1)
    assert (
        ScreeningRule.objects.get(pk=rule.pk).expression == "desil <= 2 and not in_pkh"
    )  # nothing saved

    # When the officer saves it
    services.rule_save(
        actor=officer,
        rule=rule,
        programme=programme("PKH"),
        expression="desil <= 4 and not in_pkh",
        description="Desil 1-4 tanpa PKH",
    )
    # Then the kelurahan's screening flags the poor household once, however often it runs
    assert services.screening_run(actor=lurah.membership, kelurahan=ws) == 1
    assert services.screening_run(actor=lurah.membership, kelurahan=ws) == 0
    entry = worklist_visible_to(lurah.membership).get()
    assert (entry.household, entry.reason) == (poor, "Desil 1-4 tanpa PKH")
    # A kelurahan officer sees why when she test-runs? No: only Dinsos edits and test-runs.
    with pytest.raises(PermissionDenied):
        services.rule_test_run(actor=lurah.membership, expression="desil <= 4")


def test_a_test_run_shows_names_and_reasons_of_households_dinsos_already_sees(
    bahagia_coordinator: Persona, dinsos_officer: Persona, lurah: Persona, ws
) -> None:
    from .test_batches import batch_through_signature

    batch = batch_through_signature(bahagia_coordinator, lurah, dinsos_officer, ws)
    proposed = batch.items.get().household
    services.dtsen_record(
        actor=bahagia_coordinator.membership,
        household=proposed,
        status="LISTED",
        desil=1,
        source="DATA_DINSOS",
        known_on=date(2025, 1, 1),
    )
    run = services.rule_test_run(
        actor=dinsos_officer.membership, expression="desil <= 4 and not in_pkh"
    )
    assert [(flag.household, flag.why) for flag in run.flagged] == [
        (proposed, "desil = 1, in_pkh = no")
    ]


def test_only_dinsos_of_the_area_edits_rules_and_a_broken_rule_is_never_saved(
    dinsos_officer: Persona, bahagia_coordinator: Persona, lurah: Persona
) -> None:
    for outsider in (bahagia_coordinator, lurah):
        with pytest.raises(PermissionDenied):
            services.rule_save(
                actor=outsider.membership,
                programme=programme("PKH"),
                expression="desil <= 4",
                description="x",
            )
    with pytest.raises(ValidationError):
        services.rule_save(
            actor=dinsos_officer.membership,
            programme=programme("PKH"),
            expression="desil <= 4 and punya_pkh",
            description="x",
        )
    assert not ScreeningRule.objects.exists()


def test_a_case_needs_assessment_puts_the_household_on_the_worklist(
    bahagia_caseworker: Persona,
    bahagia_coordinator: Persona,
    lurah: Persona,
    ikhlas_caseworker: Persona,
    ws,
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim

    case, victim = case_with_victim(
        bahagia_caseworker.membership,
        needs={"ECONOMIC": "Tidak ada penghasilan", "PSYCHOLOGICAL": "Trauma"},
    )
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    with pytest.raises(PermissionDenied):
        services.worklist_add_from_case_need(actor=ikhlas_caseworker.membership, case=case)

    entries = services.worklist_add_from_case_need(actor=bahagia_caseworker.membership, case=case)
    again = services.worklist_add_from_case_need(actor=bahagia_caseworker.membership, case=case)
    assert entries == again and len(entries) == 1
    entry = worklist_visible_to(lurah.membership).get()
    # The kelurahan sees the kind of need, not the story or that there is a case of violence
    assert entry.household == home and entry.why == "Needs: Economic"
    assert entry.needs == ["ECONOMIC"]
    assert WorklistEntry.objects.count() == 1
