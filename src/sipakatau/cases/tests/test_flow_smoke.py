"""A whole case through the services: intake, assessment, consent, plan, follow-up, closure."""

from datetime import date, timedelta

from django.utils import timezone

from sipakatau.accounts.models import Organisation, Role
from sipakatau.cases.codes import Channel, ConsentMethod, ConsentPurpose, PartyRole, ServiceType
from sipakatau.cases.models import Status
from sipakatau.cases.services import care, intake, workflow
from sipakatau.cases.services.deadlines import overdue_deadlines
from sipakatau.people.services import person_create
from tests.factories import Persona, make_persona


def test_a_case_goes_from_intake_to_approved_closure(
    bahagia: Organisation, bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    coordinator = make_persona(bahagia, Role.COORDINATOR)
    second_coordinator = make_persona(bahagia, Role.COORDINATOR)
    volunteer = bahagia_volunteer.membership

    case = intake.case_open(
        actor=volunteer, channel=Channel.WALK_IN, danger_now=True, immediate_needs=["SAFETY"]
    )
    victim_person = person_create(
        actor=volunteer, name="Siti Aminah", sex="P", age_estimate=30
    ).person
    victim = intake.party_add(
        actor=volunteer, case=case, person=victim_person, role=PartyRole.VICTIM
    )
    perpetrator_person = person_create(actor=volunteer, name="Budi", sex="L").person
    perpetrator = intake.party_add(
        actor=volunteer, case=case, person=perpetrator_person, role=PartyRole.PERPETRATOR
    )
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship="SUAMI_ISTRI",
    )
    intake.incident_record(
        actor=volunteer,
        case=case,
        occurred_on=date.today() - timedelta(days=1),
        place_type="RUMAH_TANGGA",
        narrative="Dipukul di rumah",
        violence_forms=["FISIK"],
    )
    care.consent_record(
        actor=volunteer,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    assert case.register_number.endswith("/0001")
    assert case.deadlines.filter(code="first_contact").exists()

    worker = bahagia_caseworker.membership
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="HIGH",
        risk_criteria=["LIVES_WITH_PERPETRATOR"],
        needs={"PSYCHOLOGICAL": "konseling"},
    )
    care.plan_item_add(
        actor=worker, case=case, service_type=ServiceType.PSIKOSOSIAL, due_on=date.today()
    )
    workflow.case_activate(actor=worker, case=case)
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=bahagia_volunteer.user, due_on=date.today()
    )
    care.follow_up_record(
        actor=volunteer, follow_up=follow_up, summary="Aman, tinggal di rumah ibunya"
    )
    workflow.case_monitor(actor=worker, case=case)
    closure = workflow.closure_request(
        actor=coordinator.membership,
        case=case,
        reason="SERVICES_COMPLETED",
        summary="Layanan selesai",
    )
    workflow.closure_decide(actor=second_coordinator.membership, closure=closure, approve=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.closed_at is not None
    assert not overdue_deadlines(timezone.now() + timedelta(days=365)).filter(case=case).exists()
    assert timezone.now() >= case.closed_at
