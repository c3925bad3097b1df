"""The data generator: what it writes is what the application would have written, so the
app's own queries find it and the audit chain and row seals verify."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.deadline_tally import FIELDS, counted
from sipakatau.cases.models import (
    Case,
    CaseDeadline,
    CaseParty,
    Consent,
    DeadlineTally,
    FollowUp,
    Incident,
)
from sipakatau.cases.queries import case_ids_matching
from sipakatau.demo.generate import simple_words
from sipakatau.mapping.analysis import Analysis
from sipakatau.mapping.models import Questionnaire, QuestionnaireStatus, Submission
from sipakatau.mapping.services.common import lists_of, specs_of
from sipakatau.people.models import Person, PersonNameToken
from sipakatau.referrals.models import Referral
from sipakatau.social.models import Household, ProposalBatch, ProposalItem
from sipakatau.social.queries.pages import household_by_kk
from tests.factories import make_user


def _generate(cases: int, **options: object) -> None:
    call_command(
        "generate_demo_data", cases=cases, end=date(2026, 11, 30), no_progress=True, **options
    )


def _coordinator(unit: Organisation) -> Membership:
    return Membership.objects.get(user=make_user(unit, Role.COORDINATOR), organisation=unit)


def _snapshot(cases: list[Case]) -> list[tuple[object, ...]]:
    """What a generated case holds, decrypted, without its generated keys."""
    rows = []
    for case in cases:
        parties = case.parties.select_related("person").order_by("pk")
        rows.append(
            (
                case.organisation_id,
                case.channel,
                case.status,
                case.risk_level,
                case.reported_at,
                case.incident.violence_forms,
                case.incident.place_type,
                [
                    (p.role, p.age_at_incident, p.person.name, p.person.nik, p.person.sex)
                    for p in parties
                ],
                case.referrals.count(),
                case.follow_ups.count(),
            )
        )
    return rows


@pytest.mark.django_db
def test_generated_cases_are_spread_over_units_with_their_people_and_records() -> None:
    _generate(60, kelurahan=3, seed=7, households=0, responses=0)

    cases = Case.objects.all()
    assert cases.count() == 60
    assert cases.values("organisation").distinct().count() == 3
    assert Incident.objects.count() == 60
    victims = CaseParty.objects.filter(role="VICTIM").count()
    assert victims >= 60
    assert Person.objects.count() == CaseParty.objects.count()  # one person per party
    assert PersonNameToken.objects.count() >= 7 * Person.objects.count()
    assert Person.objects.filter(nik_index__isnull=False).exists()
    assert 0 < Consent.objects.count() <= victims
    assert Referral.objects.exists() and FollowUp.objects.exists()
    assert AuditEvent.objects.filter(action="case.created").count() == 60
    # The monitoring counts, which the services keep, are counted for the generated rows
    kept = {
        (row.rule_set, row.code): {field: getattr(row, field) for field in FIELDS}
        for row in DeadlineTally.objects.all()
    }
    assert kept and kept == {
        key: {field: values.get(field, 0) for field in FIELDS}
        for key, values in counted(CaseDeadline.objects.all()).items()
    }


@pytest.mark.django_db
def test_a_generated_person_is_found_by_name_and_by_nik_through_the_case_search() -> None:
    _generate(40, kelurahan=2, seed=11)
    party = (
        CaseParty.objects.filter(role="VICTIM", person__nik_index__isnull=False)
        .select_related("person", "case__organisation")
        .first()
    )
    assert party is not None
    coordinator = _coordinator(party.case.organisation)

    by_name = case_ids_matching(coordinator, party.person.name)
    by_nik = case_ids_matching(coordinator, party.person.nik)

    assert party.case_id in by_name
    assert party.case_id in by_nik
    # Another unit's coordinator finds nothing of it.
    other = Organisation.objects.filter(type="LBK_KK").exclude(pk=party.case.organisation_id)
    outsider = _coordinator(other.first())  # type: ignore[arg-type]
    assert party.case_id not in case_ids_matching(outsider, party.person.nik)


@pytest.mark.django_db
def test_the_audit_chain_and_row_seals_verify_after_generating(tmp_path: object) -> None:
    with override_settings(VAR_DIR=tmp_path):
        _generate(30, seed=5)
        _generate(20, one_unit="73.72.03.1003", seed=6)
        call_command("audit_verify")  # raises CommandError on a broken link or seal

    assert Case.objects.filter(organisation__area__code="73.72.03.1003").count() >= 20


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data() -> None:
    _generate(25, kelurahan=4, seed=42)
    first = list(Case.objects.order_by("pk"))
    _generate(25, kelurahan=4, seed=42)
    second = list(Case.objects.order_by("pk"))[25:]
    _generate(25, kelurahan=4, seed=43)
    third = list(Case.objects.order_by("pk"))[50:]

    assert _snapshot(first) == _snapshot(second)
    assert _snapshot(first) != _snapshot(third)


@pytest.mark.django_db
def test_a_database_with_real_cases_is_refused_outside_demo_mode() -> None:
    from sipakatau.areas.models import Area
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.referrals.tests.support import case_with_victim

    areas_load_parepare()
    unit = Organisation.objects.create(
        name="LBK-KK Nyata", type="LBK_KK", area=Area.objects.get(code="73.72.01.1005")
    )
    worker = Membership.objects.get(user=make_user(unit, Role.CASEWORKER), organisation=unit)
    case_with_victim(worker)

    with override_settings(DEMO_MODE=False), pytest.raises(CommandError, match="refused"):
        _generate(5)
    with override_settings(DEMO_MODE=False):
        _generate(5, force=True)
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        _generate(5, force=True)
    assert Case.objects.count() == 6


def test_the_names_words_are_plain_name_tokens() -> None:
    assert simple_words()


@pytest.mark.django_db
def test_households_proposals_and_mapping_responses_are_generated_in_the_units_kelurahan(
    tmp_path: object,
) -> None:
    with override_settings(VAR_DIR=tmp_path):
        _generate(30, kelurahan=2, seed=3, households=40, responses=50)
        call_command("audit_verify")  # the households' events are chained on

    units = list(Organisation.objects.filter(cases__isnull=False).distinct())
    kelurahan = {unit.area_id for unit in units}
    homes = Household.objects.all()
    assert homes.count() == 40
    assert set(homes.values_list("kelurahan", flat=True)) <= kelurahan
    assert AuditEvent.objects.filter(action="household.created").count() == 40
    for home in homes:
        heads = home.members.filter(relationship="KEPALA")
        assert heads.count() == 1 and heads.get().person.name  # encrypted, and it opens
    # A kelurahan's own officer finds a household by its KK; another kelurahan's does not.
    home = homes.select_related("organisation").first()
    assert home is not None
    own = _coordinator(home.organisation)
    other_unit = next(unit for unit in units if unit.area_id != home.kelurahan_id)
    assert household_by_kk(own, home.kk_number) == home
    assert household_by_kk(_coordinator(other_unit), home.kk_number) is None
    # Twelve monthly proposals per kelurahan: decided, in SIKS-NG, this month's a draft.
    batches = ProposalBatch.objects.all()
    assert batches.count() == 12 * len(kelurahan)
    states = set(batches.values_list("state", flat=True))
    assert states == {"DRAFT", "INPUT_SIKS", "DITETAPKAN"}
    assert ProposalItem.objects.filter(batch__state="DITETAPKAN", outcome="PENDING").count() == 0
    # Each kelurahan's open questionnaire holds responses its analysis can count: every
    # coded answer is one of the question's choices.
    questionnaires = Questionnaire.objects.filter(status=QuestionnaireStatus.ACTIVE)
    assert {q.kelurahan_id for q in questionnaires} == kelurahan
    assert Submission.objects.count() == 50
    for questionnaire in questionnaires:
        records = [(s.rw, s.answers) for s in questionnaire.submissions.all()]
        analysis = Analysis(specs_of(questionnaire), lists_of(questionnaire), records)
        for frequency in analysis.frequencies():
            counted = sum(count for _value, _label, count in frequency.counts)
            if frequency.multiple:
                assert counted >= frequency.answered
            else:
                assert counted == frequency.answered
            assert frequency.answered + frequency.missing == len(records)
        assert any(f.answered for f in analysis.frequencies()) or not records
