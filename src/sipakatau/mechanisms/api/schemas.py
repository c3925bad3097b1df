"""What the mechanisms API reads and answers. Every schema names its fields, so a new
model field never appears in an answer by accident. Codes are answered as codes; their
labels come from GET /mechanisms/codes."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema

from sipakatau.accounts.access import acting
from sipakatau.areas.crest import has_crest
from sipakatau.lib.api_types import JSON_INTEGER, IsoDate, JsonBool, JsonInt

from .. import numbering, queries
from ..codes import Responsible, Status, TrackedAction, Trigger
from ..models import Comment, Mechanism, MechanismVersion, Meeting

# --- Mechanisms -----------------------------------------------------------------------------


class VersionRefOut(Schema):
    id: int
    number: int
    status: str
    decree_number: str | None = Field(None, description="Only for an issued version")


class MechanismListItemOut(Schema):
    id: int
    kelurahan_code: str = Field(..., alias="area.code")
    kelurahan_name: str = Field(..., alias="area.name")
    active_version: VersionRefOut | None = Field(
        None, description="The issued version that governs the kelurahan's cases"
    )
    working_version: VersionRefOut | None = Field(
        None, description="The version being drafted, discussed or approved"
    )

    @staticmethod
    def resolve_active_version(obj: Mechanism) -> dict[str, Any] | None:
        # The versions were prefetched (status issued or working): no query per row.
        for version in obj.versions.all():
            if version.status == Status.ISSUED:
                decree = getattr(version, "decree", None)
                return {
                    "id": version.pk,
                    "number": version.number,
                    "status": version.status,
                    "decree_number": decree.number if decree else None,
                }
        return None

    @staticmethod
    def resolve_working_version(obj: Mechanism) -> dict[str, Any] | None:
        for version in obj.versions.all():
            if version.status != Status.ISSUED:
                return {"id": version.pk, "number": version.number, "status": version.status}
        return None


class MechanismOut(MechanismListItemOut):
    classification_code: str = Field(
        ..., description="Archive classification code (kode klasifikasi arsip), e.g. 400.2.2"
    )
    office_code: str = Field(..., description="e.g. Kel-WS")
    place: str = Field(..., description="Printed as “Ditetapkan di …”, e.g. Parepare")
    office_address: str = Field("", description="Printed in the kop, with the contacts below")
    office_phone: str = ""
    office_postcode: str = ""
    office_email: str = ""
    next_number: int = Field(0, description="The next decree's number in this year's register")
    number_example: str = Field(
        "", description="The number the next decree would carry; empty while incomplete"
    )
    number_missing: list[str] = Field(
        [], description="What must be filled in before a decree can be issued"
    )
    may_draft: bool = Field(False, description="The caller may change drafts")
    may_sign: bool = Field(False, description="The caller may approve and issue")
    has_crest: bool = Field(
        False, description="The city or regency has a crest, printed in the letterhead"
    )

    @staticmethod
    def resolve_has_crest(obj: Mechanism) -> bool:
        return has_crest(obj.area)

    @staticmethod
    def resolve_next_number(obj: Mechanism) -> int:
        return queries.next_sequence(obj, timezone.localdate().year)

    @staticmethod
    def resolve_number_example(obj: Mechanism) -> str:
        return queries.number_preview(obj, timezone.localdate().year)

    @staticmethod
    def resolve_number_missing(obj: Mechanism) -> list[str]:
        return list(numbering.number_problems(obj.classification_code, obj.office_code).values())

    @staticmethod
    def resolve_may_draft(obj: Mechanism, context: dict[str, Any]) -> bool:
        return queries.may_draft(acting(context["request"]), obj)

    @staticmethod
    def resolve_may_sign(obj: Mechanism, context: dict[str, Any]) -> bool:
        return queries.may_sign(acting(context["request"]), obj)


class MechanismStartIn(Schema):
    area_code: str = Field(..., max_length=40, description="The kelurahan's Kemendagri code")
    classification_code: str = Field("", max_length=40, description="Default: 400")
    office_code: str = Field("", max_length=40, description="Default: the initials, Kel-WS")
    place: str = Field("", max_length=100, description="Default: the city, e.g. Parepare")


class MechanismSettingsIn(Schema):
    """Only the fields sent change."""

    classification_code: str | None = Field(
        None, max_length=40, description="Digits and dots, e.g. 400.2.2"
    )
    office_code: str | None = Field(None, max_length=40, description="e.g. Kel-WS")
    next_number: Annotated[int, Field(ge=1, le=99999), JSON_INTEGER] | None = Field(
        None, description="Where this year's register continues"
    )
    place: str | None = Field(None, max_length=100)
    office_address: str | None = Field(None, max_length=200, description="Printed in the kop")
    office_phone: str | None = Field(None, max_length=40)
    office_postcode: str | None = Field(None, max_length=5, description="Five digits")
    office_email: str | None = Field(None, max_length=254)


# Base64 of the largest crest (areas/crest.py, 1 MB) and a little room.
CREST_BASE64_MAX = 1_400_000


class CrestIn(Schema):
    filename: str = Field(..., max_length=200, description="e.g. lambang.png; PNG or JPG")
    content_base64: str = Field(
        ..., max_length=CREST_BASE64_MAX, description="The picture, base64, at most 1 MB"
    )


class CrestOut(Schema):
    city_code: str = Field(..., alias="area.code")
    city_name: str = Field(..., alias="area.name")
    width: int = Field(..., description="Pixels of the stored PNG (re-encoded, no metadata)")
    height: int
    updated_at: datetime


# --- Versions -------------------------------------------------------------------------------


class DeadlineIO(Schema):
    risk_level: str = Field("", description="Empty: every risk level")
    amount: JsonInt
    unit: str


class StepOut(Schema):
    id: int
    position: int
    title: str
    description: str
    responsible: str
    action: str
    trigger: str
    escalate_to: str
    is_social_protection: bool
    deadlines: list[DeadlineIO]

    @staticmethod
    def resolve_deadlines(obj: Any) -> list[Any]:
        return list(obj.deadlines.all())


class PathwayEntryOut(Schema):
    id: int
    service_type: str
    provider_id: int
    provider_name: str = Field(..., alias="provider.name")
    provider_phone: str = Field(..., alias="provider.phone")
    provider_whatsapp: str = Field(..., alias="provider.whatsapp")
    provider_address: str = Field(..., alias="provider.address")
    contact: str


class DutyOut(Schema):
    id: int
    position: int
    party: str
    duties: str


class DecreeOut(Schema):
    number: str
    issued_on: date
    place: str
    signer_name: str
    signer_nip: str
    signer_rank: str
    signer_title: str
    sha256: str = Field(..., description="SHA-256 of the PDF as issued")
    verification_token: str
    verification_url: str


class VersionListItemOut(Schema):
    id: int
    number: int
    status: str
    title: str
    based_on_id: int | None
    created_at: datetime
    approved_at: datetime | None
    activated_at: datetime | None
    superseded_at: datetime | None
    decree_number: str | None = None

    @staticmethod
    def resolve_decree_number(obj: MechanismVersion) -> str | None:
        decree = getattr(obj, "decree", None)
        return decree.number if decree else None


class VersionOut(Schema):
    id: int
    mechanism_id: int
    kelurahan_code: str
    kelurahan_name: str
    number: int
    status: str
    title: str
    considerations: list[str]
    legal_bases: list[str]
    reporting_schedule: str
    funding: str
    monitoring: str
    copies_to: list[str]
    based_on_id: int | None
    created_by_name: str
    created_at: datetime
    updated_at: datetime
    approved_by_name: str | None
    approved_at: datetime | None
    activated_at: datetime | None
    superseded_at: datetime | None
    steps: list[StepOut]
    pathway: list[PathwayEntryOut]
    duties: list[DutyOut]
    decree: DecreeOut | None
    may_draft: bool = Field(..., description="The caller may change this version now")
    may_sign: bool = Field(..., description="The caller may approve or issue this version")


class VersionIn(Schema):
    """The text sections; only the fields sent change."""

    title: str | None = Field(None, max_length=300)
    considerations: list[str] | None = Field(None, description="Menimbang, one paragraph each")
    legal_bases: list[str] | None = Field(None, description="Mengingat, one legal basis each")
    reporting_schedule: str | None = None
    funding: str | None = None
    monitoring: str | None = None
    copies_to: list[str] | None = Field(None, description="Tembusan")


class TransitionIn(Schema):
    to: Literal["in_discussion", "draft", "approved"]


class IssueIn(Schema):
    issued_on: IsoDate
    signer_name: str = Field(..., max_length=200)
    signer_nip: str = Field("", max_length=30)
    signer_rank: str = Field(
        "", max_length=100, description="Pangkat/golongan, e.g. Penata Tk. I (III/d)"
    )
    signer_title: str = Field("", max_length=200, description="Default: LURAH <KELURAHAN>")


class ChangeOut(Schema):
    section: str
    label: str
    kind: str
    before: str
    after: str


class DiffOut(Schema):
    old_version_id: int
    new_version_id: int
    changes: list[ChangeOut]


class VerifyOut(Schema):
    number: str
    issued_on: date
    kelurahan: str
    title: str
    status: str = Field(..., description="The version's status: issued (active) or superseded")
    sha256: str
    match: bool = Field(..., description="The SHA-256 given equals the issued PDF's")


# --- Steps, pathway, duties -------------------------------------------------------------


class StepIn(Schema):
    # The enums are the service's checks (services/content.py), stated for clients.
    title: str = Field(..., max_length=200)
    description: str = ""
    responsible: str = Field(..., json_schema_extra={"enum": list(Responsible.values)})
    action: str = Field(
        "",
        description="The case action that records it (timed steps)",
        json_schema_extra={"enum": ["", *TrackedAction.values]},
    )
    trigger: str = Field(
        "",
        description="The case event its deadlines count from",
        json_schema_extra={"enum": ["", *Trigger.values]},
    )
    escalate_to: str = Field("", json_schema_extra={"enum": ["", *Responsible.values]})
    is_social_protection: JsonBool = False
    deadlines: list[DeadlineIO] = Field(default_factory=list)
    position: Annotated[int, Field(ge=1), JSON_INTEGER] | None = Field(
        None, description="Default: at the end (new step)"
    )


class MoveIn(Schema):
    position: JsonInt = Field(..., ge=1)


class PathwayEntryIn(Schema):
    service_type: str
    provider_id: JsonInt
    contact: str = Field("", max_length=200)


class DutyIn(Schema):
    party: str
    duties: str = Field(..., max_length=4000)


# --- Discussion -----------------------------------------------------------------------------


class ReplyOut(Schema):
    id: int
    author_name: str
    organisation_name: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj: Comment) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_organisation_name(obj: Comment) -> str:
        return str(obj.organisation)


class CommentOut(ReplyOut):
    section: str
    step_id: int | None
    step_title: str | None = None
    reply_to_id: int | None
    status: str
    resolved_by_name: str | None = None
    resolved_at: datetime | None
    replies: list[ReplyOut] = Field(default_factory=list)

    @staticmethod
    def resolve_step_title(obj: Comment) -> str | None:
        return obj.step.title if obj.step_id and obj.step else None

    @staticmethod
    def resolve_resolved_by_name(obj: Comment) -> str | None:
        return str(obj.resolved_by) if obj.resolved_by_id else None

    @staticmethod
    def resolve_replies(obj: Comment) -> list[Comment]:
        # Only a top-level comment carries its answers (prefetched by comments_of).
        return list(obj.replies.all()) if obj.reply_to_id is None else []


class CommentIn(Schema):
    text: str = Field(..., max_length=4000)
    section: str = "general"
    step_id: JsonInt | None = None
    reply_to_id: JsonInt | None = None


class AttendeeIO(Schema):
    name: str = Field(..., max_length=200)
    organisation: str = Field(..., max_length=200)
    position: str = Field("", max_length=200)
    gender: str = Field(..., description="P (woman) or L (man)")
    has_disability: JsonBool = False


class MeetingOut(Schema):
    id: int
    version_id: int
    held_on: date
    place: str
    agenda: str
    minutes: str
    decisions: str
    recorded_by_name: str
    created_at: datetime
    attendees: list[AttendeeIO]
    women: int = Field(0, description="Attendees who are women")
    men: int = Field(0, description="Attendees who are men")
    with_disability: int = Field(0, description="Attendees with a disability")

    @staticmethod
    def resolve_recorded_by_name(obj: Meeting) -> str:
        return str(obj.recorded_by)

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[Any]:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_women(obj: Meeting) -> int:
        return sum(1 for a in obj.attendees.all() if a.gender == "P")

    @staticmethod
    def resolve_men(obj: Meeting) -> int:
        return sum(1 for a in obj.attendees.all() if a.gender == "L")

    @staticmethod
    def resolve_with_disability(obj: Meeting) -> int:
        return sum(1 for a in obj.attendees.all() if a.has_disability)


class MeetingIn(Schema):
    held_on: IsoDate
    place: str = Field(..., max_length=200)
    agenda: str = Field("", max_length=300)
    minutes: str = ""
    decisions: str = ""
    attendees: list[AttendeeIO] = Field(default_factory=list)


class CodeOut(Schema):
    code: str
    label: str


class CodesOut(Schema):
    status: list[CodeOut]
    trigger: list[CodeOut]
    action: list[CodeOut]
    deadline_unit: list[CodeOut]
    risk_level: list[CodeOut]
    responsible: list[CodeOut]
    section: list[CodeOut]
    comment_status: list[CodeOut]
    gender: list[CodeOut]
    service_type: list[CodeOut]
