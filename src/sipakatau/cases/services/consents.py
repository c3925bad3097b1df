"""Recording one consent for several victims at once, as the pages take it: with its
proof, and for a child from a parent or guardian who may first have to be added to the
case. One transaction: a refused consent leaves no proof file or guardian behind."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.people.services import person_create

from ..codes import PartyRole
from ..models import Attachment, Case, CaseParty, Consent
from .care import attachment_add, consent_record
from .common import require_case_access, require_open
from .intake import party_add


@dataclass(frozen=True)
class ProofFile:
    """The photo or PDF of the signed or thumbprinted form, as uploaded."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class NewGuardian:
    """A parent or guardian not yet in the case."""

    name: str
    sex: str = "U"


@dataclass(frozen=True)
class ConsentGiven:
    """How the consent was given. For a child, who gave it: someone already in the case
    (``guardian_party_id``) or a new person (``new_guardian``)."""

    method: str
    witness_name: str = ""
    proof: ProofFile | None = None
    guardian_party_id: int | None = None
    new_guardian: NewGuardian | None = None


def _guardian(actor: Membership, case: Case, given: ConsentGiven) -> CaseParty | None:
    if given.new_guardian is not None:
        saved = person_create(
            actor=actor, name=given.new_guardian.name, sex=given.new_guardian.sex or "U"
        )
        return party_add(actor=actor, case=case, person=saved.person, role=PartyRole.GUARDIAN)
    if given.guardian_party_id is None:
        return None
    chosen = case.parties.select_related("person").filter(pk=given.guardian_party_id).first()
    if chosen is None:
        raise ValidationError({"guardian": _("Choose someone from the list.")})
    if chosen.role == PartyRole.GUARDIAN:
        return chosen
    # Someone already in the case (a reporter, or a suspected perpetrator) acting as
    # guardian: recorded in that role too, so that consent_record can check the conflict.
    return party_add(actor=actor, case=case, person=chosen.person, role=PartyRole.GUARDIAN)


@transaction.atomic
def consents_record(
    *,
    actor: Membership,
    case: Case,
    subjects: list[CaseParty],
    purpose: str,
    given: ConsentGiven,
    recipient_type: str = "",
) -> list[Consent]:
    """The same consent for each victim given: with its proof, and for a child from a
    parent or guardian (``consent_record`` refuses one who is a suspected perpetrator)."""
    require_case_access(actor, case, WORK_ON_CASES)
    require_open(case)
    if not subjects:
        raise ValidationError({"method": _("Add the victim first, then record the consent.")})
    proof: Attachment | None = None
    if given.proof is not None:
        try:
            proof = attachment_add(
                actor=actor,
                case=case,
                title=_("Consent form"),
                filename=given.proof.filename,
                data=given.proof.data,
            )
        except ValidationError as error:
            raise ValidationError({"proof": error.messages}) from error
    guardian = _guardian(actor, case, given) if any(s.is_child for s in subjects) else None
    return [
        consent_record(
            actor=actor,
            case=case,
            subject=subject,
            purpose=purpose,
            recipient_type=recipient_type,
            method=given.method,
            guardian=guardian if subject.is_child else None,
            witness_name=given.witness_name,
            proof=proof,
        )
        for subject in subjects
    ]
