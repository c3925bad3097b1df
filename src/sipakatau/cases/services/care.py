"""After intake: assessment, consent, the service plan, follow-ups, notes, attachments."""

import base64
import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, OrganisationType, User
from sipakatau.accounts.permissions import MANAGE_CASE, WORK_ON_CASES
from sipakatau.audit import services as audit
from sipakatau.lib.uploads import UploadError, clean_upload

from ..codes import (
    HIGH_RISK_CRITERIA,
    ConsentMethod,
    ConsentPurpose,
    NeedDomain,
    PartyRole,
    RiskCriterion,
    RiskLevel,
    ServiceType,
)
from ..models import (
    Assessment,
    Attachment,
    Case,
    CaseParty,
    Consent,
    FollowUp,
    Note,
    ServicePlanItem,
    Status,
)
from ..queries import may_be_given_follow_up, may_own_plan_item
from .common import closed_case_refusal, require_case_access, require_open, require_role
from .deadlines import deadlines_meet, deadlines_on_trigger, deadlines_reset_for_risk

FOLLOW_UP_EVERY = timedelta(days=14)

# Registered by the referrals module (a higher floor, which this one may not import):
# called inside ``consent_withdraw``'s transaction, so that what the consent allowed stops
# in the same commit (UU 27/2022 PDP Pasal 40: processing stops when consent is withdrawn).
consent_withdrawal_hooks: list[Callable[[Consent, Membership], None]] = []

# Registered by the social-protection module (a higher floor): called inside
# ``assessment_record``'s transaction, so a need for social protection puts the household
# on the kelurahan's worklist in the same commit as the assessment that raised it.
assessment_hooks: list[Callable[[Assessment, Membership], None]] = []


def assessment_record(
    *,
    actor: Membership,
    case: Case,
    risk_level: str,
    risk_criteria: list[str],
    needs: dict[str, str],
) -> Assessment:
    """Risk (with what was seen) and needs. A high-risk sign cannot be rated lower."""
    require_case_access(actor, case, MANAGE_CASE)
    criteria = list(dict.fromkeys(risk_criteria))
    errors: dict[str, str] = {}
    if risk_level not in {RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW}:
        errors["risk_level"] = _("Choose high, medium or low.")
    if any(code not in RiskCriterion.values for code in criteria):
        errors["risk_criteria"] = _("Choose what was seen from the list.")
    elif set(criteria) & HIGH_RISK_CRITERIA and risk_level != RiskLevel.HIGH:
        errors["risk_level"] = _("What was seen means high risk: choose high.")
    cleaned_needs = {key: text.strip() for key, text in needs.items() if text and text.strip()}
    if any(key not in NeedDomain.values for key in cleaned_needs):
        errors["needs"] = _("Unknown need.")
    if case.status == Status.CLOSED:
        errors["risk_level"] = closed_case_refusal()
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        # The status is read again on the locked row: it moves "new" to "assessed" below, and a
        # closure approved meanwhile must not be undone.
        case.refresh_from_db(from_queryset=Case.objects.select_for_update())
        if case.status == Status.CLOSED:
            raise ValidationError({"risk_level": closed_case_refusal()})
        assessment = Assessment.objects.create(
            case=case,
            risk_level=risk_level,
            risk_criteria=criteria,
            needs=cleaned_needs,
            assessed_by=actor.user,
            assessed_at=now,
        )
        case.risk_level = risk_level
        fields = ["risk_level"]
        if case.status in {Status.NEW, Status.REOPENED}:
            case.status = Status.ASSESSED
            fields.append("status")
        case.save(update_fields=[*fields, "updated_at"])
        deadlines_reset_for_risk(case=case)
        deadlines_meet(case=case, codes=["first_contact", "assessment"], at=now)
        audit.log(
            actor, "case.assessed", assessment, fields=["risk_level", "risk_criteria", "needs"]
        )
        for hook in assessment_hooks:
            hook(assessment, actor)
    return assessment


def consent_record(
    *,
    actor: Membership,
    case: Case,
    subject: CaseParty,
    purpose: str,
    method: str,
    recipient_type: str = "",
    guardian: CaseParty | None = None,
    witness_name: str = "",
    proof: Attachment | None = None,
    given_at: datetime | None = None,
) -> Consent:
    """UU 27/2022 PDP Pasal 20-25: specific, provable consent; for a child, by a parent or
    guardian — and never by one who is a suspected perpetrator in this case (their
    interest conflicts with the child's; UU 35/2014 Pasal 1 angka 2 puts the child first)."""
    require_case_access(actor, case, WORK_ON_CASES)
    errors: dict[str, str] = {}
    if subject.case_id != case.pk or subject.role != PartyRole.VICTIM:
        errors["subject"] = _("Consent is given for a victim in this case.")
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Choose what the consent is for.")
    if purpose == ConsentPurpose.REFERRAL and recipient_type not in OrganisationType.values:
        errors["recipient_type"] = _("For a referral, choose to which kind of service.")
    if purpose != ConsentPurpose.REFERRAL and recipient_type:
        errors["recipient_type"] = _("Only a referral consent names a kind of service.")
    if method not in ConsentMethod.values:
        errors["method"] = _("Choose how the consent was given.")
    if method == ConsentMethod.VERBAL_WITNESSED and not witness_name.strip():
        errors["witness_name"] = _("Spoken consent needs the name of the witness.")
    if method in {ConsentMethod.SIGNATURE, ConsentMethod.THUMBPRINT} and proof is None:
        errors["proof"] = _("Attach the photo of the signed or thumbprinted form.")
    if proof is not None and proof.case_id != case.pk:
        errors["proof"] = _("The proof must be a file of this case.")
    if subject.is_child:
        if guardian is None:
            errors["guardian"] = _("The victim is a child: a parent or guardian gives the consent.")
        elif is_suspected_perpetrator(case, guardian):
            # Checked before the role, so that naming the perpetrator (in any role) is
            # refused with the rule itself rather than with "choose a guardian".
            errors["guardian"] = perpetrator_guardian_refusal()
        elif guardian.case_id != case.pk or guardian.role != PartyRole.GUARDIAN:
            errors["guardian"] = _("Choose a parent or guardian recorded in this case.")
    elif guardian is not None:
        errors["guardian"] = _("An adult gives consent herself or himself.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_open(case)
        consent = Consent.objects.create(
            case=case,
            subject=subject,
            purpose=purpose,
            recipient_type=recipient_type,
            given_by_guardian=guardian,
            method=method,
            witness_name=witness_name.strip(),
            proof=proof,
            given_at=given_at or timezone.now(),
            recorded_by=actor.user,
        )
        audit.log(
            actor,
            "consent.recorded",
            consent,
            fields=[
                "subject",
                "purpose",
                "recipient_type",
                "given_by_guardian",
                "method",
                "witness_name",
                "proof",
            ],
        )
    return consent


def is_suspected_perpetrator(case: Case, party: CaseParty) -> bool:
    """Whether this person (in whatever role ``party`` gives them) is a suspected
    perpetrator in ``case``: such a person never gives consent for a victim of it."""
    return case.parties.filter(person_id=party.person_id, role=PartyRole.PERPETRATOR).exists()


def perpetrator_guardian_refusal() -> str:
    """The rule "perpetrator-guardian" in plain words, the same on the form and from the
    service (UU 27/2022 PDP Pasal 25; UU 35/2014 Pasal 1 angka 2)."""
    return _(
        "This guardian is a suspected perpetrator in this case and cannot give consent "
        "for the child. Ask another guardian, or the UPTD PPA."
    )


def consent_withdraw(*, actor: Membership, consent: Consent, reason: str = "") -> Consent:
    """Withdrawal takes effect at once; what the consent allowed stops (referrals built on
    it are withdrawn by the referrals module, through ``consent_withdrawal_hooks``)."""
    require_case_access(actor, consent.case, WORK_ON_CASES)
    with transaction.atomic():
        # The case row first, as ``referral_create`` locks it before it reads the consent:
        # a referral being made on this consent at the same moment either commits first
        # (and the hook below withdraws it) or waits and finds the consent withdrawn. Then
        # the consent itself, re-read: of two withdrawals at once the second sees the
        # first and changes nothing. A closed case takes a withdrawal too (no require_open).
        list(Case.objects.select_for_update().filter(pk=consent.case_id).values_list("pk"))
        consent.refresh_from_db(from_queryset=Consent.objects.select_for_update())
        if consent.withdrawn_at is not None:
            return consent
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_reason = reason.strip()
        consent.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        audit.log(actor, "consent.withdrawn", consent, fields=["withdrawn_at", "withdrawn_reason"])
        for hook in consent_withdrawal_hooks:
            hook(consent, actor)
    return consent


def has_consent(case: Case, purpose: str, recipient_type: str = "") -> bool:
    """Every victim of the case has an active consent for this purpose (and recipient)."""
    victims = case.parties.filter(role=PartyRole.VICTIM)
    if not victims.exists():
        return False
    consents = Consent.objects.filter(case=case, purpose=purpose, withdrawn_at__isnull=True)
    if recipient_type:
        consents = consents.filter(recipient_type=recipient_type)
    return set(victims.values_list("pk", flat=True)) <= set(
        consents.values_list("subject_id", flat=True)
    )


def plan_item_add(
    *,
    actor: Membership,
    case: Case,
    service_type: str,
    description: str = "",
    owner: User | None = None,
    due_on: date | None = None,
) -> ServicePlanItem:
    require_case_access(actor, case, MANAGE_CASE)
    errors: dict[str, str] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = _("Choose the service from the list.")
    if owner is not None and not may_own_plan_item(owner, case):
        errors["owner"] = _("Choose someone of this unit who can open this case.")
    if case.status == Status.CLOSED:
        errors["service_type"] = closed_case_refusal()
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_open(case)
        item = ServicePlanItem.objects.create(
            case=case,
            service_type=service_type,
            description=description.strip(),
            owner=owner,
            due_on=due_on,
        )
        audit.log(
            actor,
            "plan.item_added",
            item,
            fields=["service_type", "description", "owner", "due_on"],
        )
    return item


def plan_item_set_status(
    *, actor: Membership, item: ServicePlanItem, status: str
) -> ServicePlanItem:
    require_case_access(actor, item.case, MANAGE_CASE)
    if status not in ServicePlanItem.ItemStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    with transaction.atomic():
        require_open(item.case)
        # Re-read under the lock, so the audit event and the answer show the row as it is.
        item.refresh_from_db(from_queryset=ServicePlanItem.objects.select_for_update())
        item.status = status
        item.done_at = timezone.now() if status == ServicePlanItem.ItemStatus.DONE else None
        item.save(update_fields=["status", "done_at"])
        audit.log(actor, "plan.item_updated", item, fields=["status"])
    return item


def follow_up_plan(*, actor: Membership, case: Case, assigned_to: User, due_on: date) -> FollowUp:
    """Plan a contact. A volunteer may be given follow-ups on cases she cannot browse."""
    require_case_access(actor, case, MANAGE_CASE)
    if not may_be_given_follow_up(assigned_to, case):
        # An administrator or auditor of the unit sees no case content: the follow-up
        # would be done by nobody.
        raise ValidationError({"assigned_to": _("Choose someone of this unit who works on cases.")})
    with transaction.atomic():
        require_open(case)
        follow_up = FollowUp.objects.create(
            case=case, assigned_to=assigned_to, due_on=due_on, created_by=actor.user
        )
        audit.log(actor, "follow_up.planned", follow_up, fields=["assigned_to", "due_on"])
    return follow_up


def follow_up_record(*, actor: Membership, follow_up: FollowUp, summary: str) -> FollowUp:
    """Record a contact that happened. The person it was assigned to may always do so."""
    case = follow_up.case
    # The assignee's own path still needs an active front-line membership: a kader whose
    # membership was ended (or a user acting through an admin or agency role) may not
    # write into the case.
    require_role(actor, WORK_ON_CASES)
    if follow_up.assigned_to_id != actor.user_id:
        require_case_access(actor, case, MANAGE_CASE)
    elif case.organisation_id != actor.organisation_id:
        raise ValidationError(_("This follow-up belongs to another unit."))
    if not summary.strip():
        raise ValidationError({"summary": _("Write what happened in a few words.")})
    now = timezone.now()
    with transaction.atomic():
        require_open(case)
        # Re-read under the lock before the guard: of two records sent at once (a phone
        # and a laptop) the second sees the first and is refused, never overwriting it.
        follow_up.refresh_from_db(from_queryset=FollowUp.objects.select_for_update())
        if follow_up.done_at is not None:
            raise ValidationError(_("This follow-up is already recorded."))
        follow_up.done_at = now
        follow_up.summary = summary.strip()
        follow_up.save(update_fields=["done_at", "summary"])
        deadlines_meet(case=case, codes=["first_contact", "follow_up"], at=now)
        if case.status in {Status.ACTIVE, Status.MONITORING}:
            deadlines_on_trigger(case=case, trigger="case_active", start=now)
        audit.log(actor, "follow_up.recorded", follow_up, fields=["done_at", "summary"])
    return follow_up


def note_add(*, actor: Membership, case: Case, body: str) -> Note:
    require_case_access(actor, case, WORK_ON_CASES)
    if not body.strip():
        raise ValidationError({"body": _("The note is empty.")})
    with transaction.atomic():
        require_open(case)
        note = Note.objects.create(case=case, author=actor.user, body=body.strip())
        audit.log(actor, "note.added", note, fields=["body"])
    return note


def attachment_add(
    *, actor: Membership, case: Case, title: str, filename: str, data: bytes
) -> Attachment:
    """Only PDF, JPEG and PNG whose content matches; images are re-encoded without
    metadata (EXIF, GPS, camera serial); the file is stored encrypted."""
    require_case_access(actor, case, WORK_ON_CASES)
    # The API's multipart form is no Django form: refuse a NUL as the page's form does.
    try:
        ProhibitNullCharactersValidator()(title)
    except ValidationError as error:
        raise ValidationError({"title": error.messages}) from error
    try:
        cleaned = clean_upload(filename=filename, data=data)
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from error
    with transaction.atomic():
        require_open(case)
        attachment = Attachment.objects.create(
            case=case,
            title=title.strip(),
            content_type=cleaned.content_type,
            size=len(cleaned.data),
            sha256=hashlib.sha256(cleaned.data).hexdigest(),
            content=base64.b64encode(cleaned.data).decode("ascii"),
            uploaded_by=actor.user,
        )
        audit.log(actor, "attachment.added", attachment, fields=["title", "content"])
    return attachment


def attachment_bytes(attachment: Attachment) -> bytes:
    return base64.b64decode(attachment.content)
