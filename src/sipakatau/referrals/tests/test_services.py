"""The referral services: consent rules, who may do what, the status moves, closure,
deadlines per urgency, consent withdrawal and escalation to both sides."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case, Status
from sipakatau.cases.services import care, workflow
from sipakatau.notifications.models import Notification
from sipakatau.referrals.codes import ReferralStatus, SharedField, Urgency
from sipakatau.referrals.models import Referral, ReferralDeadlineRule
from sipakatau.referrals.services import answering, creating, ending, escalation
from tests.factories import Persona

from .support import case_with_victim, consent_for_referral, provider_for, refer

pytestmark = pytest.mark.usefixtures("in_english")


# --- Consent ------------------------------------------------------------------------------------


def test_it_refuses_a_referral_without_consent(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    case, _victim = case_with_victim(bahagia_caseworker.membership)
    with pytest.raises(ValidationError) as error:
        refer(bahagia_caseworker.membership, case, provider_for(dinsos))
    assert "override_legal_basis" in error.value.message_dict
    assert not Referral.objects.exists()


def test_it_refuses_consent_given_for_another_kind_of_service(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    case, victim = case_with_victim(bahagia_caseworker.membership)
    consent_for_referral(bahagia_caseworker.membership, case, victim, OrganisationType.PUSKESMAS)
    with pytest.raises(ValidationError):
        refer(bahagia_caseworker.membership, case, provider_for(dinsos))


def test_it_needs_the_consent_of_every_victim(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    from tests.builders import add_party

    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    add_party(worker, case, name="Adik Korban", age=25)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    with pytest.raises(ValidationError):
        refer(worker, case, provider_for(dinsos))


def test_consent_for_the_recipient_type_lets_it_go_and_tells_the_recipient(
    bahagia_caseworker: Persona, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    referral = refer(worker, case, provider_for(dinsos))
    assert referral.consent == consent
    assert referral.recipient == dinsos
    assert referral.status == ReferralStatus.SENT
    assert referral.register_number == f"{case.register_number}-R1"
    assert set(referral.projection) == {SharedField.VICTIM_FIRST_NAME, SharedField.NEEDS}
    note = Notification.objects.get(recipient=dinsos_officer.user)
    assert note.template == "referral_received"
    assert set(note.context) <= {"register_number", "link", "unit_name", "due_at"}
    event = AuditEvent.objects.filter(action="referral.created").get()
    assert "reason" in event.fields and "Perlu" not in str(event.fields)


def test_an_override_with_a_legal_basis_is_allowed_alerts_coordinators_and_is_audited(
    bahagia_caseworker: Persona, coordinator: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    case, _victim = case_with_victim(worker)
    with pytest.raises(ValidationError):
        refer(worker, case, provider_for(dinsos), override_legal_basis="UU 12/2022 Pasal 41")
    referral = refer(
        worker,
        case,
        provider_for(dinsos),
        override_legal_basis="UU 12/2022 TPKS Pasal 41",
        override_reason="Korban anak dalam bahaya, wali tidak dapat dihubungi",
    )
    assert referral.is_override and referral.consent is None
    assert Notification.objects.filter(
        recipient=coordinator.user, template="referral_override"
    ).exists()
    event = AuditEvent.objects.get(action="referral.override")
    assert event.fields == ["override_legal_basis", "override_reason"]


# --- Who may act ----------------------------------------------------------------------------------


def test_only_the_units_caseworkers_and_coordinators_refer(
    bahagia_caseworker: Persona,
    bahagia_volunteer: Persona,
    ikhlas_caseworker: Persona,
    dinsos_officer: Persona,
    dinsos: Organisation,
) -> None:
    case, victim = case_with_victim(bahagia_caseworker.membership)
    consent_for_referral(bahagia_caseworker.membership, case, victim, OrganisationType.DINSOS)
    for outsider in (bahagia_volunteer, ikhlas_caseworker, dinsos_officer):
        with pytest.raises(PermissionDenied):
            refer(outsider.membership, case, provider_for(dinsos))


def test_it_refuses_a_provider_that_does_not_give_the_service(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    with pytest.raises(ValidationError) as error:
        refer(worker, case, provider_for(dinsos), service_type="BANTUAN_HUKUM")
    assert "provider" in error.value.message_dict


def test_a_summary_must_be_written_when_it_is_shared(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    with pytest.raises(ValidationError) as error:
        refer(worker, case, provider_for(dinsos), fields=(SharedField.SUMMARY,))
    assert "summary" in error.value.message_dict


@pytest.fixture
def sent(bahagia_caseworker: Persona, dinsos: Organisation) -> Referral:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    return refer(worker, case, provider_for(dinsos))


def test_the_recipient_accepts_starts_and_completes_and_the_sender_is_told(
    sent: Referral, dinsos_officer: Persona, bahagia_caseworker: Persona
) -> None:
    actor = dinsos_officer.membership
    answering.referral_accept(actor=actor, referral=sent)
    with pytest.raises(ValidationError):
        answering.referral_complete(actor=actor, referral=sent, service_given="PKH")
    answering.referral_start_service(actor=actor, referral=sent)
    with pytest.raises(ValidationError):
        answering.referral_complete(actor=actor, referral=sent, service_given=" ")
    answering.referral_complete(
        actor=actor, referral=sent, service_given="Didaftarkan PKH", feedback="Kunjungi lagi"
    )
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.COMPLETED
    assert sent.feedback == "Kunjungi lagi"
    assert (
        Notification.objects.filter(
            recipient=bahagia_caseworker.user,
            template__in=["referral_accepted", "referral_completed"],
        ).count()
        == 2
    )


def test_a_decline_needs_a_reason_and_ends_the_referral(
    sent: Referral, dinsos_manager: Persona
) -> None:
    with pytest.raises(ValidationError):
        answering.referral_decline(actor=dinsos_manager.membership, referral=sent, reason="")
    answering.referral_decline(
        actor=dinsos_manager.membership, referral=sent, reason="Di luar wilayah"
    )
    assert sent.status == ReferralStatus.DECLINED
    with pytest.raises(ValidationError):
        answering.referral_accept(actor=dinsos_manager.membership, referral=sent)


def test_neither_the_sender_nor_another_agency_may_answer(
    sent: Referral, bahagia_caseworker: Persona, dp3a_officer: Persona
) -> None:
    for outsider in (bahagia_caseworker, dp3a_officer):
        with pytest.raises(PermissionDenied):
            answering.referral_accept(actor=outsider.membership, referral=sent)
        with pytest.raises(PermissionDenied):
            answering.referral_decline(actor=outsider.membership, referral=sent, reason="x")


def test_only_the_sender_cancels_and_the_recipient_loses_the_shared_data(
    sent: Referral, bahagia_caseworker: Persona, dinsos_officer: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        ending.referral_cancel(actor=dinsos_officer.membership, referral=sent)
    ending.referral_cancel(actor=bahagia_caseworker.membership, referral=sent)
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.CANCELLED
    assert sent.projection == {}
    assert sent.shared_fields  # the record still says what had been shared
    assert Notification.objects.filter(
        recipient=dinsos_officer.user, template="referral_withdrawn"
    ).exists()
    with pytest.raises(ValidationError):
        ending.referral_cancel(actor=bahagia_caseworker.membership, referral=sent)


def test_the_sender_records_the_answer_of_an_outside_service(
    bahagia_caseworker: Persona, dinsos_officer: Persona
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    outside = provider_for(None, name="Yayasan Peduli")
    consent_for_referral(worker, case, victim, OrganisationType.OTHER)
    referral = refer(worker, case, outside)
    assert referral.recipient is None
    answering.referral_accept(actor=worker, referral=referral)
    with pytest.raises(PermissionDenied):
        answering.referral_start_service(actor=dinsos_officer.membership, referral=referral)


# --- Closure, consent withdrawal -------------------------------------------------------------


def test_a_case_with_open_referrals_cannot_be_closed(
    sent: Referral, bahagia_caseworker: Persona, dinsos_officer: Persona
) -> None:
    case = sent.case
    with pytest.raises(ValidationError, match="referrals are still open"):
        workflow.closure_request(
            actor=bahagia_caseworker.membership, case=case, reason="NOT_A_CASE", summary="x"
        )
    answering.referral_decline(actor=dinsos_officer.membership, referral=sent, reason="Penuh")
    closure = workflow.closure_request(
        actor=bahagia_caseworker.membership, case=case, reason="NOT_A_CASE", summary="x"
    )
    assert closure.pk


def test_withdrawing_the_consent_withdraws_the_open_referrals_built_on_it(
    sent: Referral, bahagia_caseworker: Persona, dinsos_officer: Persona
) -> None:
    assert sent.consent is not None
    care.consent_withdraw(
        actor=bahagia_caseworker.membership, consent=sent.consent, reason="Tidak mau lagi"
    )
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.WITHDRAWN
    assert sent.projection == {}
    assert AuditEvent.objects.filter(action="referral.withdrawn", object_id=sent.pk).exists()
    assert Notification.objects.filter(
        recipient=dinsos_officer.user, template="referral_withdrawn"
    ).exists()


def test_a_referral_on_another_legal_basis_stays_when_a_consent_is_withdrawn(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    case, victim = case_with_victim(worker)
    override = refer(
        worker,
        case,
        provider_for(dinsos),
        override_legal_basis="UU 35/2014 Pasal 59A",
        override_reason="Perlindungan khusus anak",
    )
    consent = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    care.consent_withdraw(actor=worker, consent=consent)
    override.refresh_from_db()
    assert override.is_override and override.status == ReferralStatus.SENT


def test_a_finished_referral_stays_when_consent_is_withdrawn(
    sent: Referral, bahagia_caseworker: Persona, dinsos_officer: Persona
) -> None:
    answering.referral_decline(actor=dinsos_officer.membership, referral=sent, reason="Penuh")
    assert sent.consent is not None
    care.consent_withdraw(actor=bahagia_caseworker.membership, consent=sent.consent)
    sent.refresh_from_db()
    assert sent.status == ReferralStatus.DECLINED


# --- Deadlines and escalation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "expected"),
    [(Urgency.EMERGENCY, timedelta(hours=2)), (Urgency.URGENT, timedelta(hours=24))],
)
def test_the_answer_is_due_per_urgency(
    bahagia: Organisation, urgency: str, expected: timedelta
) -> None:
    start = timezone.now()
    assert creating.referral_due_at(urgency=urgency, start=start, organisation=bahagia) == (
        start + expected
    )


def test_a_routine_referral_is_due_in_three_working_days_of_the_unit(
    bahagia: Organisation,
) -> None:
    # Friday 09:00 in Parepare: Monday, Tuesday, Wednesday.
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    due = creating.referral_due_at(urgency=Urgency.ROUTINE, start=friday, organisation=bahagia)
    assert timezone.localtime(due, ZoneInfo("Asia/Makassar")).date().isoformat() == "2026-12-02"


def test_the_deadlines_are_data(bahagia: Organisation) -> None:
    ReferralDeadlineRule.objects.filter(urgency=Urgency.URGENT).update(amount=8)
    start = timezone.now()
    due = creating.referral_due_at(urgency=Urgency.URGENT, start=start, organisation=bahagia)
    assert due == start + timedelta(hours=8)


def test_an_overdue_referral_is_escalated_to_both_sides_once(
    sent: Referral,
    coordinator: Persona,
    dinsos_officer: Persona,
    dinsos_manager: Persona,
    capsys: pytest.CaptureFixture[str],
) -> None:
    Referral.objects.filter(pk=sent.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    call_command("escalate_referrals")
    assert "Escalated 1" in capsys.readouterr().out
    overdue = Notification.objects.filter(template="referral_overdue")
    assert {n.recipient_id for n in overdue} == {
        coordinator.user.pk,
        dinsos_officer.user.pk,
        dinsos_manager.user.pk,
    }
    assert escalation.referrals_escalate() == 0
    assert AuditEvent.objects.filter(action="referral.escalated").count() == 1


def test_an_answered_referral_is_not_escalated(
    sent: Referral, coordinator: Persona, dinsos_officer: Persona
) -> None:
    answering.referral_accept(actor=dinsos_officer.membership, referral=sent)
    Referral.objects.filter(pk=sent.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert escalation.referrals_escalate() == 0


def test_a_referral_answered_while_the_escalation_runs_is_not_escalated(
    sent: Referral,
    coordinator: Persona,
    dinsos_officer: Persona,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an overdue referral that the job has already listed
    Referral.objects.filter(pk=sent.pk).update(due_at=timezone.now() - timedelta(hours=1))
    find_coordinators = escalation.coordinators_of

    def answered_meanwhile(organisation_id: int, **kwargs: object) -> object:
        # when the recipient accepts it between the list and the claim (another request)
        fresh = Referral.objects.get(pk=sent.pk)
        if fresh.status == ReferralStatus.SENT:
            answering.referral_accept(actor=dinsos_officer.membership, referral=fresh)
        return find_coordinators(organisation_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(escalation, "coordinators_of", answered_meanwhile)

    # then nobody is told it is overdue, and it is not marked escalated
    assert escalation.referrals_escalate() == 0
    assert Referral.objects.get(pk=sent.pk).escalated_at is None
    assert not Notification.objects.filter(template="referral_overdue").exists()


def test_a_closed_case_cannot_be_referred(
    sent: Referral, bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    # The service reads the status on the locked row, not on the object it is handed.
    case = sent.case
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(ValidationError):
        refer(bahagia_caseworker.membership, case, provider_for(dinsos))
