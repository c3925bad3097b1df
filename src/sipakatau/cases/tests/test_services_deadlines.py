"""Deadlines: how they are computed, met and moved, and how late ones are escalated
(with no personal data in the message). Also the notification templates' allowlist."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.cases.codes import ClosureReason, RiskLevel
from sipakatau.cases.models import Case, CaseDeadline, DeadlineRule
from sipakatau.cases.services import care, intake, workflow
from sipakatau.cases.services.deadlines import (
    add_working_days,
    deadlines_escalate,
    deadlines_reset_for_risk,
    due_from,
)
from sipakatau.notifications import templates
from sipakatau.notifications.models import Notification
from sipakatau.people.services import person_create
from tests.builders import add_party, assess, open_case, ready_case
from tests.canary import CANARY, scan
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")

WITA = ZoneInfo("Asia/Makassar")
UTC = ZoneInfo("UTC")


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


@pytest.fixture
def worker(bahagia_caseworker: Persona) -> Membership:
    return bahagia_caseworker.membership


def _due(case: Case, code: str) -> datetime:
    return case.deadlines.get(code=code, met_at__isnull=True).due_at


def _rule(code: str, risk_level: str = "") -> DeadlineRule:
    return DeadlineRule.objects.get(rule_set="default", code=code, risk_level=risk_level)


# --- computation ------------------------------------------------------------------------


def test_danger_now_means_contact_within_two_hours(volunteer: Membership) -> None:
    reported = timezone.now() - timedelta(minutes=30)

    case = open_case(volunteer, reported_at=reported, danger_now=True)

    assert _due(case, "first_contact") == reported + timedelta(hours=2)


def test_an_unassessed_case_is_treated_as_medium_risk_six_hours(volunteer: Membership) -> None:
    reported = timezone.now() - timedelta(minutes=30)

    case = open_case(volunteer, reported_at=reported)

    assert case.risk_level == RiskLevel.UNASSESSED
    assert _due(case, "first_contact") == reported + timedelta(hours=6)
    assert due_from(_rule("first_contact", RiskLevel.MEDIUM), reported) == reported + timedelta(
        hours=6
    )


def test_the_assessment_is_due_three_days_after_the_report(volunteer: Membership) -> None:
    reported = timezone.now() - timedelta(hours=1)

    case = open_case(volunteer, reported_at=reported)

    assert _due(case, "assessment") == reported + timedelta(days=3)


def test_police_forwarding_is_due_72_hours_after_the_report(volunteer: Membership) -> None:
    # UU TPKS Pasal 41: 3x24 hours from the report, even when the form is recorded later.
    reported_at = timezone.now() - timedelta(hours=30)
    case = open_case(volunteer, reported_at=reported_at)

    intake.incident_record(actor=volunteer, case=case, occurred_on=None, violence_forms=["SEKSUAL"])

    assert _due(case, "police_forwarding") == reported_at + timedelta(hours=72)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Monday 10:00 → Thursday 10:00
        (datetime(2025, 6, 2, 10, tzinfo=WITA), datetime(2025, 6, 5, 10, tzinfo=WITA)),
        # Friday 10:00 → Wednesday 10:00: the weekend does not count
        (datetime(2025, 6, 6, 10, tzinfo=WITA), datetime(2025, 6, 11, 10, tzinfo=WITA)),
        # Saturday and Sunday count from Monday
        (datetime(2025, 6, 7, 10, tzinfo=WITA), datetime(2025, 6, 11, 10, tzinfo=WITA)),
        (datetime(2025, 6, 8, 10, tzinfo=WITA), datetime(2025, 6, 11, 10, tzinfo=WITA)),
        # Saturday 01:00 in Parepare is still Friday in UTC: it counts as Saturday
        (datetime(2025, 6, 6, 17, tzinfo=UTC), datetime(2025, 6, 11, 1, tzinfo=WITA)),
    ],
)
def test_low_risk_contact_is_due_in_three_working_days_of_the_unit(
    start: datetime, due: datetime
) -> None:
    assert add_working_days(start, 3, WITA) == due


def test_a_risk_change_moves_the_open_first_contact_deadline(volunteer: Membership) -> None:
    # Given a case reported on a Friday morning, not yet assessed (6 hours)
    friday = datetime(2025, 6, 6, 9, tzinfo=WITA)
    case = open_case(volunteer, reported_at=friday)
    assessment_due = _due(case, "assessment")
    assert _due(case, "first_contact") == friday + timedelta(hours=6)

    # when its risk becomes low, then high
    case.risk_level = RiskLevel.LOW
    case.save(update_fields=["risk_level"])
    deadlines_reset_for_risk(case=case)
    low = _due(case, "first_contact")
    case.risk_level = RiskLevel.HIGH
    case.save(update_fields=["risk_level"])
    deadlines_reset_for_risk(case=case)

    # then contact moves to Wednesday (three working days), then to two hours; the
    # assessment deadline does not depend on the risk and stays
    assert low == datetime(2025, 6, 11, 9, tzinfo=WITA)
    assert _due(case, "first_contact") == friday + timedelta(hours=2)
    assert _due(case, "assessment") == assessment_due
    assert case.deadlines.filter(code="first_contact").count() == 1


# --- meeting deadlines ------------------------------------------------------------------


def test_an_assessment_meets_first_contact_and_assessment(
    volunteer: Membership, worker: Membership
) -> None:
    case = open_case(volunteer, danger_now=True)

    assess(worker, case, RiskLevel.HIGH)

    met = dict(case.deadlines.values_list("code", "met_at"))
    assert met["first_contact"] is not None
    assert met["assessment"] is not None


def test_follow_ups_are_due_every_14_days_while_the_case_is_active(
    volunteer: Membership, worker: Membership, bahagia_volunteer: Persona
) -> None:
    # Given an active case
    case = ready_case(volunteer, worker)
    assert not case.deadlines.filter(code="follow_up").exists()
    workflow.case_activate(actor=worker, case=case)
    first_due = _due(case, "follow_up")
    assert timedelta(days=13, hours=23) < first_due - timezone.now() <= timedelta(days=14)

    # when a follow-up is recorded
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_volunteer.user, due_on=timezone.localdate()
    )
    care.follow_up_record(actor=volunteer, follow_up=follow_up, summary="Aman")

    # then that deadline is met and the next one is 14 days from now
    follow_ups = list(case.deadlines.filter(code="follow_up").order_by("pk"))
    assert len(follow_ups) == 2
    assert follow_ups[0].met_at is not None
    assert follow_ups[1].met_at is None
    assert (
        timedelta(days=13, hours=23) < follow_ups[1].due_at - timezone.now() <= timedelta(days=14)
    )


def test_a_follow_up_before_the_case_is_active_schedules_no_next_one(
    volunteer: Membership, worker: Membership
) -> None:
    case = open_case(volunteer)
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=worker.user, due_on=timezone.localdate()
    )

    care.follow_up_record(actor=worker, follow_up=follow_up, summary="Sudah dihubungi")

    assert case.deadlines.get(code="first_contact").met_at is not None
    assert not case.deadlines.filter(code="follow_up").exists()


def test_an_ended_membership_cannot_record_its_follow_up(
    volunteer: Membership, worker: Membership
) -> None:
    from django.core.exceptions import PermissionDenied

    case = open_case(volunteer)
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=volunteer.user, due_on=timezone.localdate()
    )
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied):
        care.follow_up_record(actor=volunteer, follow_up=follow_up, summary="x")


# --- escalation -------------------------------------------------------------------------


def _planted_case(volunteer: Membership) -> Case:
    """A high-risk case reported three hours ago whose victim is the canary."""
    case = open_case(volunteer, reported_at=timezone.now() - timedelta(hours=3), danger_now=True)
    person = person_create(
        actor=volunteer,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        phone=CANARY.phone,
        address=CANARY.address,
        birth_date=date(1990, 7, 1),
    ).person
    intake.party_add(actor=volunteer, case=case, person=person, role="VICTIM")
    intake.incident_record(
        actor=volunteer,
        case=case,
        occurred_on=None,
        narrative="CANARY-NARRATIVE-7731",
        violence_forms=["SEKSUAL"],
    )
    return case


def test_overdue_deadlines_go_to_the_units_coordinators_once_without_personal_data(
    volunteer: Membership,
    coordinator: Persona,
    second_coordinator: Persona,
    bahagia_caseworker: Persona,
    ikhlas: Organisation,
) -> None:
    # Given a case whose first contact (2 hours) is an hour late, and a coordinator elsewhere
    case = _planted_case(volunteer)
    outsider = make_persona(ikhlas, Role.COORDINATOR)

    # when the job runs twice
    first = deadlines_escalate()
    second = deadlines_escalate()

    # then that one deadline was escalated once, to this unit's coordinators only
    assert (first, second) == (1, 0)
    late = case.deadlines.get(code="first_contact")
    assert late.escalated_at is not None
    assert case.deadlines.get(code="assessment").escalated_at is None  # not late yet
    notices = Notification.objects.filter(template="deadline_overdue")
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(
        [coordinator.user.pk, second_coordinator.user.pk]
    )
    assert not Notification.objects.filter(
        recipient__in=[bahagia_caseworker.user, outsider.user]
    ).exists()

    # and the message names the register number and nothing about the person or the violence
    for notice in notices:
        text = templates.render(notice.template, notice.context)
        assert case.register_number in text
        needles = [*CANARY.needles(), "CANARY-NARRATIVE-7731", "SEKSUAL", "Sexual", "Seksual"]
        assert scan(needles, text, str(notice.context)) == []


def test_a_closed_case_is_not_escalated(
    volunteer: Membership, worker: Membership, coordinator: Persona, second_coordinator: Persona
) -> None:
    case = open_case(volunteer, reported_at=timezone.now() - timedelta(days=5))
    closure = workflow.closure_request(
        actor=worker, case=case, reason=ClosureReason.NOT_A_CASE, summary="Bukan kasus"
    )
    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)
    # (closing meets its deadlines; one left open by anything else must not be escalated)
    CaseDeadline.objects.create(
        case=case, code="follow_up", label="x", due_at=timezone.now() - timedelta(days=1)
    )

    assert deadlines_escalate() == 0
    assert not Notification.objects.filter(template="deadline_overdue").exists()


def test_an_overdue_deadline_waits_for_a_coordinator_rather_than_telling_nobody(
    volunteer: Membership, bahagia: Organisation
) -> None:
    # Given a unit with no coordinator and a late case
    case = open_case(volunteer, reported_at=timezone.now() - timedelta(hours=8))

    # when the job runs, nothing is marked escalated
    assert deadlines_escalate() == 0
    assert not case.deadlines.filter(escalated_at__isnull=False).exists()

    # then once the unit has a coordinator, the next run tells her
    coordinator = make_persona(bahagia, Role.COORDINATOR)
    assert deadlines_escalate() == 1
    assert Notification.objects.filter(
        recipient=coordinator.user, template="deadline_overdue"
    ).exists()


def test_a_deadline_not_yet_due_is_not_escalated(
    volunteer: Membership, coordinator: Persona
) -> None:
    case = open_case(volunteer)

    assert deadlines_escalate() == 0
    assert deadlines_escalate(now=_due(case, "first_contact") + timedelta(seconds=1)) == 1


def test_the_command_escalates_and_says_how_many(
    volunteer: Membership, coordinator: Persona
) -> None:
    open_case(volunteer, reported_at=timezone.now() - timedelta(hours=7))
    out = io.StringIO()

    call_command("escalate_deadlines", stdout=out)
    call_command("escalate_deadlines", stdout=out)

    assert out.getvalue().splitlines() == [
        "Escalated 1 overdue deadline(s).",
        "Escalated 0 overdue deadline(s).",
    ]
    assert CaseDeadline.objects.filter(escalated_at__isnull=False).count() == 1


# --- the notification templates' allowlist ----------------------------------------------

FORBIDDEN = ["name", "nik", "address", "violence_form", "is_child", "narrative", "phone"]


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
def test_every_template_renders_every_allowed_variable_and_nothing_else(template: str) -> None:
    context = {variable: f"CANARY-{variable.upper()}" for variable in templates.ALLOWED_VARIABLES}

    text = templates.render(template, templates.clean_context(template, context))

    used = [
        variable
        for variable in templates.ALLOWED_VARIABLES
        if f"%({variable})s" in str(templates.TEMPLATES[template])
    ]
    assert used
    for variable in used:
        assert f"CANARY-{variable.upper()}" in text
    assert "%(" not in text


@pytest.mark.parametrize("template", sorted(templates.TEMPLATES))
@pytest.mark.parametrize("forbidden", FORBIDDEN)
def test_a_variable_off_the_allowlist_is_refused(template: str, forbidden: str) -> None:
    context = {"register_number": "BHG-1/2025/0001", forbidden: CANARY.name}

    with pytest.raises(templates.UnsafeNotification):
        templates.clean_context(template, context)


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(templates.UnsafeNotification):
        templates.clean_context("victim_details", {"register_number": "x"})


def test_notify_refuses_a_forbidden_variable_and_writes_nothing(coordinator: Persona) -> None:
    from sipakatau.notifications.services import notify

    with pytest.raises(templates.UnsafeNotification):
        notify(
            users=[coordinator.user],
            template="case_assigned",
            context={"register_number": "x", "nik": CANARY.nik},
        )
    assert not Notification.objects.exists()


def test_assessment_keeps_the_first_contact_of_an_unassessed_case_in_step(
    volunteer: Membership, worker: Membership
) -> None:
    # An assessment that rates the risk is also the first contact: nothing stays open.
    case = open_case(volunteer)
    add_party(volunteer, case)

    assess(worker, case, RiskLevel.LOW)

    assert not case.deadlines.filter(met_at__isnull=True).exists()
