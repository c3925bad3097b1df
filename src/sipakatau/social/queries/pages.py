"""What the case page, the pages and the API look up beside the scoped fetchers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.accounts.permissions import (
    RECORD_CIVIL_DOCUMENTS,
)
from sipakatau.areas.models import Area, Level
from sipakatau.cases.models import Case
from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number

from ..codes import BatchState, ItemOutcome
from ..models import (
    Household,
    HouseholdMember,
    Programme,
    ProposalBatch,
    ProposalItem,
)
from .permissions import (
    may_add_item,
)
from .scope import (
    _active,
    _ancestors,
    _works_in,
    batches_visible_to,
    households_visible_to,
    items_of,
    kelurahan_code_of,
)

# --- What the case page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseOutcome:
    programme_code: str
    programme_name: str
    outcome: str  # ItemOutcome
    outcome_label: str
    month: date


def social_outcomes_for_case(case: Case) -> list[CaseOutcome]:
    """ "PKH: ditetapkan" on the case: what the proposals of the households of the case's
    people came to. The case page shows it to whoever may read the case; only programme,
    decision and month leave this app (never Dinsos's reason)."""
    households = HouseholdMember.objects.filter(
        end_date__isnull=True, person__case_parties__case=case
    ).values("household_id")
    items = (
        ProposalItem.objects.filter(household_id__in=households)
        .select_related("programme", "batch")
        .only("outcome", "programme__code", "programme__name", "batch__month")
        .order_by("-batch__month", "programme__code")
    )
    return [
        CaseOutcome(
            programme_code=item.programme.code,
            programme_name=item.programme.name,
            outcome=item.outcome,
            outcome_label=str(ItemOutcome(item.outcome).label),
            month=item.batch.month,
        )
        for item in items
    ]


# --- What the pages and the API look up -------------------------------------------------------


def kelurahan_of(membership: Membership | None) -> Area | None:
    """The kelurahan a kelurahan office or LBK-KK member works in (None for anyone else)."""
    if not _active(membership) or membership is None:
        return None
    code = kelurahan_code_of(membership)
    area = membership.organisation.area
    if area.code == code and area.level == Level.KELURAHAN:
        return area  # a kelurahan's own office or unit: its area is already at hand
    return Area.objects.filter(code=code, level=Level.KELURAHAN).first() if code else None


def dinsos_offices_for(kelurahan: Area) -> QuerySet[Organisation]:
    """The active Dinsos offices whose jurisdiction covers the kelurahan (usually one)."""
    return Organisation.objects.filter(
        type=OrganisationType.DINSOS,
        is_active=True,
        area__code__in=_ancestors(kelurahan.code),
    ).order_by("name")


def household_by_kk(membership: Membership | None, kk_number: str) -> Household | None:
    """A household the membership sees, found by its KK number through the blind index."""
    number = clean_number(kk_number)
    if len(number) != 16:
        return None
    lookups = blind_index.indexes_for_lookup("kk", number)
    return households_visible_to(membership).filter(kk_index__in=lookups).first()


def member_for(membership: Membership | None, pk: int) -> HouseholdMember:
    member = (
        HouseholdMember.objects.filter(pk=pk, household__in=households_visible_to(membership))
        .select_related("household", "person")
        .first()
    )
    if member is None:
        raise Http404
    return member


def programmes_listed() -> QuerySet[Programme]:
    return Programme.objects.select_related("parent").order_by("is_local", "code")


def proposable_programmes() -> QuerySet[Programme]:
    """Active programmes without clusters (a cluster is proposed, not its parent)."""
    return (
        Programme.objects.filter(is_active=True)
        .exclude(clusters__isnull=False)
        .order_by("is_local", "code")
        .distinct()
    )


def open_batches_for(membership: Membership | None) -> list[ProposalBatch]:
    """The batches households can still be added to by this membership."""
    return [
        batch
        for batch in batches_visible_to(membership).filter(
            state__in=[BatchState.DRAFT, BatchState.MUSYAWARAH]
        )
        if may_add_item(membership, batch)
    ]


def proposals_of(household: Household) -> QuerySet[ProposalItem]:
    """The household's proposals and what they came to (newest month first)."""
    return (
        ProposalItem.objects.filter(household=household)
        .select_related("programme", "batch", "person")
        .order_by("-batch__month", "programme__code")
    )


def batch_items_listed(batch: ProposalBatch) -> list[ProposalItem]:
    """The items of the batch page, each with the head of its household as ``head``."""
    items = list(items_of(batch))
    heads = {
        row.household_id: row.person
        for row in HouseholdMember.objects.filter(
            household_id__in={item.household_id for item in items},
            end_date__isnull=True,
            relationship="KEPALA",
        ).select_related("person")
    }
    for item in items:
        item.head = heads.get(item.household_id)  # type: ignore[attr-defined]
    return items


def households_of_case_visible_to(membership: Membership | None, case: Case) -> list[Household]:
    """The current households of the case's people that this membership may open."""
    return list(
        households_visible_to(membership)
        .filter(members__end_date__isnull=True, members__person__case_parties__case=case)
        .distinct()
        .order_by("pk")
    )


def may_record_household_documents(membership: Membership | None, household: Household) -> bool:
    """Documents and help for the members of a household of the membership's kelurahan."""
    return _works_in(membership, household.kelurahan_id, RECORD_CIVIL_DOCUMENTS)
