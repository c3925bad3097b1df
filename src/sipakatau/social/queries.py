"""Every read of social-protection data that depends on who is asking, and the
``may_<verb>`` predicates the services refuse with and the pages show buttons by.

- kelurahan staff and the LBK-KK units of a kelurahan (every role that works there):
  the households of that kelurahan and its proposal batches;
- a Dinsos office's officers and managers: the batches addressed to it once the Lurah
  signed them, and only those households that such a batch proposes or that a referral
  to the office, resting on a consent still in force, is about;
- everyone else: nothing. Out of scope answers 404, never 403.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.accounts.permissions import (
    DECIDE_PROPOSALS,
    MANAGE_HOUSEHOLDS,
    PREPARE_PROPOSALS,
    RECORD_CIVIL_DOCUMENTS,
    SEE_HOUSEHOLDS,
)
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_is_within_code
from sipakatau.audit import services as audit
from sipakatau.cases.models import Case
from sipakatau.cases.queries import may_manage
from sipakatau.lib import blind_index
from sipakatau.lib.nik import clean_number
from sipakatau.people.models import Person
from sipakatau.referrals.codes import ReferralStatus
from sipakatau.referrals.models import Referral

from .codes import BatchState, ItemOutcome
from .models import (
    CivilDocument,
    DocumentHelp,
    DtsenRecord,
    Enrolment,
    Household,
    HouseholdMember,
    Programme,
    ProposalBatch,
    ProposalItem,
    ScreeningRule,
    WorklistEntry,
)

# Batches a Dinsos office sees: signed by the Lurah (the constraint batch_signed_before_dinsos
# makes every later state signed too).
_SENT = Q(signed_at__isnull=False)


def _active(membership: Membership | None) -> bool:
    return membership is not None and membership.is_active


def kelurahan_code_of(membership: Membership) -> str | None:
    """The kelurahan a kelurahan office or an LBK-KK (or an RW posko below it) works in."""
    area = membership.organisation.area
    if area.level not in {Level.KELURAHAN, Level.RW, Level.RT}:
        return None
    return ".".join(area.code.split(".")[:4])


def _is_dinsos(membership: Membership | None) -> bool:
    return (
        _active(membership)
        and membership is not None
        and membership.organisation.type == OrganisationType.DINSOS
        and membership.role in DECIDE_PROPOSALS
    )


def _works_in(membership: Membership | None, kelurahan_id: int, roles: frozenset[str]) -> bool:
    if not _active(membership) or membership is None or membership.role not in roles:
        return False
    code = kelurahan_code_of(membership)
    return code is not None and Area.objects.filter(pk=kelurahan_id, code=code).exists()


# --- Households -----------------------------------------------------------------------------


def _consented_referral_to(organisation_id: int) -> QuerySet[Referral]:
    """Referrals to the office about a current member, resting on consent still in force
    (an override without consent shows nothing; a withdrawn consent stops showing)."""
    return Referral.objects.filter(
        recipient_id=organisation_id,
        consent__isnull=False,
        consent__withdrawn_at__isnull=True,
        status__in=[
            ReferralStatus.SENT,
            ReferralStatus.ACCEPTED,
            ReferralStatus.IN_SERVICE,
            ReferralStatus.COMPLETED,
        ],
    )


def households_visible_to(membership: Membership | None) -> QuerySet[Household]:
    if not _active(membership) or membership is None:
        return Household.objects.none()
    if membership.role in SEE_HOUSEHOLDS:
        code = kelurahan_code_of(membership)
        if code is None:
            return Household.objects.none()
        return Household.objects.filter(kelurahan__code=code)
    if _is_dinsos(membership):
        proposed = ProposalItem.objects.filter(
            batch__signed_at__isnull=False,
            household=OuterRef("pk"),
            batch__dinsos_id=membership.organisation_id,
        )
        referred = HouseholdMember.objects.filter(
            household=OuterRef("pk"),
            end_date__isnull=True,
            person__case_parties__in=_consented_referral_to(membership.organisation_id).values(
                "subject_id"
            ),
        )
        return Household.objects.filter(Exists(proposed) | Exists(referred))
    return Household.objects.none()


def household_for(
    membership: Membership | None, pk: int, *, record_read: bool = False
) -> Household:
    household = (
        households_visible_to(membership)
        .select_related("kelurahan", "organisation")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404
    if record_read:
        audit.log(membership, "household.viewed", household, fields=HOUSEHOLD_READ_FIELDS)
    return household


# What the household page and API show of a household and its people.
HOUSEHOLD_READ_FIELDS = ["kk_number", "address", "members", "dtsen", "documents", "enrolments"]


def households_listed(membership: Membership | None) -> QuerySet[Household]:
    """The list: each household with its head and its newest DTSEN knowledge, in a fixed
    number of queries."""
    return (
        households_visible_to(membership)
        .select_related("kelurahan")
        .prefetch_related(
            Prefetch(
                "members",
                HouseholdMember.objects.filter(end_date__isnull=True).select_related("person"),
                to_attr="current_members",
            ),
            Prefetch(
                "dtsen", DtsenRecord.objects.order_by("-known_on", "-pk"), to_attr="dtsen_known"
            ),
        )
    )


def members_of(household: Household, *, current_only: bool = True) -> QuerySet[HouseholdMember]:
    members = household.members.select_related("person")
    return members.filter(end_date__isnull=True) if current_only else members


def current_household_of(person: Person) -> Household | None:
    row = HouseholdMember.objects.filter(person=person, end_date__isnull=True).first()
    return row.household if row else None


def latest_dtsen(household: Household) -> DtsenRecord | None:
    return household.dtsen.order_by("-known_on", "-pk").first()


def documents_of(household: Household) -> QuerySet[CivilDocument]:
    people = members_of(household).values("person_id")
    return CivilDocument.objects.filter(person_id__in=people).order_by("person_id", "kind")


def document_help_of(household: Household) -> QuerySet[DocumentHelp]:
    people = members_of(household).values("person_id")
    return DocumentHelp.objects.filter(person_id__in=people)


def enrolments_of(household: Household) -> QuerySet[Enrolment]:
    people = members_of(household).values("person_id")
    return Enrolment.objects.filter(
        Q(household=household) | Q(person_id__in=people)
    ).select_related("programme")


def person_in_scope(membership: Membership | None, person_id: int) -> bool:
    """A person is reached through a current household the membership sees."""
    return HouseholdMember.objects.filter(
        person_id=person_id,
        end_date__isnull=True,
        household__in=households_visible_to(membership),
    ).exists()


# --- Worklist and rules ---------------------------------------------------------------------


def worklist_visible_to(membership: Membership | None) -> QuerySet[WorklistEntry]:
    if not _active(membership) or membership is None or membership.role not in SEE_HOUSEHOLDS:
        return WorklistEntry.objects.none()
    return WorklistEntry.objects.filter(
        household__in=households_visible_to(membership)
    ).select_related("household", "household__kelurahan", "programme", "rule")


def worklist_entry_for(membership: Membership | None, pk: int) -> WorklistEntry:
    entry = worklist_visible_to(membership).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def rules_visible_to(membership: Membership | None) -> QuerySet[ScreeningRule]:
    """Dinsos reads and edits the rules of its jurisdiction; a kelurahan reads the rules
    that apply to it (so that a flag can be explained)."""
    if not _active(membership) or membership is None:
        return ScreeningRule.objects.none()
    rules = ScreeningRule.objects.select_related("programme", "area", "edited_by")
    if _is_dinsos(membership):
        own = membership.organisation.area.code
        return rules.filter(Q(area__code=own) | Q(area__code__startswith=own + "."))
    if membership.role in SEE_HOUSEHOLDS:
        code = kelurahan_code_of(membership)
        if code is None:
            return ScreeningRule.objects.none()
        return rules.filter(area__code__in=_ancestors(code))
    return ScreeningRule.objects.none()


def rule_for(membership: Membership | None, pk: int) -> ScreeningRule:
    rule = rules_visible_to(membership).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def rules_for_kelurahan(kelurahan: Area) -> QuerySet[ScreeningRule]:
    """The active rules that apply in a kelurahan: those of every Dinsos above it."""
    return ScreeningRule.objects.filter(
        is_active=True, area__code__in=_ancestors(kelurahan.code)
    ).select_related("programme")


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


# --- Proposal batches -----------------------------------------------------------------------


def batches_visible_to(membership: Membership | None) -> QuerySet[ProposalBatch]:
    if not _active(membership) or membership is None:
        return ProposalBatch.objects.none()
    batches = ProposalBatch.objects.select_related("kelurahan", "dinsos", "organisation")
    if membership.role in SEE_HOUSEHOLDS:
        code = kelurahan_code_of(membership)
        if code is None:
            return ProposalBatch.objects.none()
        return batches.filter(kelurahan__code=code)
    if _is_dinsos(membership):
        return batches.filter(_SENT, dinsos_id=membership.organisation_id)
    return ProposalBatch.objects.none()


def batch_for(membership: Membership | None, pk: int) -> ProposalBatch:
    batch = batches_visible_to(membership).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def items_of(batch: ProposalBatch) -> QuerySet[ProposalItem]:
    return batch.items.select_related(
        "household",
        "household__kelurahan",
        "household__kelurahan__parent",
        "household__kelurahan__parent__parent",
        "programme",
        "person",
    ).order_by("pk")


def item_for(membership: Membership | None, pk: int) -> ProposalItem:
    item = (
        ProposalItem.objects.filter(batch__in=batches_visible_to(membership), pk=pk)
        .select_related("batch", "household", "programme")
        .first()
    )
    if item is None:
        raise Http404
    return item


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
