"""Status moves, closure with approval, reopening, assignment: every guard of workflow."""

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.cases.codes import ClosureReason, PartyRole
from sipakatau.cases.models import Case, Closure, Status
from sipakatau.cases.services import care, classification, intake, workflow
from sipakatau.cases.services.deadlines import overdue_deadlines
from sipakatau.notifications.models import Notification
from tests.builders import add_party, assess, consent_for_services, open_case, plan, ready_case
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


@pytest.fixture
def worker(bahagia_caseworker: Persona) -> Membership:
    return bahagia_caseworker.membership


@pytest.fixture
def case(volunteer: Membership, worker: Membership) -> Case:
    return ready_case(volunteer, worker)


@pytest.fixture
def open_referrals() -> Iterator[list[int]]:
    """Stands in for the referrals module: the counter reports as many open referrals as
    the test puts in the list."""
    count: list[int] = []

    def counter(case: Case) -> int:
        return sum(count)

    workflow.open_referral_counters.append(counter)
    yield count
    workflow.open_referral_counters.remove(counter)


def _close(case: Case, requester: Membership, approver: Membership) -> Case:
    closure = workflow.closure_request(
        actor=requester, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="Selesai"
    )
    workflow.closure_decide(actor=approver, closure=closure, approve=True)
    case.refresh_from_db()
    return case


# --- activation -------------------------------------------------------------------------


def test_an_assessed_case_with_consent_and_a_plan_becomes_active(
    case: Case, worker: Membership
) -> None:
    workflow.case_activate(actor=worker, case=case)

    case.refresh_from_db()
    assert case.status == Status.ACTIVE
    assert case.deadlines.filter(code="follow_up", met_at__isnull=True).exists()


def test_a_new_case_cannot_be_activated_before_assessment(
    volunteer: Membership, worker: Membership
) -> None:
    case = open_case(volunteer)
    victim = add_party(volunteer, case)
    consent_for_services(volunteer, case, victim)
    plan(worker, case)

    with pytest.raises(ValidationError):
        workflow.case_activate(actor=worker, case=case)


def test_activation_needs_consent_for_services(volunteer: Membership, worker: Membership) -> None:
    case = open_case(volunteer)
    add_party(volunteer, case)
    assess(worker, case)
    plan(worker, case)

    with pytest.raises(ValidationError, match="consent"):
        workflow.case_activate(actor=worker, case=case)


def test_activation_needs_consent_of_every_victim(
    case: Case, volunteer: Membership, worker: Membership
) -> None:
    # Given a ready case, to which a second victim is added without consent
    add_party(volunteer, case, name="Nur Hayati", age=25)

    # then it cannot start, and can once she has agreed
    with pytest.raises(ValidationError, match="consent"):
        workflow.case_activate(actor=worker, case=case)
    second = case.parties.get(role=PartyRole.VICTIM, person__age_estimate=25)
    consent_for_services(volunteer, case, second)
    workflow.case_activate(actor=worker, case=case)


def test_activation_needs_a_victim(volunteer: Membership, worker: Membership) -> None:
    case = open_case(volunteer)
    assess(worker, case)
    plan(worker, case)

    with pytest.raises(ValidationError):
        workflow.case_activate(actor=worker, case=case)


def test_withdrawn_consent_does_not_count(case: Case, worker: Membership) -> None:
    for consent in case.consents.all():
        care.consent_withdraw(actor=worker, consent=consent, reason="Tidak mau lagi")

    with pytest.raises(ValidationError, match="consent"):
        workflow.case_activate(actor=worker, case=case)


def test_activation_needs_a_plan_item(volunteer: Membership, worker: Membership) -> None:
    case = open_case(volunteer)
    victim = add_party(volunteer, case)
    consent_for_services(volunteer, case, victim)
    assess(worker, case)

    with pytest.raises(ValidationError, match="plan"):
        workflow.case_activate(actor=worker, case=case)


def test_an_active_case_cannot_be_activated_again(case: Case, worker: Membership) -> None:
    workflow.case_activate(actor=worker, case=case)

    with pytest.raises(ValidationError):
        workflow.case_activate(actor=worker, case=case)


# --- monitoring -------------------------------------------------------------------------


def test_only_an_active_case_moves_to_monitoring_and_back(case: Case, worker: Membership) -> None:
    with pytest.raises(ValidationError):
        workflow.case_monitor(actor=worker, case=case)  # assessed, not active

    workflow.case_activate(actor=worker, case=case)
    workflow.case_monitor(actor=worker, case=case)
    assert case.status == Status.MONITORING
    with pytest.raises(ValidationError):
        workflow.case_monitor(actor=worker, case=case)

    workflow.case_activate(actor=worker, case=case)
    assert case.status == Status.ACTIVE


# --- closure ----------------------------------------------------------------------------


def test_a_closure_request_waits_for_a_coordinator_and_notifies_the_coordinators(
    case: Case, worker: Membership, coordinator: Persona, second_coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="Layanan selesai"
    )

    case.refresh_from_db()
    assert closure.decision == Closure.Decision.PENDING
    assert case.status != Status.CLOSED
    notified = set(
        Notification.objects.filter(template="closure_requested").values_list(
            "recipient", flat=True
        )
    )
    assert notified == {coordinator.user.pk, second_coordinator.user.pk}


def test_a_closure_request_needs_a_known_reason(case: Case, worker: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        workflow.closure_request(actor=worker, case=case, reason="BORED", summary="x")
    assert "reason" in error.value.message_dict


def test_a_closure_request_needs_a_summary(case: Case, worker: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        workflow.closure_request(
            actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="  "
        )
    assert "summary" in error.value.message_dict


def test_a_second_closure_request_is_refused_while_one_is_pending(
    case: Case, worker: Membership
) -> None:
    workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="Selesai"
    )

    with pytest.raises(ValidationError, match="already waiting"):
        workflow.closure_request(
            actor=worker, case=case, reason=ClosureReason.LOST_CONTACT, summary="Hilang"
        )


def test_a_closure_request_is_refused_while_referrals_are_open(
    case: Case, worker: Membership, open_referrals: list[int]
) -> None:
    open_referrals.append(1)

    with pytest.raises(ValidationError, match="referrals"):
        workflow.closure_request(
            actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
        )

    open_referrals.clear()
    workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )


def test_approval_is_refused_when_a_referral_was_opened_after_the_request(
    case: Case, worker: Membership, coordinator: Persona, open_referrals: list[int]
) -> None:
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )
    open_referrals.append(2)

    with pytest.raises(ValidationError, match="referrals"):
        workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)


def test_a_coordinator_approves_a_closure_and_the_open_deadlines_end(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )

    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.closed_at is not None
    assert closure.decided_by == coordinator.user
    # Open deadlines stay unmet (honest compliance figures) but a closed case is never
    # escalated.
    assert not overdue_deadlines(timezone.now() + timedelta(days=365)).filter(case=case).exists()


def test_a_coordinator_cannot_approve_her_own_request(
    case: Case, coordinator: Persona, second_coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=coordinator.membership,
        case=case,
        reason=ClosureReason.SERVICES_COMPLETED,
        summary="x",
    )

    with pytest.raises(ValidationError, match="Another coordinator"):
        workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)
    workflow.closure_decide(actor=second_coordinator.membership, closure=closure, approve=True)
    assert closure.decision == Closure.Decision.APPROVED


def test_a_rejection_needs_a_comment_and_leaves_the_case_open(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )

    with pytest.raises(ValidationError) as error:
        workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=False)
    assert "comment" in error.value.message_dict
    workflow.closure_decide(
        actor=coordinator.membership,
        closure=closure,
        approve=False,
        comment="Cek dulu dengan Puskesmas",
    )

    case.refresh_from_db()
    assert closure.decision == Closure.Decision.REJECTED
    assert case.status == Status.ASSESSED
    # and a new request may be made
    workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="y"
    )


def test_a_decided_request_cannot_be_decided_again(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )
    workflow.closure_decide(
        actor=coordinator.membership, closure=closure, approve=False, comment="Belum"
    )

    with pytest.raises(ValidationError, match="already been decided"):
        workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)


def test_a_caseworker_cannot_decide_a_closure(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    closure = workflow.closure_request(
        actor=coordinator.membership,
        case=case,
        reason=ClosureReason.SERVICES_COMPLETED,
        summary="x",
    )

    with pytest.raises(PermissionDenied):
        workflow.closure_decide(actor=worker, closure=closure, approve=True)


def test_a_closed_case_cannot_be_closed_again(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    _close(case, worker, coordinator.membership)

    with pytest.raises(ValidationError, match="already closed"):
        workflow.closure_request(
            actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
        )


# --- sexual violence: no mediation (UU 12/2022 TPKS Pasal 23) --------------------------


def _record_sexual_violence(actor: Membership, case: Case) -> None:
    intake.incident_record(actor=actor, case=case, occurred_on=None, violence_forms=["SEKSUAL"])


def test_mediation_is_offered_for_other_violence(case: Case, volunteer: Membership) -> None:
    intake.incident_record(actor=volunteer, case=case, occurred_on=None, violence_forms=["FISIK"])

    assert ClosureReason.MEDIATION in dict(workflow.closure_reasons_for(case))


@pytest.mark.parametrize(
    "make_it_sexual",
    [
        pytest.param(
            lambda actor, case: intake.incident_record(
                actor=actor, case=case, occurred_on=None, violence_forms=["SEKSUAL"]
            ),
            id="SIMFONI form",
        ),
        pytest.param(
            lambda actor, case: classification.incident_classify(
                actor=actor, case=case, answers={"sexual_contact": True}
            ),
            id="GBVIMS type",
        ),
        pytest.param(
            lambda actor, case: classification.incident_classify(
                actor=actor, case=case, answers={}, tpks_offences=["KSBE"]
            ),
            id="TPKS offence",
        ),
    ],
)
def test_mediation_is_never_offered_nor_accepted_for_sexual_violence(
    case: Case,
    volunteer: Membership,
    worker: Membership,
    make_it_sexual: Callable[[Membership, Case], object],
) -> None:
    make_it_sexual(volunteer, case)

    assert ClosureReason.MEDIATION not in dict(workflow.closure_reasons_for(case))
    with pytest.raises(ValidationError) as error:
        workflow.closure_request(
            actor=worker, case=case, reason=ClosureReason.MEDIATION, summary="Damai"
        )
    assert "reason" in error.value.message_dict


def test_a_pending_mediation_request_cannot_be_approved_once_sexual_violence_is_recorded(
    case: Case, volunteer: Membership, worker: Membership, coordinator: Persona
) -> None:
    # Given a mediation request made while the case looked like physical violence only
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.MEDIATION, summary="Damai"
    )

    # when sexual violence comes to light before the coordinator decides
    _record_sexual_violence(volunteer, case)

    # then the coordinator cannot approve it
    with pytest.raises(ValidationError):
        workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)
    case.refresh_from_db()
    assert case.status != Status.CLOSED


# --- reopening --------------------------------------------------------------------------


def test_only_a_coordinator_reopens_a_closed_case_and_it_needs_a_new_assessment(
    case: Case, worker: Membership, coordinator: Persona, second_coordinator: Persona
) -> None:
    # Given a closed case
    _close(case, worker, coordinator.membership)

    # when a caseworker tries to reopen it, she is refused; a coordinator can, with a reason
    with pytest.raises(PermissionDenied):
        workflow.case_reopen(actor=worker, case=case, reason="Kekerasan terulang")
    with pytest.raises(ValidationError):
        workflow.case_reopen(actor=coordinator.membership, case=case, reason=" ")
    workflow.case_reopen(actor=coordinator.membership, case=case, reason="Kekerasan terulang")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.deadlines.filter(code="assessment", met_at__isnull=True).exists()

    # then it cannot become active until it is assessed again (consent and plan still there)
    with pytest.raises(ValidationError):
        workflow.case_activate(actor=worker, case=case)
    assess(worker, case)
    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    workflow.case_activate(actor=worker, case=case)
    assert case.status == Status.ACTIVE


def test_an_open_case_cannot_be_reopened(case: Case, coordinator: Persona) -> None:
    with pytest.raises(ValidationError):
        workflow.case_reopen(actor=coordinator.membership, case=case, reason="x")


def test_a_closed_case_takes_no_new_assessment_or_plan(
    case: Case, worker: Membership, coordinator: Persona
) -> None:
    _close(case, worker, coordinator.membership)

    with pytest.raises(ValidationError):
        assess(worker, case)
    with pytest.raises(ValidationError):
        plan(worker, case)


# --- who may move a case ----------------------------------------------------------------


OTHER_ROLES = ["bahagia_admin", "dp3a_officer", "lurah", "auditor"]


@pytest.mark.parametrize("persona", ["bahagia_volunteer", *OTHER_ROLES, "ikhlas_caseworker"])
def test_only_staff_of_the_unit_may_activate_monitor_close_or_assign(
    case: Case, worker: Membership, persona: str, request: pytest.FixtureRequest
) -> None:
    actor: Membership = request.getfixturevalue(persona).membership
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )

    for attempt in (
        lambda: workflow.case_activate(actor=actor, case=case),
        lambda: workflow.case_monitor(actor=actor, case=case),
        lambda: workflow.closure_request(
            actor=actor, case=case, reason=ClosureReason.LOST_CONTACT, summary="x"
        ),
        lambda: workflow.closure_decide(actor=actor, closure=closure, approve=True),
        lambda: workflow.case_assign(actor=actor, case=case, worker=worker.user),
        lambda: workflow.case_reopen(actor=actor, case=case, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_a_coordinator_of_another_unit_is_refused(
    case: Case, worker: Membership, ikhlas: Organisation
) -> None:
    outsider = make_persona(ikhlas, Role.COORDINATOR).membership
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.SERVICES_COMPLETED, summary="x"
    )

    with pytest.raises(PermissionDenied):
        workflow.closure_decide(actor=outsider, closure=closure, approve=True)


def test_an_ended_membership_is_refused(case: Case, worker: Membership) -> None:
    worker.is_active = False
    worker.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        workflow.case_activate(actor=worker, case=case)


# --- assignment and transfer ------------------------------------------------------------


def test_a_case_taken_by_a_volunteer_starts_unassigned_and_a_caseworker_may_take_it(
    volunteer: Membership, worker: Membership
) -> None:
    case = open_case(volunteer)
    assert case.assigned_to is None

    workflow.case_assign(actor=worker, case=case, worker=worker.user)

    case.refresh_from_db()
    assert case.assigned_to == worker.user
    # nobody is told about taking a case herself
    assert not Notification.objects.filter(template="case_assigned").exists()


def test_a_caseworker_cannot_transfer_a_case(
    volunteer: Membership, worker: Membership, bahagia: Organisation
) -> None:
    colleague = make_persona(bahagia, Role.CASEWORKER)
    case = open_case(volunteer)
    workflow.case_assign(actor=worker, case=case, worker=worker.user)

    with pytest.raises(ValidationError, match="coordinator"):
        workflow.case_assign(actor=worker, case=case, worker=colleague.user)
    # nor give an unassigned case to someone else
    other = open_case(volunteer)
    with pytest.raises(ValidationError, match="coordinator"):
        workflow.case_assign(actor=worker, case=other, worker=colleague.user)


def test_a_coordinator_transfers_a_case_and_the_new_worker_is_notified(
    case: Case, worker: Membership, coordinator: Persona, bahagia: Organisation
) -> None:
    colleague = make_persona(bahagia, Role.CASEWORKER)
    workflow.case_assign(actor=coordinator.membership, case=case, worker=worker.user)

    workflow.case_assign(actor=coordinator.membership, case=case, worker=colleague.user)

    case.refresh_from_db()
    assert case.assigned_to == colleague.user
    notice = Notification.objects.get(template="case_assigned", recipient=colleague.user)
    assert notice.context["register_number"] == case.register_number


@pytest.mark.parametrize("whom", ["bahagia_volunteer", "bahagia_admin", "ikhlas_caseworker"])
def test_a_case_is_assigned_only_to_a_caseworker_or_coordinator_of_the_unit(
    case: Case, coordinator: Persona, whom: str, request: pytest.FixtureRequest
) -> None:
    target: Persona = request.getfixturevalue(whom)

    with pytest.raises(ValidationError) as error:
        workflow.case_assign(actor=coordinator.membership, case=case, worker=target.user)
    assert "worker" in error.value.message_dict


def test_a_disabled_account_cannot_be_given_a_case(
    case: Case, coordinator: Persona, bahagia: Organisation
) -> None:
    leaver = make_persona(bahagia, Role.CASEWORKER)
    leaver.user.is_active = False
    leaver.user.save(update_fields=["is_active"])

    with pytest.raises(ValidationError):
        workflow.case_assign(actor=coordinator.membership, case=case, worker=leaver.user)
