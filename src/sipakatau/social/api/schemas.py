"""The social API's request and response bodies."""

from datetime import date, datetime

from ninja import Field, Schema

from sipakatau.lib.api_types import IsoDate, JsonBool, JsonInt


class HouseholdRowOut(Schema):
    id: int
    kelurahan_code: str
    rw: str
    rt: str
    head_name: str
    members: int
    dtsen_status: str | None
    desil: int | None


class HouseholdIn(Schema):
    kk_number: str = Field(max_length=32, description="16 digits")
    rw: str = Field(max_length=3)
    rt: str = Field(max_length=3)
    address: str = Field("", max_length=300)


class KkSearchIn(Schema):
    kk_number: str = Field(max_length=32)


class MemberOut(Schema):
    id: int
    person_id: int
    name: str
    sex: str
    relationship: str
    start_date: date
    end_date: date | None


class DtsenOut(Schema):
    status: str
    desil: int | None
    source: str
    known_on: date


class DocumentOut(Schema):
    person_id: int
    kind: str
    status: str
    is_pbi: bool | None


class HelpOut(Schema):
    person_id: int
    kind: str
    help_given: str
    helped_on: date
    outcome: str


class EnrolmentOut(Schema):
    programme_code: str
    person_id: int | None
    status: str
    source: str
    known_on: date


class ProposalOut(Schema):
    batch_id: int
    month: date
    programme_code: str
    person_id: int | None
    verification: str
    outcome: str


class HouseholdOut(Schema):
    id: int
    kk_number: str
    kelurahan_code: str
    rw: str
    rt: str
    address: str
    members: list[MemberOut]
    past_members: list[MemberOut]
    dtsen: list[DtsenOut]
    documents: list[DocumentOut]
    document_help: list[HelpOut]
    enrolments: list[EnrolmentOut]
    proposals: list[ProposalOut]


class MemberIn(Schema):
    relationship: str
    name: str = Field("", max_length=200, description="As on the KK (a new person)")
    nik: str = Field("", max_length=32, description="Links a person already recorded")
    sex: str = "U"
    birth_date: IsoDate | None = None
    age_estimate: JsonInt | None = None
    start_date: IsoDate | None = None


class CaseHouseholdIn(Schema):
    party_id: JsonInt = Field(description="The victim (a person of the case)")
    kk_number: str = Field(max_length=32)
    relationship: str
    rw: str = Field("", max_length=3, description="Only when the KK is new in the kelurahan")
    rt: str = Field("", max_length=3, description="Only when the KK is new in the kelurahan")
    address: str = Field("", max_length=300)


class MemberEndIn(Schema):
    end_date: IsoDate | None = None


class MemberMoveIn(Schema):
    to_household_id: JsonInt
    relationship: str
    on: IsoDate | None = None


class DtsenIn(Schema):
    status: str
    desil: JsonInt | None = None
    source: str
    known_on: IsoDate


class DocumentIn(Schema):
    person_id: JsonInt
    kind: str
    status: str
    is_pbi: JsonBool | None = None


class HelpIn(Schema):
    person_id: JsonInt
    kind: str
    help_given: str = Field(max_length=2000)
    helped_on: IsoDate
    outcome: str


class EnrolmentIn(Schema):
    programme_code: str
    person_id: JsonInt | None = Field(None, description="For a programme given to a person")
    status: str
    source: str
    known_on: IsoDate


class ProgrammeOut(Schema):
    code: str
    name: str
    parent_code: str | None
    target_level: str
    target_groups: list[str]
    authority: str
    is_local: bool
    is_active: bool


class RuleOut(Schema):
    id: int
    programme_code: str
    area_code: str
    expression: str
    description: str
    is_active: bool
    edited_at: datetime
    may_edit: bool


class RuleIn(Schema):
    programme_code: str
    expression: str = Field(max_length=2000)
    description: str = Field(max_length=300)
    is_active: JsonBool = True


class TestRunIn(Schema):
    expression: str = Field(max_length=2000)
    kelurahan_code: str = Field("", description="One kelurahan of the office's area")


class FlagOut(Schema):
    household_id: int
    rw: str
    rt: str
    why: str


class TestRunOut(Schema):
    checked: int
    unknown: int = Field(description="Households whose facts the rule needs are not known")
    flagged_total: int
    flagged_elsewhere: int = Field(description="Flagged households you may not see (counted)")
    flagged: list[FlagOut]


class WorklistOut(Schema):
    id: int
    household_id: int
    rw: str
    rt: str
    source: str
    programme_code: str | None
    rule_id: int | None
    needs: list[str]
    why: str
    status: str
    created_at: datetime


class ScreeningOut(Schema):
    added: int


class BatchOut(Schema):
    id: int
    kelurahan_code: str
    kelurahan_name: str
    month: date
    state: str
    cutoff_on: date
    late: bool
    dinsos_id: int
    dinsos_name: str
    signed_at: datetime | None
    decided_at: datetime | None


class ItemOut(Schema):
    id: int
    household_id: int
    programme_code: str
    person_id: int | None
    worklist_entry_id: int | None
    verification: str
    verified_on: date | None
    outcome: str
    outcome_reason: str
    decided_at: datetime | None


class MusyawarahOut(Schema):
    held_on: date
    place: str
    attendance: list[str]
    decisions: str


class BatchDetailOut(BatchOut):
    items: list[ItemOut]
    musyawarah: MusyawarahOut | None


class BatchIn(Schema):
    month: IsoDate = Field(description="Any day of the month")
    dinsos_id: JsonInt


class ItemIn(Schema):
    household_id: JsonInt
    programme_code: str
    person_id: JsonInt | None = None
    worklist_entry_id: JsonInt | None = None


class MusyawarahIn(Schema):
    held_on: IsoDate
    place: str = Field(max_length=200)
    attendance: list[str] = Field(description="One attendee per item: name — position")
    decisions: str = Field(max_length=4000)


class VerificationIn(Schema):
    result: str
    verified_on: IsoDate


class AdvanceIn(Schema):
    to_state: str


class OutcomeIn(Schema):
    outcome: str
    reason: str = Field("", max_length=2000)
