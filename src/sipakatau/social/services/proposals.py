"""The monthly proposal (usulan) of a kelurahan to Dinsos, step by step:

DRAFT → MUSYAWARAH → VERVAL → INPUT_SIKS (the Lurah signs) → DISAHKAN_DINSOS →
DITETAPKAN / DITOLAK. Kelurahan staff and LBK coordinators move the first three steps;
the addressed Dinsos office the last ones, household by household. Each step re-reads the
batch under a lock, then checks who may and what the step needs.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_is_within_code
from sipakatau.audit import services as audit
from sipakatau.people.models import Person

from ..codes import (
    BatchState,
    EnrolmentStatus,
    ItemOutcome,
    KnowledgeSource,
    TargetLevel,
    VerificationResult,
    WorklistStatus,
)
from ..models import (
    Household,
    HouseholdMember,
    Musyawarah,
    Programme,
    ProposalBatch,
    ProposalItem,
    WorklistEntry,
)
from ..queries import (
    may_add_item,
    may_advance,
    may_create_batch,
    may_record_musyawarah,
    may_record_outcome,
    may_sign,
    may_verify,
)
from .common import cutoff_for, first_of_month, require
from .households import enrolment_set


def _locked(batch: ProposalBatch) -> ProposalBatch:
    return (
        ProposalBatch.objects.select_for_update()
        .select_related("kelurahan", "dinsos", "organisation")
        .get(pk=batch.pk)
    )


@transaction.atomic
def batch_create_for_month(
    *, actor: Membership, kelurahan: Area, month: date, dinsos: Organisation
) -> ProposalBatch:
    require(may_create_batch(actor, kelurahan))
    month = first_of_month(month)
    if (
        dinsos.type != OrganisationType.DINSOS
        or not dinsos.is_active
        or not area_is_within_code(kelurahan.code, dinsos.area.code)
    ):
        raise ValidationError({"dinsos": _("Choose the Dinsos office that covers this kelurahan.")})
    if ProposalBatch.objects.filter(kelurahan=kelurahan, month=month).exists():
        raise ValidationError({"month": _("This month already has a proposal. Open it instead.")})
    batch = ProposalBatch.objects.create(
        kelurahan=kelurahan,
        month=month,
        cutoff_on=cutoff_for(month),
        dinsos=dinsos,
        organisation=actor.organisation,
        created_by=actor.user,
        state_changed_at=timezone.now(),
    )
    audit.log(
        actor, "proposal_batch.created", batch, fields=["kelurahan", "month", "dinsos", "cutoff_on"]
    )
    return batch


@transaction.atomic
def batch_add_item(
    *,
    actor: Membership,
    batch: ProposalBatch,
    household: Household,
    programme: Programme,
    person: Person | None = None,
    worklist_entry: WorklistEntry | None = None,
) -> ProposalItem:
    batch = _locked(batch)
    require(may_add_item(actor, batch))
    errors: dict[str, str] = {}
    if household.kelurahan_id != batch.kelurahan_id:
        errors["household"] = _("This household is not in the batch's kelurahan.")
    if not programme.is_active:
        errors["programme"] = _("This programme is no longer active.")
    elif programme.clusters.exists():
        errors["programme"] = _("Choose one of the programme's clusters.")
    if programme.target_level == TargetLevel.PERSON:
        if person is None:
            errors["person"] = _("Choose the member this programme is for.")
        elif not HouseholdMember.objects.filter(
            household=household, person=person, end_date__isnull=True
        ).exists():
            errors["person"] = _("This person is not a member of the household now.")
    else:
        person = None
    if worklist_entry is not None and worklist_entry.household_id != household.pk:
        errors["worklist_entry"] = _("This worklist entry is for another household.")
    if ProposalItem.objects.filter(batch=batch, household=household, programme=programme).exists():
        errors["programme"] = _("This household is already proposed for this programme.")
    if errors:
        raise ValidationError(errors)
    item = ProposalItem.objects.create(
        batch=batch,
        household=household,
        programme=programme,
        person=person,
        worklist_entry=worklist_entry,
        added_by=actor.user,
    )
    if worklist_entry is not None:
        WorklistEntry.objects.filter(pk=worklist_entry.pk).update(
            status=WorklistStatus.PROPOSED, updated_at=timezone.now()
        )
    audit.log(actor, "proposal_item.added", item, fields=["household", "programme", "person"])
    return item


@transaction.atomic
def musyawarah_record(
    *,
    actor: Membership,
    batch: ProposalBatch,
    held_on: date,
    place: str,
    attendance: str,
    decisions: str,
) -> Musyawarah:
    batch = _locked(batch)
    require(may_record_musyawarah(actor, batch))
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    if not place.strip():
        errors["place"] = _("Write where it was held.")
    lines = [line.strip() for line in attendance.splitlines() if line.strip()]
    if not lines:
        errors["attendance"] = _("Write who attended, one per line.")
    if not decisions.strip():
        errors["decisions"] = _("Write what was decided.")
    if errors:
        raise ValidationError(errors)
    record, created = Musyawarah.objects.update_or_create(
        batch=batch,
        defaults={
            "held_on": held_on,
            "place": place.strip(),
            "attendance": "\n".join(lines),
            "decisions": decisions.strip(),
            "recorded_by": actor.user,
        },
    )
    audit.log(
        actor,
        "musyawarah.recorded" if created else "musyawarah.changed",
        record,
        fields=["held_on", "place", "attendance", "decisions"],
    )
    return record


@transaction.atomic
def verification_record(
    *, actor: Membership, item: ProposalItem, result: str, verified_on: date
) -> ProposalItem:
    batch = _locked(item.batch)
    require(may_verify(actor, batch))
    item = ProposalItem.objects.select_for_update().get(pk=item.pk, batch=batch)
    if result not in VerificationResult.values:
        raise ValidationError({"result": _("Choose the result from the list.")})
    if verified_on > timezone.localdate():
        raise ValidationError({"verified_on": _("The date cannot be in the future.")})
    item.verification, item.verified_on, item.verified_by = result, verified_on, actor.user
    item.save(update_fields=["verification", "verified_on", "verified_by"])
    audit.log(actor, "proposal_item.verified", item, fields=["verification", "verified_on"])
    return item


@transaction.atomic
def batch_sign(*, actor: Membership, batch: ProposalBatch) -> ProposalBatch:
    """The Lurah signs the list entered in SIKS-NG; only then does Dinsos see it."""
    batch = _locked(batch)
    require(may_sign(actor, batch))
    batch.signed_by, batch.signed_at = actor.user, timezone.now()
    batch.save(update_fields=["signed_by", "signed_at"])
    audit.log(actor, "proposal_batch.signed", batch, fields=["signed_by", "signed_at"])
    return batch


def _subject(item: ProposalItem) -> dict[str, object]:
    if item.programme.target_level == TargetLevel.PERSON and item.person_id is not None:
        return {"person": item.person}
    return {"household": item.household}


@transaction.atomic
def outcome_record(
    *, actor: Membership, item: ProposalItem, outcome: str, reason: str = ""
) -> ProposalItem:
    """Dinsos's decision on one household; it becomes the household's (or member's)
    enrolment, and the case shows it (queries.social_outcomes_for_case)."""
    batch = _locked(item.batch)
    require(may_record_outcome(actor, batch))
    item = (
        ProposalItem.objects.select_for_update(of=("self",))
        .select_related("programme", "household", "person")
        .get(pk=item.pk, batch=batch)
    )
    if item.verification != VerificationResult.ELIGIBLE:
        raise ValidationError(_("Only households found eligible in the field are decided."))
    if outcome not in {ItemOutcome.DITETAPKAN, ItemOutcome.DITOLAK}:
        raise ValidationError({"outcome": _("Choose accepted or refused.")})
    if outcome == ItemOutcome.DITOLAK and not reason.strip():
        raise ValidationError({"reason": _("Write why it was refused.")})
    item.outcome, item.outcome_reason = outcome, reason.strip()
    item.decided_by, item.decided_at = actor.user, timezone.now()
    item.save(update_fields=["outcome", "outcome_reason", "decided_by", "decided_at"])
    enrolment_set(
        actor=actor,
        programme=item.programme,
        status=EnrolmentStatus.ENROLLED
        if outcome == ItemOutcome.DITETAPKAN
        else EnrolmentStatus.NOT_ENROLLED,
        source=KnowledgeSource.PROPOSAL,
        known_on=timezone.localdate(),
        **_subject(item),  # type: ignore[arg-type]
    )
    audit.log(actor, "proposal_item.decided", item, fields=["outcome", "outcome_reason"])
    return item


def _guard(batch: ProposalBatch, to_state: str) -> None:
    """What each step needs before it may be taken."""
    items = ProposalItem.objects.filter(batch=batch)
    eligible = items.filter(verification=VerificationResult.ELIGIBLE)
    if to_state == BatchState.MUSYAWARAH and not items.exists():
        raise ValidationError(_("Add at least one household first."))
    if to_state == BatchState.VERVAL and not Musyawarah.objects.filter(batch=batch).exists():
        raise ValidationError(_("Record the musyawarah first."))
    if to_state == BatchState.INPUT_SIKS:
        if items.filter(verification="").exists():
            raise ValidationError(_("Verify every household in the field first."))
        if not eligible.exists():
            raise ValidationError(_("No household was found eligible: there is nothing to enter."))
    if to_state == BatchState.DISAHKAN_DINSOS and batch.signed_at is None:
        raise ValidationError(
            _("The Kepala Desa has not signed yet.")
            if batch.kelurahan.is_desa
            else _("The Lurah has not signed yet.")
        )
    if to_state in {BatchState.DITETAPKAN, BatchState.DITOLAK}:
        if eligible.filter(outcome=ItemOutcome.PENDING).exists():
            raise ValidationError(_("Decide every household first."))
        accepted = eligible.filter(outcome=ItemOutcome.DITETAPKAN).exists()
        if to_state == BatchState.DITETAPKAN and not accepted:
            raise ValidationError(_("No household was accepted: the batch is refused."))
        if to_state == BatchState.DITOLAK and accepted:
            raise ValidationError(_("Some households were accepted: the batch is decided."))


# How far along each state is; the two decisions are both the end.
_RANK: dict[str, int] = {
    BatchState.DRAFT: 0,
    BatchState.MUSYAWARAH: 1,
    BatchState.VERVAL: 2,
    BatchState.INPUT_SIKS: 3,
    BatchState.DISAHKAN_DINSOS: 4,
    BatchState.DITETAPKAN: 5,
    BatchState.DITOLAK: 5,
}


@transaction.atomic
def batch_advance(*, actor: Membership, batch: ProposalBatch, to_state: str) -> ProposalBatch:
    batch = _locked(batch)
    if _RANK.get(batch.state, 0) >= _RANK.get(to_state, 0):
        # Checked on the locked row before the permission: of two people pressing the
        # same step at once (or one pressing it twice), the second finds the batch already
        # there and is told so, instead of a bare "forbidden". Skipping ahead stays refused.
        raise ValidationError(
            _("This proposal is already at the step “%(state)s”. Open it again to see it.")
            % {"state": BatchState(batch.state).label}
        )
    require(may_advance(actor, batch, to_state))
    _guard(batch, to_state)
    now = timezone.now()
    batch.state, batch.state_changed_at = to_state, now
    fields = ["state", "state_changed_at"]
    if to_state in {BatchState.DITETAPKAN, BatchState.DITOLAK}:
        batch.decided_by, batch.decided_at = actor.user, now
        fields += ["decided_by", "decided_at"]
    batch.save(update_fields=fields)
    if to_state == BatchState.INPUT_SIKS:
        # Entered in SIKS-NG: each eligible household (or member) is now "proposed".
        for item in batch.items.filter(verification=VerificationResult.ELIGIBLE).select_related(
            "programme", "household", "person"
        ):
            enrolment_set(
                actor=actor,
                programme=item.programme,
                status=EnrolmentStatus.PROPOSED,
                source=KnowledgeSource.PROPOSAL,
                known_on=timezone.localdate(),
                **_subject(item),  # type: ignore[arg-type]
            )
    audit.log(actor, "proposal_batch.advanced", batch, fields=fields)
    return batch
