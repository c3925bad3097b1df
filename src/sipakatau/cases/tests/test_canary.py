"""The canary: a recognisable survivor put through a whole case, then looked for in
plain text everywhere the system writes — the database's raw bytes (or a pg_dump), the
audit trail, the notifications and the logs. It must be found nowhere."""

import logging
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sipakatau.accounts.models import Membership, OrganisationType
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.codes import (
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    PartyRole,
    ServiceType,
)
from sipakatau.cases.models import Case, Incident
from sipakatau.cases.services import care, classification, deadlines, intake, workflow
from sipakatau.notifications import templates
from sipakatau.notifications.models import Notification
from sipakatau.people.models import Person
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create
from tests.builders import png
from tests.canary import CANARY, database_snapshot, scan
from tests.factories import Persona

pytestmark = pytest.mark.usefixtures("deadline_rules")

NARRATIVE = "CANARY-NARRATIVE-7731"
NEEDLES = [*CANARY.needles(), NARRATIVE, "Kenari"]


def _plant(
    volunteer: Membership, worker: Membership, coordinator: Membership, approver: Membership
) -> Case:
    """A whole case about the canary, every free-text field carrying her name or story."""
    case = intake.case_open(
        actor=volunteer,
        channel="PHONE",
        reported_at=timezone.now() - timedelta(days=2),
        danger_now=True,
        immediate_needs=["SAFETY"],
    )
    victim_person = person_create(
        actor=volunteer,
        name=CANARY.name,
        sex="P",
        nik=CANARY.nik,
        kk_number=CANARY.kk_number,
        phone=CANARY.phone,
        address=CANARY.address,
        birth_date=date(1990, 7, 1),
    ).person
    person_set_profile(
        actor=volunteer,
        person=victim_person,
        contact_channels=[],
        contact_times="after 17:00",
        contact_note=f"Ask for {CANARY.name} only",
        communication_needs=f"{CANARY.name} reads slowly",
    )
    victim = intake.party_add(
        actor=volunteer, case=case, person=victim_person, role=PartyRole.VICTIM
    )
    suspect = person_create(actor=volunteer, name=f"Suami {CANARY.name}", sex="L").person
    perpetrator = intake.party_add(
        actor=volunteer, case=case, person=suspect, role=PartyRole.PERPETRATOR
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
        occurred_on=timezone.localdate() - timedelta(days=3),
        place_type="RUMAH_TANGGA",
        narrative=f"{NARRATIVE}: {CANARY.name} at {CANARY.address}",
        violence_forms=["SEKSUAL", "FISIK"],
    )
    classification.incident_classify(
        actor=volunteer, case=case, answers={"penetration": True}, tpks_offences=["KS_RUMAH_TANGGA"]
    )
    proof = care.attachment_add(
        actor=volunteer,
        case=case,
        title=f"Consent of {CANARY.name}",
        filename="consent.png",
        data=png(),
    )
    care.consent_record(
        actor=volunteer,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.SERVICES,
        method=ConsentMethod.THUMBPRINT,
        proof=proof,
    )
    care.consent_record(
        actor=volunteer,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type=OrganisationType.PUSKESMAS,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name=f"Kakak {CANARY.name}",
    )
    care.note_add(actor=volunteer, case=case, body=f"{NARRATIVE} phone {CANARY.phone}")
    care.assessment_record(
        actor=worker,
        case=case,
        risk_level="HIGH",
        risk_criteria=["LIVES_WITH_PERPETRATOR"],
        needs={"PSYCHOLOGICAL": f"{CANARY.name} needs counselling", "CIVIL_DOCUMENTS": CANARY.nik},
    )
    care.plan_item_add(
        actor=worker,
        case=case,
        service_type=ServiceType.PSIKOSOSIAL,
        description=f"Counselling for {CANARY.name}",
        due_on=timezone.localdate(),
    )
    workflow.case_activate(actor=worker, case=case)
    workflow.case_assign(actor=coordinator, case=case, worker=worker.user)
    follow_up = care.follow_up_plan(
        actor=worker, case=case, assigned_to=worker.user, due_on=timezone.localdate()
    )
    care.follow_up_record(
        actor=worker, follow_up=follow_up, summary=f"{CANARY.name} is safe, {NARRATIVE}"
    )
    # police forwarding (72 h) is still open and not yet late; the first contact was met;
    # make the follow-up overdue so that the escalation writes a notification too
    case.deadlines.filter(code="follow_up", met_at__isnull=True).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    escalated = deadlines.deadlines_escalate()
    assert escalated, list(case.deadlines.values_list("code", "due_at", "met_at", "escalated_at"))
    intake.police_forwarding_record(actor=worker, case=case)
    closure = workflow.closure_request(
        actor=worker,
        case=case,
        reason=ClosureReason.SERVICES_COMPLETED,
        summary=f"{CANARY.name}: {NARRATIVE} done",
    )
    workflow.closure_decide(
        actor=approver, closure=closure, approve=True, comment=f"OK {CANARY.name}"
    )
    return case


@pytest.mark.django_db(transaction=True)
def test_the_canary_is_found_nowhere_in_plain_text(
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    second_coordinator: Persona,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given the canary's case, carried from intake to closure with every log recorded
    caplog.set_level(logging.DEBUG)
    case = _plant(
        bahagia_volunteer.membership,
        bahagia_caseworker.membership,
        coordinator.membership,
        second_coordinator.membership,
    )

    # (the data is really there: the services read it back)
    assert (
        Person.objects.get(case_parties__case=case, case_parties__role="VICTIM").name == CANARY.name
    )
    assert NARRATIVE in Incident.objects.get(case=case).narrative
    assert Notification.objects.filter(template="deadline_overdue").exists()

    # when everything the system wrote is gathered
    snapshot = database_snapshot(connection)
    audit = "\n".join(repr(row) for row in AuditEvent.objects.values_list())
    notices = [
        templates.render(n.template, n.context) + repr(n.context)
        for n in Notification.objects.all()
    ]

    # (a snapshot of this very database: the case's register number is in it)
    assert case.register_number.encode() in snapshot

    # then the canary's name, NIK, KK, phone, address and story appear in none of it
    assert scan(NEEDLES, snapshot) == []
    assert scan(NEEDLES, audit) == []
    assert scan(NEEDLES, *notices) == []
    assert scan(NEEDLES, caplog.text) == []


def test_the_scanner_finds_a_planted_value_so_that_zero_hits_mean_something() -> None:
    assert scan(NEEDLES, f"x {CANARY.name.upper()} y".encode("utf-16-le"))
    assert scan(NEEDLES, f"nik={CANARY.nik}")
    assert scan(NEEDLES, NARRATIVE.lower())
