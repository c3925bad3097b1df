"""The proposal batch: each step, who may take it, what it needs, and who sees it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from sipakatau.social import services
from sipakatau.social.models import Enrolment, ProposalBatch
from sipakatau.social.queries import (
    batch_for,
    batches_visible_to,
    household_for,
    households_visible_to,
    may_advance,
    social_outcomes_for_case,
)
from tests.factories import Persona

from .conftest import household, programme


def new_batch(preparer: Persona, kelurahan, dinsos_org, month: date | None = None) -> ProposalBatch:
    return services.batch_create_for_month(
        actor=preparer.membership,
        kelurahan=kelurahan,
        month=month or timezone.localdate(),
        dinsos=dinsos_org,
    )


def batch_through_signature(
    preparer: Persona, lurah: Persona, dinsos_person: Persona, kelurahan
) -> ProposalBatch:
    """A batch with one eligible household for PKH, signed by the Lurah (INPUT_SIKS)."""
    actor = preparer.membership
    batch = new_batch(preparer, kelurahan, dinsos_person.organisation)
    home = household(actor, kelurahan)
    item = services.batch_add_item(
        actor=actor, batch=batch, household=home, programme=programme("PKH")
    )
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=timezone.localdate(),
        place="Aula Kantor Lurah",
        attendance="Lurah Watang Soreang\nKetua RW 002\nKoordinator LBK-KK",
        decisions="Diusulkan 1 KK untuk PKH",
    )
    services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    services.verification_record(
        actor=actor, item=item, result="LAYAK", verified_on=timezone.localdate()
    )
    services.batch_advance(actor=actor, batch=batch, to_state="INPUT_SIKS")
    services.batch_sign(actor=lurah.membership, batch=batch)
    batch.refresh_from_db()
    return batch


def test_the_whole_path_from_draft_to_ditetapkan(
    bahagia_coordinator: Persona, lurah: Persona, dinsos_officer: Persona, ws
) -> None:
    batch = batch_through_signature(bahagia_coordinator, lurah, dinsos_officer, ws)
    item = batch.items.get()
    assert Enrolment.objects.get(household=item.household).status == "PROPOSED"
    officer = dinsos_officer.membership
    services.batch_advance(actor=officer, batch=batch, to_state="DISAHKAN_DINSOS")
    with pytest.raises(ValidationError):
        services.batch_advance(
            actor=officer, batch=batch, to_state="DITETAPKAN"
        )  # undecided household
    services.outcome_record(actor=officer, item=item, outcome="DITETAPKAN")
    with pytest.raises(ValidationError):
        services.batch_advance(actor=officer, batch=batch, to_state="DITOLAK")
    services.batch_advance(actor=officer, batch=batch, to_state="DITETAPKAN")
    batch.refresh_from_db()
    assert (batch.state, batch.decided_by) == ("DITETAPKAN", dinsos_officer.user)
    enrolment = Enrolment.objects.get(household=item.household, programme__code="PKH")
    assert (enrolment.status, enrolment.source) == ("ENROLLED", "PROPOSAL")


def test_each_step_needs_what_comes_before(
    bahagia_coordinator: Persona, lurah: Persona, dinsos_officer: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    with pytest.raises(ValidationError, match="at least one household"):
        services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    item = services.batch_add_item(
        actor=actor, batch=batch, household=household(actor, ws), programme=programme("BPNT")
    )
    with pytest.raises(PermissionDenied):  # no skipping
        services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    with pytest.raises(ValidationError, match="musyawarah"):
        services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=timezone.localdate(),
        place="Aula",
        attendance="Lurah",
        decisions="Setuju",
    )
    services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    with pytest.raises(ValidationError, match="Verify every household"):
        services.batch_advance(actor=actor, batch=batch, to_state="INPUT_SIKS")
    services.verification_record(
        actor=actor, item=item, result="TIDAK_DITEMUKAN", verified_on=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="nothing to enter"):
        services.batch_advance(actor=actor, batch=batch, to_state="INPUT_SIKS")


def test_who_may_move_each_step(
    bahagia_coordinator: Persona,
    bahagia_caseworker: Persona,
    bahagia_volunteer: Persona,
    ws_staff: Persona,
    lurah: Persona,
    ikhlas_coordinator: Persona,
    dinsos_officer: Persona,
    dinsos_manager: Persona,
    other_dinsos,
    dp3a_officer: Persona,
    auditor: Persona,
    ws,
) -> None:
    from tests.factories import make_persona

    stranger_dinsos = make_persona(other_dinsos, "agency_officer")
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    household_ = household(bahagia_coordinator.membership, ws)
    services.batch_add_item(
        actor=bahagia_coordinator.membership,
        batch=batch,
        household=household_,
        programme=programme("PKH"),
    )
    # DRAFT → MUSYAWARAH: the kelurahan's coordinators and officers only
    allowed = {p.user.username for p in (bahagia_coordinator, ws_staff, lurah)}
    everyone = (
        bahagia_coordinator,
        bahagia_caseworker,
        bahagia_volunteer,
        ws_staff,
        lurah,
        ikhlas_coordinator,
        dinsos_officer,
        dinsos_manager,
        stranger_dinsos,
        dp3a_officer,
        auditor,
    )
    assert {
        p.user.username for p in everyone if may_advance(p.membership, batch, "MUSYAWARAH")
    } == allowed
    for refused in (bahagia_caseworker, bahagia_volunteer, ikhlas_coordinator, dinsos_officer):
        with pytest.raises(PermissionDenied):
            services.batch_advance(actor=refused.membership, batch=batch, to_state="MUSYAWARAH")
    services.batch_advance(actor=ws_staff.membership, batch=batch, to_state="MUSYAWARAH")

    # The Lurah signs, nobody else (not even a kelurahan officer who does not sign)

    batch2 = _at_input_siks(bahagia_coordinator, dinsos_officer, ws)
    for refused in (ws_staff, bahagia_coordinator, dinsos_officer, ikhlas_coordinator):
        with pytest.raises(PermissionDenied):
            services.batch_sign(actor=refused.membership, batch=batch2)
    # Dinsos cannot approve before the signature, and does not even see the batch
    with pytest.raises(Http404):
        batch_for(dinsos_officer.membership, batch2.pk)
    with pytest.raises(PermissionDenied):
        services.batch_advance(
            actor=dinsos_officer.membership, batch=batch2, to_state="DISAHKAN_DINSOS"
        )
    services.batch_sign(actor=lurah.membership, batch=batch2)
    # INPUT_SIKS → DISAHKAN_DINSOS: the addressed office only; the kelurahan cannot
    for refused in (bahagia_coordinator, lurah, stranger_dinsos, dp3a_officer):
        with pytest.raises(PermissionDenied):
            services.batch_advance(
                actor=refused.membership, batch=batch2, to_state="DISAHKAN_DINSOS"
            )
    services.batch_advance(
        actor=dinsos_manager.membership, batch=batch2, to_state="DISAHKAN_DINSOS"
    )
    item = batch2.items.get()
    with pytest.raises(PermissionDenied):
        services.outcome_record(
            actor=bahagia_coordinator.membership, item=item, outcome="DITETAPKAN"
        )
    with pytest.raises(ValidationError, match="why"):
        services.outcome_record(actor=dinsos_officer.membership, item=item, outcome="DITOLAK")
    services.outcome_record(
        actor=dinsos_officer.membership, item=item, outcome="DITOLAK", reason="Desil 8"
    )
    services.batch_advance(actor=dinsos_officer.membership, batch=batch2, to_state="DITOLAK")


def _at_input_siks(preparer: Persona, dinsos_person: Persona, kelurahan) -> ProposalBatch:
    actor = preparer.membership
    batch = new_batch(preparer, kelurahan, dinsos_person.organisation, month=date(2025, 1, 1))
    item = services.batch_add_item(
        actor=actor, batch=batch, household=household(actor, kelurahan), programme=programme("PKH")
    )
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=date(2025, 1, 10),
        place="Aula",
        attendance="Lurah",
        decisions="Setuju",
    )
    services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    services.verification_record(
        actor=actor, item=item, result="LAYAK", verified_on=date(2025, 1, 12)
    )
    return services.batch_advance(actor=actor, batch=batch, to_state="INPUT_SIKS")


def test_batches_of_another_kelurahan_answer_404(
    bahagia_coordinator: Persona,
    ikhlas_coordinator: Persona,
    wb_lurah: Persona,
    dinsos_officer: Persona,
    ws,
    wb,
) -> None:
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    for outsider in (ikhlas_coordinator, wb_lurah, dinsos_officer):
        with pytest.raises(Http404):
            batch_for(outsider.membership, batch.pk)
    with pytest.raises(PermissionDenied):
        services.batch_add_item(
            actor=ikhlas_coordinator.membership,
            batch=batch,
            household=household(ikhlas_coordinator.membership, wb),
            programme=programme("PKH"),
        )
    with pytest.raises(PermissionDenied):
        new_batch(ikhlas_coordinator, ws, dinsos_officer.organisation)


def test_one_batch_per_month_addressed_to_a_dinsos_that_covers_the_kelurahan(
    bahagia_coordinator: Persona, dinsos_officer: Persona, dp3a, ws
) -> None:
    new_batch(bahagia_coordinator, ws, dinsos_officer.organisation, month=date(2025, 3, 9))
    with pytest.raises(ValidationError, match="already has a proposal"):
        new_batch(bahagia_coordinator, ws, dinsos_officer.organisation, month=date(2025, 3, 20))
    with pytest.raises(ValidationError):
        new_batch(bahagia_coordinator, ws, dp3a, month=date(2025, 4, 1))


def test_consent_limits_which_households_dinsos_sees(
    bahagia_caseworker: Persona,
    bahagia_coordinator: Persona,
    lurah: Persona,
    dinsos_officer: Persona,
    ws,
) -> None:
    """Dinsos sees a household only through a signed proposal to it, or a referral to it
    resting on consent still in force."""
    from sipakatau.cases.services.care import consent_withdraw
    from sipakatau.referrals.tests.support import (
        case_with_victim,
        consent_for_referral,
        provider_for,
        refer,
    )

    officer = dinsos_officer.membership
    worker = bahagia_caseworker.membership
    # A household with a survivor, not proposed: invisible
    case, victim = case_with_victim(worker)
    home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=home,
        person=victim.person,
        relationship="KEPALA",
    )
    assert not households_visible_to(officer).exists()
    # Referred to Dinsos with the survivor's consent: visible
    consent = consent_for_referral(worker, case, victim, "DINSOS")
    refer(worker, case, provider_for(dinsos_officer.organisation))
    assert household_for(officer, home.pk) == home
    # Consent withdrawn: invisible again
    consent_withdraw(actor=worker, consent=consent, reason="Tidak mau lagi")
    with pytest.raises(Http404):
        household_for(officer, home.pk)
    # A proposed household becomes visible when the Lurah signs, not before
    batch = _at_input_siks(bahagia_coordinator, dinsos_officer, ws)
    proposed = batch.items.get().household
    with pytest.raises(Http404):
        household_for(officer, proposed.pk)
    services.batch_sign(actor=lurah.membership, batch=batch)
    assert list(households_visible_to(officer)) == [proposed]
    assert list(batches_visible_to(officer)) == [batch]


def test_the_outcome_is_shown_on_the_case(
    bahagia_caseworker: Persona,
    bahagia_coordinator: Persona,
    lurah: Persona,
    dinsos_officer: Persona,
    ws,
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim

    case, victim = case_with_victim(bahagia_caseworker.membership)
    entry_home = household(bahagia_coordinator.membership, ws, head=None)
    services.household_member_add(
        actor=bahagia_coordinator.membership,
        household=entry_home,
        person=victim.person,
        relationship="KEPALA",
    )
    [entry] = services.worklist_add_from_case_need(actor=bahagia_caseworker.membership, case=case)
    actor = bahagia_coordinator.membership
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    item = services.batch_add_item(
        actor=actor,
        batch=batch,
        household=entry_home,
        programme=programme("PKH"),
        worklist_entry=entry,
    )
    entry.refresh_from_db()
    assert entry.status == "PROPOSED"
    assert [(o.programme_code, o.outcome) for o in social_outcomes_for_case(case)] == [
        ("PKH", "PENDING")
    ]
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=timezone.localdate(),
        place="Aula",
        attendance="Lurah",
        decisions="Setuju",
    )
    services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    services.verification_record(
        actor=actor, item=item, result="LAYAK", verified_on=timezone.localdate()
    )
    services.batch_advance(actor=actor, batch=batch, to_state="INPUT_SIKS")
    services.batch_sign(actor=lurah.membership, batch=batch)
    services.batch_advance(actor=dinsos_officer.membership, batch=batch, to_state="DISAHKAN_DINSOS")
    services.outcome_record(actor=dinsos_officer.membership, item=item, outcome="DITETAPKAN")
    [shown] = social_outcomes_for_case(case)
    assert (shown.programme_code, shown.outcome_label) == ("PKH", "Accepted")


def test_a_person_programme_needs_the_member_it_is_for(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    actor = bahagia_coordinator.membership
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation)
    home = household(actor, ws)
    with pytest.raises(ValidationError):
        services.batch_add_item(
            actor=actor, batch=batch, household=home, programme=programme("PBI_JK")
        )
    with pytest.raises(ValidationError, match="clusters"):
        services.batch_add_item(
            actor=actor,
            batch=batch,
            household=home,
            programme=programme("ATENSI"),
            person=home.members.get().person,
        )
    item = services.batch_add_item(
        actor=actor,
        batch=batch,
        household=home,
        programme=programme("PBI_JK"),
        person=home.members.get().person,
    )
    assert item.person is not None
