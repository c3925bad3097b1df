"""Lists of cases and follow-ups, the search, likely duplicates, and the next due action."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.permissions import BROWSE_CASES
from sipakatau.people.queries import people_found, people_matching

from ..codes import PartyRole
from ..models import Case, CaseDeadline, CaseParty, FollowUp, Status
from .scope import cases_visible_to

# Newest report first; the id breaks ties, so that each case has one place in the list and
# a page can start after a given case (keyset pages, ``lib.keyset.keyset_window``).
# The index ``(organisation, reported_at, id)`` serves it (migration 0011).
LIST_ORDER = ("-reported_at", "-id")


def _with_next_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    # No join: a row shows the case's own columns and its next deadline, and a query on
    # the case table alone is one a database reads in the index's order (SQLite, once
    # ANALYZEd, would otherwise loop over the few units first and sort every case).
    open_deadlines = CaseDeadline.objects.filter(met_at__isnull=True).order_by("due_at")
    return cases.prefetch_related(
        Prefetch("deadlines", queryset=open_deadlines, to_attr="open_deadlines")
    )


@dataclass
class CaseFilter:
    status: str = ""
    risk_level: str = ""
    violence_form: str = ""
    kelurahan_code: str = ""
    reported_from: date | None = None
    reported_to: date | None = None
    mine: bool = False
    unassigned: bool = False  # open cases nobody holds yet
    due: str = ""  # "" | "today" | "overdue"
    search: str = ""
    # The result of an earlier search (``case_ids_matching``), so that what was searched
    # for never has to travel in a URL; still limited to the cases the user may see.
    case_ids: list[int] | None = None


def _open_deadline_due(due: str, now: datetime | None = None) -> QuerySet[CaseDeadline]:
    """The case's open deadlines that are late ("overdue") or due by the end of today
    ("today", the late ones included): the list's tabs and the home page's counts."""
    now = now or timezone.now()
    if due == "overdue":
        bound = Q(due_at__lt=now)
    else:
        end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        bound = Q(due_at__lte=end_of_day)
    return CaseDeadline.objects.filter(bound, case=OuterRef("pk"), met_at__isnull=True)


def cases_listed(membership: Membership, search: CaseFilter) -> QuerySet[Case]:
    cases = cases_visible_to(membership)
    if search.mine:
        cases = cases.filter(
            Q(assigned_to_id=membership.user_id) | Q(created_by_id=membership.user_id)
        )
    if search.status:
        cases = cases.filter(status=search.status)
    if search.risk_level:
        cases = cases.filter(risk_level=search.risk_level)
    if search.violence_form:
        cases = cases.filter(incident__violence_forms__icontains=f'"{search.violence_form}"')
    if search.kelurahan_code:
        code = search.kelurahan_code
        cases = cases.filter(
            Q(incident__area__code=code) | Q(incident__area__code__startswith=code + ".")
        )
    if search.reported_from:
        cases = cases.filter(reported_at__date__gte=search.reported_from)
    if search.reported_to:
        cases = cases.filter(reported_at__date__lte=search.reported_to)
    if search.unassigned:
        # A draft intake waits for its author, not for a caseworker.
        cases = cases.filter(assigned_to__isnull=True, intake_completed_at__isnull=False).exclude(
            status=Status.CLOSED
        )
        # A draft is not waiting for a caseworker yet: its intake is still being written.
        cases = cases.filter(intake_completed_at__isnull=False)
    if search.due:
        cases = cases.filter(Exists(_open_deadline_due(search.due))).exclude(status=Status.CLOSED)
    if search.search:
        cases = cases.filter(pk__in=case_ids_matching(membership, search.search))
    if search.case_ids is not None:
        cases = cases.filter(pk__in=search.case_ids)
    return _with_next_deadline(cases).order_by(*LIST_ORDER)


def case_ids_matching(membership: Membership, text: str) -> list[int]:
    """``case_search``'s cases."""
    return case_search(membership, text).case_ids


@dataclass
class CaseSearch:
    case_ids: list[int]
    # A word of the name is shared by many people of the unit, and only the most likely
    # were read (``people.queries.name_scores``): the list says so, and asks for more of
    # the name or the NIK.
    too_many: bool = False


def case_search(membership: Membership, text: str) -> CaseSearch:
    """Search by register number, NIK, phone or name — through the blind indexes only —
    and only among the cases the user may see."""
    text = text.strip()
    visible = cases_visible_to(membership)
    # Register numbers are written in capitals (``services.intake._next_register_number``):
    # compared as they are stored, the lookup is a seek in the unique index, where
    # ``iexact`` would compute UPPER() over every case of the unit.
    by_number = list(visible.filter(register_number=text.upper()).values_list("pk", flat=True))
    digits = "".join(ch for ch in text if ch.isdigit())
    found = people_found(
        nik=digits if len(digits) == 16 else None,
        phone=text if 8 <= len(digits) <= 15 else None,
        name=text if any(ch.isalpha() for ch in text) else None,
        **_people_seen_by(membership, visible),
    )
    person_ids = [candidate.person.pk for candidate in found.candidates]
    by_person = (
        visible.filter(parties__person_id__in=person_ids).values_list("pk", flat=True).distinct()
    )
    case_ids = by_number + [pk for pk in by_person if pk not in by_number]
    return CaseSearch(case_ids, too_many=found.name_capped)


def _people_seen_by(membership: Membership, visible: QuerySet[Case]) -> dict[str, Any]:
    """``people_matching``'s limits for the people of the cases ``membership`` sees.

    The unit's own name index (``people.ScopedNameToken``) holds the people of every case
    of the unit, which is what a coordinator sees. A caseworker sees them too but for the
    people only in the drafts of others (``cases_visible_to``): few, since a draft is
    completed or removed within days, so they are named and left out. A volunteer sees
    only her own cases: the search is limited to their people, named too (a few), so that
    each word is looked up for them alone; given as a subquery, PostgreSQL would walk the
    word's whole range in the unit, the newest first, for the one row of hers it hopes
    to meet soon (312 ms a word at 100,000 cases)."""
    unit: dict[str, Any] = {"scope": membership.organisation_id}
    if membership.role == Role.COORDINATOR:
        return unit
    if membership.role in BROWSE_CASES:
        others_drafts = Case.objects.filter(
            organisation_id=membership.organisation_id, intake_completed_at__isnull=True
        ).exclude(created_by_id=membership.user_id)
        in_drafts = set(
            CaseParty.objects.filter(case__in=others_drafts).values_list("person_id", flat=True)
        )
        if not in_drafts:
            return unit
        seen = CaseParty.objects.filter(person_id__in=in_drafts, case__in=visible)
        return unit | {"excluding": in_drafts - set(seen.values_list("person_id", flat=True))}
    hers = CaseParty.objects.filter(case__in=visible).values_list("person_id", flat=True)
    return unit | {"among": set(hers)}


@dataclass
class PossibleDuplicate:
    case: Case
    reason: str


def possible_duplicates(
    membership: Membership,
    *,
    nik: str | None,
    name: str | None,
    birth_year: int | None,
    kelurahan_code: str | None,
    exclude_case: Case | None = None,
) -> list[PossibleDuplicate]:
    """Cases in the user's own scope with a likely same victim: the exact NIK, or a name
    that sounds the same with the same birth year and kelurahan. Nothing outside the
    scope is ever hinted at."""
    visible = cases_visible_to(membership)
    if exclude_case is not None:
        visible = visible.exclude(pk=exclude_case.pk)
    found: dict[int, PossibleDuplicate] = {}
    if nik:
        for candidate in people_matching(nik=nik):
            for case in visible.filter(
                parties__person_id=candidate.person.pk, parties__role=PartyRole.VICTIM
            ):
                found.setdefault(case.pk, PossibleDuplicate(case, "nik"))
    if name and birth_year and kelurahan_code:
        ids = [
            candidate.person.pk
            for candidate in people_matching(
                name=name,
                scope=membership.organisation_id,
                among=CaseParty.objects.filter(case__in=visible, role=PartyRole.VICTIM).values(
                    "person_id"
                ),
            )
            if candidate.name_score >= 2
        ]
        parties = CaseParty.objects.filter(
            case__in=visible, person_id__in=ids, role=PartyRole.VICTIM
        ).select_related("case", "person")
        for party in parties:
            person = party.person
            year = person.birth_date.year if person.birth_date else None
            if year is None and person.age_estimate is not None:
                year = timezone.localdate().year - person.age_estimate
            area = getattr(person, "area", None)
            same_place = area is not None and (
                area.code == kelurahan_code or area.code.startswith(kelurahan_code + ".")
            )
            if year is not None and abs(year - birth_year) <= 1 and same_place:
                found.setdefault(party.case_id, PossibleDuplicate(party.case, "name"))
    return list(found.values())


def follow_ups_assigned_to(membership: Membership) -> QuerySet[FollowUp]:
    """The follow-ups a person must do, in her unit, open ones first."""
    if not membership.is_active:
        return FollowUp.objects.none()
    return (
        FollowUp.objects.filter(
            assigned_to_id=membership.user_id, case__organisation_id=membership.organisation_id
        )
        .select_related("case")
        .order_by(F("done_at").asc(nulls_first=True), "due_on", "pk")
    )


def follow_ups_listed(membership: Membership, *, done: bool) -> QuerySet[FollowUp]:
    """A person's follow-ups to do (the earliest planned first) or done (the latest
    first), in keyset order: each list reads its page through its own partial index on
    ``(assigned_to, due_on, id)``, however many follow-ups she ever did."""
    follow_ups = follow_ups_assigned_to(membership).filter(done_at__isnull=not done)
    return follow_ups.order_by(*(("-due_on", "-id") if done else ("due_on", "id")))


def next_deadline(case: Case) -> CaseDeadline | None:
    """The first open deadline of a case; none for a closed case, which has nothing due."""
    if case.status == Status.CLOSED:
        return None
    deadlines = getattr(case, "open_deadlines", None)
    if deadlines is None:
        return case.deadlines.filter(met_at__isnull=True).order_by("due_at").first()
    return deadlines[0] if deadlines else None


class DeadlineState:
    MET = "met"
    CLOSED = "closed"  # the case closed before it was met
    LATE = "late"
    DUE = "due"


def deadline_state(deadline: CaseDeadline, case: Case, now: datetime | None = None) -> str:
    """How a deadline reads. Closing a case leaves its open deadlines unmet on purpose
    (services.workflow.closure_decide: marking them met would overstate compliance, and
    the mechanism's figures count them as "closed without it"), so "closed" comes from the
    case, never from the row: nothing of a closed case reads as due or late."""
    if deadline.met_at is not None:
        return DeadlineState.MET
    if case.status == Status.CLOSED:
        return DeadlineState.CLOSED
    return DeadlineState.LATE if lateness(deadline, now) else DeadlineState.DUE


def lateness(deadline: CaseDeadline | None, now: datetime | None = None) -> int:
    """Minutes late (0 when not late)."""
    if deadline is None:
        return 0
    delta = (now or timezone.now()) - deadline.due_at
    return max(0, int(delta.total_seconds() // 60))


@dataclass(frozen=True)
class AttentionCounts:
    """What needs the acting person now, as numbers only (the home page)."""

    unassigned: int = 0  # open cases of the unit nobody holds
    overdue: int = 0  # open cases with a late deadline (the unit's, or mine)
    due_today: int = 0  # open cases with a deadline by the end of today (late ones included)
    mine_open: int = 0  # open cases I hold or took in
    follow_ups_due: int = 0  # my follow-ups not done, planned for today or before


def attention_counts(membership: Membership | None) -> AttentionCounts:
    """Counts for the home page in one query each (conditional aggregates), over the same
    scope as ``cases_visible_to``; closed cases and drafts count nowhere. A coordinator sees the
    unit (unassigned, overdue, due today), a caseworker her own cases (open, overdue), a
    volunteer her follow-ups that are due."""
    if membership is None or not membership.is_active:
        return AttentionCounts()
    if membership.role == Role.VOLUNTEER:
        due = (
            follow_ups_assigned_to(membership)
            .filter(done_at__isnull=True, due_on__lte=timezone.localdate())
            .exclude(case__status=Status.CLOSED)
            .count()
        )
        return AttentionCounts(follow_ups_due=due)
    if membership.role not in BROWSE_CASES:
        return AttentionCounts()
    # Drafts are counted nowhere (``Case.intake_completed_at``).
    open_cases = cases_visible_to(membership).filter(intake_completed_at__isnull=False)
    open_cases = open_cases.exclude(status=Status.CLOSED)
    # Drafts (intakes not completed) count nowhere.
    open_cases = open_cases.filter(intake_completed_at__isnull=False)
    overdue = Exists(_open_deadline_due("overdue"))
    if membership.role == Role.COORDINATOR:
        totals = open_cases.aggregate(
            unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
            overdue=Count("pk", filter=overdue),
            due_today=Count("pk", filter=Exists(_open_deadline_due("today"))),
        )
        return AttentionCounts(**totals)
    mine = Q(assigned_to_id=membership.user_id) | Q(created_by_id=membership.user_id)
    totals = open_cases.filter(mine).aggregate(
        mine_open=Count("pk"), overdue=Count("pk", filter=overdue)
    )
    return AttentionCounts(**totals)
