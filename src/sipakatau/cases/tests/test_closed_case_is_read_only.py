"""A closed case is read-only until a coordinator reopens it (``services.common.require_open``).

Every service that writes into a case refuses a closed one, changes nothing and writes no
audit event. What must go on after closure still works: withdrawing a consent (the
survivor's right, UU 27/2022 PDP Pasal 40), reopening, assigning the case, and the closure
decision itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sipakatau.audit.models import AuditEvent
from sipakatau.cases.codes import (
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    PartyRole,
    ServiceType,
)
from sipakatau.cases.models import (
    Attachment,
    Case,
    CaseDeadline,
    CaseParty,
    Consent,
    FollowUp,
    Incident,
    Note,
    PerpetratorLink,
    ServicePlanItem,
    Status,
)
from sipakatau.cases.services import (
    care,
    classification,
    consents,
    disability,
    edits,
    incident_intake,
    intake,
    workflow,
)
from sipakatau.cases.services.gbvims_details import IncidentDetails
from sipakatau.people.models import Person
from sipakatau.people.services import person_create
from tests.builders import API, bearer, consent_for_services, full_case, png, post
from tests.factories import Persona, english

CLOSED = "This case is closed. Reopen it first."


@pytest.fixture(autouse=True)
def _setup(deadline_rules: None, in_english: None) -> None:
    pass


@dataclass
class World:
    worker: Persona
    coordinator: Persona
    case: Case
    victim: CaseParty
    perpetrator: CaseParty
    item: ServicePlanItem
    follow_up: FollowUp
    consent: Consent
    spare: Person  # recorded, not yet in the case


def _closed_world(worker: Persona, coordinator: Persona) -> World:
    actor = worker.membership
    case = full_case(actor)
    victim = case.parties.get(role=PartyRole.VICTIM)
    perpetrator = case.parties.get(role=PartyRole.PERPETRATOR)
    item = care.plan_item_add(actor=actor, case=case, service_type=ServiceType.PSIKOSOSIAL)
    follow_up = care.follow_up_plan(
        actor=actor, case=case, assigned_to=worker.user, due_on=date.today() + timedelta(days=3)
    )
    consent = care.consent_record(
        actor=actor,
        case=case,
        subject=victim,
        purpose=ConsentPurpose.REFERRAL,
        recipient_type="LEGAL_AID",
        method=ConsentMethod.VERBAL_WITNESSED,
        witness_name="Ibu RT",
    )
    spare = person_create(actor=actor, name="Rina Wati", sex="P").person
    closure = workflow.closure_request(
        actor=actor, case=case, reason=ClosureReason.NOT_A_CASE, summary="Bukan kasus"
    )
    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    return World(worker, coordinator, case, victim, perpetrator, item, follow_up, consent, spare)


def _snapshot(case: Case) -> dict[str, Any]:
    """Every row the case services write, as it is now."""
    rows: dict[str, Any] = {
        model.__name__: list(model.objects.filter(case=case).order_by("pk").values())
        for model in (
            CaseParty,
            PerpetratorLink,
            Incident,
            Consent,
            ServicePlanItem,
            FollowUp,
            Note,
            Attachment,
            CaseDeadline,
        )
    }
    rows["Case"] = list(Case.objects.filter(pk=case.pk).values())
    rows["Person"] = list(Person.objects.order_by("pk").values())
    rows["audit events"] = AuditEvent.objects.count()
    return rows


Write = Callable[[World], object]


def _new_person() -> intake.NewPerson:
    return intake.NewPerson(name="Dewi Lestari", sex="P")


WRITES: dict[str, Write] = {
    "party_add": lambda w: intake.party_add(
        actor=w.worker.membership, case=w.case, person=w.spare, role=PartyRole.WITNESS
    ),
    "party_create": lambda w: intake.party_create(
        actor=w.worker.membership, case=w.case, role=PartyRole.WITNESS, person=_new_person()
    ),
    "perpetrator_link_set": lambda w: intake.perpetrator_link_set(
        actor=w.worker.membership,
        case=w.case,
        victim=w.victim,
        perpetrator=w.perpetrator,
        relationship="PACAR_TEMAN",
    ),
    "incident_record": lambda w: intake.incident_record(
        actor=w.worker.membership,
        case=w.case,
        occurred_on=date.today() - timedelta(days=1),
        narrative="Diubah setelah ditutup",
        violence_forms=["PSIKIS"],
    ),
    "police_forwarding_record": lambda w: intake.police_forwarding_record(
        actor=w.worker.membership, case=w.case
    ),
    "case_intake_complete": lambda w: intake.case_intake_complete(
        actor=w.worker.membership, case=w.case
    ),
    "incident_intake_record": lambda w: incident_intake.incident_intake_record(
        actor=w.worker.membership,
        case=w.case,
        occurred_on=date.today() - timedelta(days=1),
        narrative="Diubah setelah ditutup",
        violence_forms=["PSIKIS"],
    ),
    "incident_classify": lambda w: classification.incident_classify(
        actor=w.worker.membership, case=w.case, answers={}
    ),
    "incident_details_set": lambda w: edits.incident_details_set(
        actor=w.worker.membership, case=w.case, details=IncidentDetails()
    ),
    "party_particulars_set": lambda w: edits.party_particulars_set(
        actor=w.worker.membership, party=w.victim, particulars=intake.Particulars()
    ),
    "perpetrator_link_edit": lambda w: edits.perpetrator_link_edit(
        actor=w.worker.membership,
        case=w.case,
        victim=w.victim,
        perpetrator=w.perpetrator,
        relationship="PACAR_TEMAN",
    ),
    "perpetrator_edit": lambda w: edits.perpetrator_edit(
        actor=w.worker.membership, party=w.perpetrator, occupation=""
    ),
    "party_set_disability": lambda w: disability.party_set_disability(
        actor=w.worker.membership,
        case=w.case,
        party=w.victim,
        wg_answers={},
        disability_kinds=[],
    ),
    "consent_record": lambda w: consent_for_services(w.worker.membership, w.case, w.victim),
    "consents_record": lambda w: consents.consents_record(
        actor=w.worker.membership,
        case=w.case,
        subjects=[w.victim],
        purpose=ConsentPurpose.SERVICES,
        given=consents.ConsentGiven(method=ConsentMethod.VERBAL_WITNESSED, witness_name="RT"),
    ),
    "assessment_record": lambda w: care.assessment_record(
        actor=w.worker.membership, case=w.case, risk_level="LOW", risk_criteria=[], needs={}
    ),
    "plan_item_add": lambda w: care.plan_item_add(
        actor=w.worker.membership, case=w.case, service_type=ServiceType.KESEHATAN
    ),
    "plan_item_set_status": lambda w: care.plan_item_set_status(
        actor=w.worker.membership, item=w.item, status=ServicePlanItem.ItemStatus.DONE
    ),
    "follow_up_plan": lambda w: care.follow_up_plan(
        actor=w.worker.membership,
        case=w.case,
        assigned_to=w.worker.user,
        due_on=date.today() + timedelta(days=5),
    ),
    "follow_up_record": lambda w: care.follow_up_record(
        actor=w.worker.membership, follow_up=w.follow_up, summary="Ditelepon"
    ),
    "note_add": lambda w: care.note_add(actor=w.worker.membership, case=w.case, body="Catatan"),
    "attachment_add": lambda w: care.attachment_add(
        actor=w.worker.membership, case=w.case, title="Foto", filename="foto.png", data=png()
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_to_a_closed_case_is_refused_and_changes_nothing(
    name: str, bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    # Given a closed case with something in every section
    world = _closed_world(bahagia_caseworker, coordinator)
    before = _snapshot(world.case)

    # when a caseworker of the unit writes into it
    with pytest.raises(ValidationError) as refused:
        WRITES[name](world)

    # then she is told the case is closed, and nothing changed, not even the audit trail
    assert CLOSED in refused.value.messages
    assert _snapshot(world.case) == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["note_add", "plan_item_set_status", "incident_classify"])
def test_the_same_writes_are_accepted_once_the_case_is_reopened(
    name: str, bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    # (the refusal above is the closure's, not the arguments')
    world = _closed_world(bahagia_caseworker, coordinator)
    workflow.case_reopen(actor=coordinator.membership, case=world.case, reason="Datang lagi")
    events = AuditEvent.objects.count()

    WRITES[name](world)

    assert AuditEvent.objects.count() > events


@pytest.mark.django_db
def test_consent_can_still_be_withdrawn_on_a_closed_case(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    world = _closed_world(bahagia_caseworker, coordinator)

    care.consent_withdraw(actor=bahagia_caseworker.membership, consent=world.consent, reason="-")

    world.consent.refresh_from_db()
    assert world.consent.withdrawn_at is not None
    assert AuditEvent.objects.filter(
        action="consent.withdrawn", object_id=str(world.consent.pk)
    ).exists()


@pytest.mark.django_db
def test_a_closed_case_can_be_reopened_with_its_note(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    world = _closed_world(bahagia_caseworker, coordinator)

    workflow.case_reopen(actor=coordinator.membership, case=world.case, reason="Datang lagi")

    world.case.refresh_from_db()
    assert world.case.status == Status.REOPENED
    assert any("Datang lagi" in note.body for note in Note.objects.filter(case=world.case))


@pytest.mark.django_db
def test_a_coordinator_may_still_assign_a_closed_case(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    # The state policy allows it: a worker who leaves the unit hands her closed cases on,
    # so that a reopening reaches someone. The content of the case is not touched.
    world = _closed_world(bahagia_caseworker, coordinator)

    workflow.case_assign(actor=coordinator.membership, case=world.case, worker=coordinator.user)

    world.case.refresh_from_db()
    assert world.case.assigned_to_id == coordinator.user.pk
    assert world.case.status == Status.CLOSED


@pytest.mark.django_db
def test_the_api_answers_422_with_the_reason(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    world = _closed_world(bahagia_caseworker, coordinator)
    notes = Note.objects.filter(case=world.case).count()

    response = post(
        bearer(bahagia_caseworker),
        f"{API}/{world.case.pk}/notes",
        {"body": "Catatan setelah ditutup"},
    )

    # (the API speaks Bahasa Indonesia: the message is the translation of CLOSED)
    assert response.status_code == 422, response.content[:300]
    assert "Kasus ini sudah ditutup" in response.content.decode()
    assert Note.objects.filter(case=world.case).count() == notes


@pytest.mark.django_db
def test_the_page_shows_the_reason_and_saves_nothing(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    world = _closed_world(bahagia_caseworker, coordinator)
    notes = Note.objects.filter(case=world.case).count()

    page = english(bahagia_caseworker.client).post(
        reverse("cases:note_add", args=[world.case.pk]), {"body": "Catatan setelah ditutup"}
    )

    assert page.status_code == 200
    assert CLOSED in page.content.decode()
    assert Note.objects.filter(case=world.case).count() == notes


@pytest.mark.django_db
def test_reading_a_closed_case_still_works(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    world = _closed_world(bahagia_caseworker, coordinator)
    attachment = Attachment.objects.filter(case=world.case).first()
    assert attachment is not None
    client = english(bahagia_caseworker.client)

    assert client.get(reverse("cases:case_detail", args=[world.case.pk])).status_code == 200
    download = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
