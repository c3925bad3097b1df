"""The ``may_<verb>`` predicates: the services refuse with them, the pages and the API
show buttons by them."""

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.accounts.permissions import (
    MANAGE_HOUSEHOLDS,
    PREPARE_PROPOSALS,
    RECORD_CIVIL_DOCUMENTS,
)
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_is_within_code
from sipakatau.cases.models import Case
from sipakatau.cases.queries import may_manage

from ..codes import BatchState
from ..models import (
    Household,
    ProposalBatch,
    ScreeningRule,
)
from .scope import (
    _active,
    _is_dinsos,
    _works_in,
    person_in_scope,
)

# --- Who may write (the services call these; the pages show buttons by them) --------------


def may_create_household(membership: Membership | None, kelurahan: Area) -> bool:
    return kelurahan.level == Level.KELURAHAN and _works_in(
        membership, kelurahan.pk, MANAGE_HOUSEHOLDS
    )


def may_manage_household(membership: Membership | None, household: Household) -> bool:
    return _works_in(membership, household.kelurahan_id, MANAGE_HOUSEHOLDS)


def may_record_documents(membership: Membership | None, person_id: int) -> bool:
    if not _active(membership) or membership is None:
        return False
    return membership.role in RECORD_CIVIL_DOCUMENTS and person_in_scope(membership, person_id)


def may_edit_rules(membership: Membership | None, area: Area | None = None) -> bool:
    """A Dinsos officer or manager, for an area within the office's jurisdiction."""
    if not _is_dinsos(membership) or membership is None:
        return False
    return area is None or area_is_within_code(area.code, membership.organisation.area.code)


def may_edit_rule(membership: Membership | None, rule: ScreeningRule) -> bool:
    return may_edit_rules(membership, rule.area)


def may_run_screening(membership: Membership | None, kelurahan: Area) -> bool:
    return _works_in(membership, kelurahan.pk, PREPARE_PROPOSALS)


def may_add_from_case(membership: Membership | None, case: Case) -> bool:
    """The case's own caseworkers and coordinators put its household on the worklist."""
    return membership is not None and may_manage(membership, case)


def may_create_batch(membership: Membership | None, kelurahan: Area) -> bool:
    return kelurahan.level == Level.KELURAHAN and _works_in(
        membership, kelurahan.pk, PREPARE_PROPOSALS
    )


def _prepares(membership: Membership | None, batch: ProposalBatch) -> bool:
    return _works_in(membership, batch.kelurahan_id, PREPARE_PROPOSALS)


def _decides(membership: Membership | None, batch: ProposalBatch) -> bool:
    return (
        _is_dinsos(membership)
        and membership is not None
        and batch.dinsos_id == membership.organisation_id
        and batch.signed_at is not None
    )


def may_add_item(membership: Membership | None, batch: ProposalBatch) -> bool:
    """Households are added while the list is drafted and at the musyawarah."""
    return _prepares(membership, batch) and batch.state in {BatchState.DRAFT, BatchState.MUSYAWARAH}


def may_record_musyawarah(membership: Membership | None, batch: ProposalBatch) -> bool:
    return _prepares(membership, batch) and batch.state == BatchState.MUSYAWARAH


def may_verify(membership: Membership | None, batch: ProposalBatch) -> bool:
    return _prepares(membership, batch) and batch.state == BatchState.VERVAL


def may_sign(membership: Membership | None, batch: ProposalBatch) -> bool:
    """The Lurah (a kelurahan officer who signs) signs the batch entered in SIKS-NG."""
    return (
        _works_in(membership, batch.kelurahan_id, frozenset({Role.VILLAGE_OFFICER}))
        and membership is not None
        and membership.is_signatory
        and membership.organisation.type == OrganisationType.KELURAHAN
        and batch.state == BatchState.INPUT_SIKS
        and batch.signed_at is None
    )


def may_record_outcome(membership: Membership | None, batch: ProposalBatch) -> bool:
    return _decides(membership, batch) and batch.state == BatchState.DISAHKAN_DINSOS


# Who moves which step: (from, to) → the predicate's side.
_PREPARER_STEPS = {
    (BatchState.DRAFT, BatchState.MUSYAWARAH),
    (BatchState.MUSYAWARAH, BatchState.VERVAL),
    (BatchState.VERVAL, BatchState.INPUT_SIKS),
}
_DINSOS_STEPS = {
    (BatchState.INPUT_SIKS, BatchState.DISAHKAN_DINSOS),
    (BatchState.DISAHKAN_DINSOS, BatchState.DITETAPKAN),
    (BatchState.DISAHKAN_DINSOS, BatchState.DITOLAK),
}
TRANSITIONS = _PREPARER_STEPS | _DINSOS_STEPS


def may_advance(membership: Membership | None, batch: ProposalBatch, to_state: str) -> bool:
    """Whether this person may move the batch to ``to_state`` now (the service then checks
    what the step needs: items, the musyawarah, verification, the signature, decisions)."""
    step = (batch.state, to_state)
    if step in _PREPARER_STEPS:
        return _prepares(membership, batch)
    if step in _DINSOS_STEPS:
        return _decides(membership, batch)
    return False


def may_export(membership: Membership | None, batch: ProposalBatch) -> bool:
    """The BNBA and the minutes: the kelurahan from the verification on, and Dinsos."""
    if _decides(membership, batch):
        return True
    return _prepares(membership, batch) and batch.state not in {
        BatchState.DRAFT,
        BatchState.MUSYAWARAH,
    }
