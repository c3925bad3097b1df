"""What the cases API reads and answers. Every schema names its fields: a model with
encrypted fields is never exposed wholesale, so a new field never leaks by accident."""

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from sipakatau.lib.api_types import IsoDate, IsoDateTime, JsonBool, JsonInt, ObjectIn
from sipakatau.people.models import Person

from .. import queries
from ..codes import Channel, ImmediateNeed, PartyRole
from ..models import Case, CaseDeadline, Consent, Incident, PerpetratorLink

# --- Lists (no names, nothing about what happened) ----------------------------------------


class CaseFilterIn(Schema):
    status: str = ""
    risk_level: str = ""
    violence_form: str = ""
    kelurahan_code: str = ""
    reported_from: IsoDate | None = None
    reported_to: IsoDate | None = None
    mine: bool = False  # in the query string: "true", "false"
    due: Literal["", "today", "overdue"] = ""


class CaseSearchIn(CaseFilterIn):
    """The filters, and a search by identity: sent in a POST body, never in the address,
    so a name, NIK or phone never lands in an access log."""

    search: str = Field("", max_length=100, description="Register number, name, NIK or phone")
    mine: JsonBool = False  # in a JSON body: true or false


class CaseListItemOut(Schema):
    id: int
    # None while the case is an intake draft (numbered when its intake is completed).
    register_number: str | None
    is_draft: bool
    status: str
    risk_level: str
    reported_at: datetime
    next_due_at: datetime | None
    minutes_late: int
    assigned_to_id: int | None

    @staticmethod
    def resolve_next_due_at(obj: Case) -> datetime | None:
        deadline = queries.next_deadline(obj)
        return deadline.due_at if deadline else None

    @staticmethod
    def resolve_minutes_late(obj: Case) -> int:
        return queries.lateness(queries.next_deadline(obj))


class CaseOut(Schema):
    id: int
    register_number: str | None
    is_draft: bool
    status: str
    risk_level: str
    channel: str
    reported_at: datetime
    danger_now: bool
    immediate_needs: list[str]
    assigned_to_id: int | None
    created_by_id: int
    closed_at: datetime | None


class DuplicateIn(ObjectIn):
    nik: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=200)
    birth_year: JsonInt | None = None
    kelurahan_code: str | None = Field(None, max_length=32)
    exclude_case_id: JsonInt | None = None


class DuplicateOut(Schema):
    case_id: int
    register_number: str | None
    reason: str


# --- Intake ---------------------------------------------------------------------------------


class CaseOpenIn(Schema):
    # The service's checks (services/intake.py case_open), stated for clients: with them,
    # schemathesis' chains open real cases and go on to work on them.
    channel: str = Field(..., json_schema_extra={"enum": list(Channel.values)})
    reported_at: IsoDateTime | None = Field(
        None, description="When the report came in; not in the future. Left out: now"
    )
    danger_now: JsonBool = False
    immediate_needs: list[str] = Field(
        [], json_schema_extra={"items": {"type": "string", "enum": list(ImmediateNeed.values)}}
    )
    intake_key: uuid.UUID | None = Field(
        None, description="Sending the same key again returns the same case"
    )


class PersonIn(Schema):
    name: str = Field(max_length=200)
    sex: str = "U"
    nik: str | None = Field(None, max_length=32)
    kk_number: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=500)
    birth_date: IsoDate | None = None
    age_estimate: JsonInt | None = None


class ProfileIn(ObjectIn):
    area_code: str | None = Field(None, description="Kelurahan, RW or RT where the person lives")
    wg_answers: dict[str, str] = {}
    disability_kinds: list[str] = []
    communication_needs: str = ""
    do_not_contact: JsonBool = False
    contact_channels: list[str] = []
    contact_times: str = ""
    contact_note: str = ""


class ParticularsIn(ObjectIn):
    """A victim's SIMFONI-PPA particulars (codes of the KODE sheet); blank: not known."""

    education: str = ""
    occupation: str = ""
    marital_status: str = ""
    citizenship: str = ""


class PartyIn(Schema):
    # The service's check (services/intake.py party_add), stated for clients.
    role: str = Field(..., json_schema_extra={"enum": list(PartyRole.values)})
    person: PersonIn
    profile: ProfileIn | None = None
    particulars: ParticularsIn | None = Field(None, description="For a victim only")
    perpetrator_occupation: str = Field(
        "", description="For a suspected perpetrator only: main occupation (PEKERJAAN codes)"
    )


class IncidentDetailsIn(ObjectIn):
    """The GBVIMS intake fields (codes of the GBVIMS workbook's KODE sheet); each blank
    when not asked. Sent together: a field left out is blank."""

    time_of_day: str = Field("", description="TimeOfDay: MORNING, AFTERNOON, EVENING_NIGHT, …")
    harmful_practice: str = Field("", description="HarmfulPractice: NO, CHILD_MARRIAGE, …")
    abduction_type: str = Field(
        "", description="AbductionType: NONE, FORCED_CONSCRIPTION, TRAFFICKED, OTHER_ABDUCTION"
    )
    reported_elsewhere: str = Field("", description="ReportedElsewhere: NO, YES_…, UNKNOWN")
    reported_to: list[str] = Field(
        default_factory=list, description="ReportedTo codes; only when reported elsewhere"
    )
    previous_incidents: str = Field("", description="YES, NO or UNKNOWN")
    legal_action: str = Field("", description="YES, NO, UNDECIDED or NOT_APPLICABLE")
    perpetrator_count: str = Field("", description="1, 2, 3, MORE_THAN_3 or UNKNOWN")
    referred_from: str = Field("", description="ReferredFrom: HEALTH, SELF, POLICE, …")


class IncidentIn(Schema):
    occurred_on: IsoDate | None = None
    occurred_on_is_estimate: JsonBool = False
    place_type: str = ""
    area_code: str | None = None
    outside_city: JsonBool = False
    narrative: str = ""
    violence_forms: list[str] = []
    gbvims: IncidentDetailsIn | None = Field(
        None, description="The GBVIMS intake fields; left out, those recorded stay"
    )


class RelationshipIn(Schema):
    victim_party_id: JsonInt
    perpetrator_party_id: JsonInt
    relationship: str = Field(description="SIMFONI-PPA category (HUBUNGAN_PELAKU)")
    relation_detail: str = Field(
        "",
        description="The finer relation (PACAR, MANTAN_PACAR, TEMAN, SUAMI, ISTRI, "
        "MANTAN_SUAMI_ISTRI), fitting the category; blank if not known",
    )


class PerpetratorEditIn(Schema):
    occupation: str = Field("", description="Main occupation (PEKERJAAN codes); blank: unknown")
    victim_party_id: JsonInt | None = Field(
        None, description="With a relationship: the victim whose relation is corrected"
    )
    relationship: str = Field("", description="SIMFONI-PPA category (HUBUNGAN_PELAKU)")
    relation_detail: str = Field("", description="The finer relation, fitting the category")


class ClassificationIn(Schema):
    answers: dict[str, JsonBool] = Field(
        default_factory=dict, description="GBVIMS question key → yes/no; first yes wins"
    )
    goods_exchanged: JsonBool = False
    abduction: JsonBool | None = Field(
        None, description="Taken or held against her or his will; null: not asked, kept as is"
    )
    tpks_offences: list[str] = []


class QuestionOut(Schema):
    key: str
    text: str
    answer: str


# --- Care -------------------------------------------------------------------------------------


class AssessmentIn(Schema):
    risk_level: str
    risk_criteria: list[str] = []
    needs: dict[str, str] = {}


class ConsentIn(Schema):
    subject_party_id: JsonInt
    purpose: str
    method: str
    recipient_type: str = ""
    guardian_party_id: JsonInt | None = None
    witness_name: str = ""
    proof_attachment_id: JsonInt | None = None
    given_at: IsoDateTime | None = None


class ConsentWithdrawIn(Schema):
    reason: str = ""


class PlanItemIn(Schema):
    service_type: str
    description: str = ""
    owner_id: JsonInt | None = None
    due_on: IsoDate | None = None


class PlanItemStatusIn(Schema):
    status: str


class FollowUpIn(Schema):
    assigned_to_id: JsonInt
    due_on: IsoDate


class FollowUpRecordIn(Schema):
    summary: str


class NoteIn(Schema):
    body: str = Field(..., pattern=r"\S", description="Not blank")


# --- Workflow ---------------------------------------------------------------------------------


class AssignIn(Schema):
    worker_id: JsonInt


class ClosureIn(Schema):
    reason: str
    summary: str


class ClosureDecisionIn(Schema):
    approve: JsonBool
    comment: str = ""


class ReopenIn(Schema):
    reason: str


# --- The case's content -------------------------------------------------------------------


class PersonOut(Schema):
    """A person as a case read shows her. Telephone, NIK and KK number are left out:
    ``POST /cases/{case_id}/identity`` shows them, and audits each showing."""

    id: int
    name: str
    sex: str
    address: str | None
    birth_date: date | None
    age_estimate: int | None
    area_code: str | None
    has_disability: bool
    wg_answers: dict[str, str]
    disability_kinds: list[str]
    communication_needs: str
    safe_contact: dict[str, object]

    @staticmethod
    def resolve_area_code(obj: Person) -> str | None:
        return obj.area.code if obj.area is not None else None


class IdentityIn(Schema):
    party_id: JsonInt = Field(description="The person in the case (``parties[].id``)")


class IdentityOut(Schema):
    party_id: int
    person_id: int
    phone: str | None
    nik: str | None
    kk_number: str | None


class PartyOut(Schema):
    id: int
    role: str
    age_at_incident: int | None
    is_child: bool
    education: str
    occupation: str
    marital_status: str
    citizenship: str
    person: PersonOut


class PartyAddedOut(PartyOut):
    warnings: list[str] = Field(
        default_factory=list, description="Odd but possible NIK details to check again"
    )


class RelationshipOut(Schema):
    victim_party_id: int
    perpetrator_party_id: int
    relationship: str
    relation_detail: str

    @staticmethod
    def resolve_victim_party_id(obj: PerpetratorLink) -> int:
        return obj.victim_id

    @staticmethod
    def resolve_perpetrator_party_id(obj: PerpetratorLink) -> int:
        return obj.perpetrator_id


class PerpetratorOut(Schema):
    id: int
    occupation: str
    relationships: list[RelationshipOut]


class IncidentOut(Schema):
    occurred_on: date | None
    occurred_on_is_estimate: bool
    place_type: str
    area_code: str | None
    outside_city: bool
    narrative: str
    violence_forms: list[str]
    gbvims_type: str
    gbvims_context: list[str]
    goods_exchanged: bool
    abduction: bool
    tpks_offences: list[str]
    is_sexual_violence: bool
    time_of_day: str
    harmful_practice: str
    abduction_type: str
    reported_elsewhere: str
    reported_to: list[str]
    previous_incidents: str
    legal_action: str
    perpetrator_count: str
    referred_from: str

    @staticmethod
    def resolve_area_code(obj: Incident) -> str | None:
        return obj.area.code if obj.area is not None else None


class AssessmentOut(Schema):
    id: int
    risk_level: str
    risk_criteria: list[str]
    needs: dict[str, str]
    assessed_by_id: int
    assessed_at: datetime


class ConsentOut(Schema):
    id: int
    subject_party_id: int
    purpose: str
    recipient_type: str
    guardian_party_id: int | None
    method: str
    witness_name: str
    proof_attachment_id: int | None
    given_at: datetime
    recorded_by_id: int
    withdrawn_at: datetime | None
    is_active: bool

    @staticmethod
    def resolve_subject_party_id(obj: Consent) -> int:
        return obj.subject_id

    @staticmethod
    def resolve_guardian_party_id(obj: Consent) -> int | None:
        return obj.given_by_guardian_id

    @staticmethod
    def resolve_proof_attachment_id(obj: Consent) -> int | None:
        return obj.proof_id


class PlanItemOut(Schema):
    id: int
    service_type: str
    description: str
    owner_id: int | None
    due_on: date | None
    status: str
    done_at: datetime | None


class FollowUpOut(Schema):
    id: int
    assigned_to_id: int
    due_on: date
    done_at: datetime | None
    summary: str
    created_by_id: int


class NoteOut(Schema):
    id: int
    author_id: int
    body: str
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int
    uploaded_at: datetime


class DeadlineOut(Schema):
    id: int
    code: str
    label: str
    due_at: datetime
    met_at: datetime | None
    escalated_at: datetime | None
    minutes_late: int
    state: str = Field(
        description="met, late, due, or closed: the case closed before it was met (a "
        "closed case has nothing due or late)"
    )

    @staticmethod
    def resolve_minutes_late(obj: CaseDeadline) -> int:
        if queries.deadline_state(obj, obj.case) != queries.DeadlineState.LATE:
            return 0
        return queries.lateness(obj)

    @staticmethod
    def resolve_state(obj: CaseDeadline) -> str:
        # ``obj.case`` is the case the list was read from (no query per row).
        return queries.deadline_state(obj, obj.case)


class ClosureOut(Schema):
    id: int
    reason: str
    summary: str
    requested_by_id: int
    requested_at: datetime
    decision: str
    decided_by_id: int | None
    decided_at: datetime | None
    decision_comment: str


class CaseDetailOut(CaseOut):
    browsable: bool = Field(
        description="False for a volunteer who only has follow-ups on this case: she gets "
        "those follow-ups and nothing else"
    )
    next_due_at: datetime | None
    minutes_late: int
    parties: list[PartyOut]
    relationships: list[RelationshipOut]
    incident: IncidentOut | None
    assessments: list[AssessmentOut]
    consents: list[ConsentOut]
    plan_items: list[PlanItemOut]
    follow_ups: list[FollowUpOut]
    notes: list[NoteOut]
    attachments: list[AttachmentOut]
    deadlines: list[DeadlineOut]
    closures: list[ClosureOut]
    closure_reasons: list[str]
