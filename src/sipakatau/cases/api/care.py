"""After intake, through the API: assessment, consent, plan, follow-ups, notes, files."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Status, UploadedFile

from sipakatau.accounts.access import acting
from sipakatau.lib.uploads import max_upload_bytes

from .. import queries
from ..models import Assessment, Attachment, Consent, FollowUp, Note, ServicePlanItem
from ..services import care
from .common import party_in_case, router, user_by_id
from .schemas import (
    AssessmentIn,
    AssessmentOut,
    AttachmentOut,
    ConsentIn,
    ConsentOut,
    ConsentWithdrawIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpRecordIn,
    NoteIn,
    NoteOut,
    PlanItemIn,
    PlanItemOut,
    PlanItemStatusIn,
)


@router.post(
    "/{case_id}/assessments",
    response={201: AssessmentOut},
    summary="Risk (with what was seen) and needs",
)
def assessment_record(
    request: HttpRequest, case_id: int, payload: AssessmentIn
) -> Status[Assessment]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    assessment = care.assessment_record(
        actor=membership,
        case=case,
        risk_level=payload.risk_level,
        risk_criteria=payload.risk_criteria,
        needs=payload.needs,
    )
    return Status(201, assessment)


@router.post(
    "/{case_id}/consents",
    response={201: ConsentOut},
    summary="Record a consent (per purpose; a guardian for a child)",
)
def consent_record(request: HttpRequest, case_id: int, payload: ConsentIn) -> Status[Consent]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    subject = party_in_case(case, payload.subject_party_id, "subject")
    guardian = None
    if payload.guardian_party_id is not None:
        guardian = party_in_case(case, payload.guardian_party_id, "guardian")
    proof = None
    if payload.proof_attachment_id is not None:
        proof = case.attachments.defer("content").filter(pk=payload.proof_attachment_id).first()
        if proof is None:
            raise ValidationError({"proof": _("The proof must be a file of this case.")})
    consent = care.consent_record(
        actor=membership,
        case=case,
        subject=subject,
        purpose=payload.purpose,
        method=payload.method,
        recipient_type=payload.recipient_type,
        guardian=guardian,
        witness_name=payload.witness_name,
        proof=proof,
        given_at=payload.given_at,
    )
    return Status(201, consent)


@router.post(
    "/consents/{consent_id}/withdraw",
    response=ConsentOut,
    summary="Withdraw a consent; it stops at once",
)
def consent_withdraw(request: HttpRequest, consent_id: int, payload: ConsentWithdrawIn) -> Consent:
    membership = acting(request)
    consent = queries.consent_for(membership, consent_id)
    return care.consent_withdraw(actor=membership, consent=consent, reason=payload.reason)


@router.post(
    "/{case_id}/plan-items",
    response={201: PlanItemOut},
    summary="Add an item to the service plan",
)
def plan_item_add(
    request: HttpRequest, case_id: int, payload: PlanItemIn
) -> Status[ServicePlanItem]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    item = care.plan_item_add(
        actor=membership,
        case=case,
        service_type=payload.service_type,
        description=payload.description,
        owner=None if payload.owner_id is None else user_by_id(payload.owner_id, "owner"),
        due_on=payload.due_on,
    )
    return Status(201, item)


@router.post(
    "/plan-items/{item_id}/status",
    response=PlanItemOut,
    summary="Mark a plan item in progress, done or cancelled",
)
def plan_item_set_status(
    request: HttpRequest, item_id: int, payload: PlanItemStatusIn
) -> ServicePlanItem:
    membership = acting(request)
    item = queries.plan_item_for(membership, item_id)
    return care.plan_item_set_status(actor=membership, item=item, status=payload.status)


@router.post(
    "/{case_id}/follow-ups",
    response={201: FollowUpOut},
    summary="Plan a follow-up contact for someone of the unit",
)
def follow_up_plan(request: HttpRequest, case_id: int, payload: FollowUpIn) -> Status[FollowUp]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    assigned_to = user_by_id(payload.assigned_to_id, "assigned_to")
    follow_up = care.follow_up_plan(
        actor=membership, case=case, assigned_to=assigned_to, due_on=payload.due_on
    )
    return Status(201, follow_up)


@router.post(
    "/follow-ups/{follow_up_id}/record",
    response=FollowUpOut,
    summary="Record a follow-up contact that happened",
)
def follow_up_record(
    request: HttpRequest, follow_up_id: int, payload: FollowUpRecordIn
) -> FollowUp:
    membership = acting(request)
    # The one write a volunteer may make on a case she cannot browse: her own follow-up.
    follow_up = queries.follow_up_for(membership, follow_up_id)
    return care.follow_up_record(actor=membership, follow_up=follow_up, summary=payload.summary)


@router.post("/{case_id}/notes", response={201: NoteOut}, summary="Add a note (stored encrypted)")
def note_add(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[Note]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    return Status(201, care.note_add(actor=membership, case=case, body=payload.body))


@router.post(
    "/{case_id}/attachments",
    response={201: AttachmentOut},
    summary="Upload a PDF, JPEG or PNG; image metadata is removed, the file stored encrypted",
)
def attachment_add(
    request: HttpRequest, case_id: int, file: File[UploadedFile], title: Form[str] = ""
) -> Status[Attachment]:
    membership = acting(request)
    case = queries.browsable_case_for(membership, case_id)
    # One byte over the limit is enough for the service to refuse it as too big; the rest
    # of an oversize file is never read into memory.
    data = file.read(max_upload_bytes() + 1)
    attachment = care.attachment_add(
        actor=membership, case=case, title=title, filename=file.name or "", data=data
    )
    return Status(201, attachment)
