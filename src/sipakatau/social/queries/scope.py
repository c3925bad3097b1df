"""Who sees which households, screening rules and proposal batches: the scoped fetchers
(``<things>_visible_to``, ``<thing>_for``; out of scope answers 404)."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, OrganisationType
from sipakatau.accounts.permissions import (
    DECIDE_PROPOSALS,
    SEE_HOUSEHOLDS,
)
from sipakatau.areas.models import Area, Level
from sipakatau.audit import services as audit
from sipakatau.people.models import Person
from sipakatau.referrals.codes import ReferralStatus
from sipakatau.referrals.models import Referral

from ..models import (
    CivilDocument,
    DocumentHelp,
    DtsenRecord,
    Enrolment,
    Household,
    HouseholdMember,
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
