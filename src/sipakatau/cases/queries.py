"""Every read of case data that depends on who is asking.

- caseworkers and coordinators: every case of their unit;
- volunteers: the cases whose intake they took, and the cases of follow-ups assigned
  to them (but only those follow-ups, see ``follow_ups_for``);
- everyone else: nothing. Agencies see referred projections only (referrals module).

Out of scope answers 404, never 403.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sipakatau.accounts.models import Membership, Role, User
from sipakatau.accounts.permissions import (
    APPROVE_CLOSURE,
    ASSIGN_CASES,
    BROWSE_CASES,
    MANAGE_CASE,
    REOPEN_CASE,
    TAKE_CASE,
)
from sipakatau.people.queries import people_matching

from .codes import PartyRole
from .models import (
    Attachment,
    Case,
    CaseDeadline,
    CaseParty,
    Closure,
    Consent,
    FollowUp,
    Incident,
    ServicePlanItem,
    Status,
)

# The statuses from which services can start (again).
ACTIVATABLE = frozenset({Status.ASSESSED, Status.MONITORING, Status.REOPENED})


def cases_visible_to(membership: Membership | None) -> QuerySet[Case]:
    if membership is None or not membership.is_active:
        return Case.objects.none()
    unit = Case.objects.filter(organisation_id=membership.organisation_id)
    if membership.role in BROWSE_CASES:
        return unit
    if membership.role == Role.VOLUNTEER:
        assigned = FollowUp.objects.filter(case=OuterRef("pk"), assigned_to_id=membership.user_id)
        return unit.filter(Q(created_by_id=membership.user_id) | Exists(assigned))
    return Case.objects.none()


def case_for_user(membership: Membership | None, pk: int) -> Case:
    case = (
        cases_visible_to(membership)
        .select_related("organisation", "assigned_to")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_can_be_browsed(membership: Membership, case: Case) -> bool:
    """A volunteer sees a case she did not take only through her follow-ups."""
    return membership.role in BROWSE_CASES or case.created_by_id == membership.user_id


# --- Who may act on a case: services call these to refuse, views to show the button ---------


def may_act_on(membership: Membership | None, case: Case, roles: frozenset[str]) -> bool:
    """The same rule as ``cases_visible_to``, for a write: an active member of the case's
    unit in one of ``roles``; a volunteer only on the case whose intake she took."""
    if membership is None or not membership.is_active or membership.role not in roles:
        return False
    if case.organisation_id != membership.organisation_id:
        return False
    return membership.role != Role.VOLUNTEER or case.created_by_id == membership.user_id


def may_manage(membership: Membership | None, case: Case) -> bool:
    return may_act_on(membership, case, MANAGE_CASE)


def may_take(membership: Membership | None, case: Case) -> bool:
    """A caseworker takes an unassigned case herself."""
    return may_act_on(membership, case, TAKE_CASE) and case.assigned_to_id is None


def may_assign(membership: Membership | None, case: Case) -> bool:
    """A coordinator assigns or transfers a case to anyone of the unit."""
    return may_act_on(membership, case, ASSIGN_CASES)


def may_activate(membership: Membership | None, case: Case) -> bool:
    """Start services: an assessed case, one in monitoring, or one reopened."""
    return may_manage(membership, case) and case.status in ACTIVATABLE


def may_monitor(membership: Membership | None, case: Case) -> bool:
    return may_manage(membership, case) and case.status == Status.ACTIVE


def may_decide_closure(membership: Membership | None, case: Case) -> bool:
    return may_act_on(membership, case, APPROVE_CLOSURE)


def may_reopen(membership: Membership | None, case: Case) -> bool:
    return may_act_on(membership, case, REOPEN_CASE)


def follow_ups_for(membership: Membership, case: Case) -> QuerySet[FollowUp]:
    follow_ups = case.follow_ups.select_related("assigned_to")
    if case_can_be_browsed(membership, case):
        return follow_ups
    return follow_ups.filter(assigned_to_id=membership.user_id)


def parties_of(case: Case) -> QuerySet[CaseParty]:
    return case.parties.select_related("person").order_by("role", "pk")


def _with_next_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    open_deadlines = CaseDeadline.objects.filter(met_at__isnull=True).order_by("due_at")
    return cases.select_related("organisation", "assigned_to").prefetch_related(
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
    due: str = ""  # "" | "today" | "overdue"
    search: str = ""
    # The result of an earlier search (``case_ids_matching``), so that what was searched
    # for never has to travel in a URL; still limited to the cases the user may see.
    case_ids: list[int] | None = None


def cases_listed(membership: Membership | None, search: CaseFilter) -> QuerySet[Case]:
    cases = cases_visible_to(membership)
    if search.mine and membership is not None:
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
    if search.due:
        now = timezone.now()
        if search.due == "overdue":
            late = CaseDeadline.objects.filter(
                case=OuterRef("pk"), met_at__isnull=True, due_at__lt=now
            )
        else:
            end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
            late = CaseDeadline.objects.filter(
                case=OuterRef("pk"), met_at__isnull=True, due_at__lte=end_of_day
            )
        cases = cases.filter(Exists(late)).exclude(status=Status.CLOSED)
    if search.search:
        cases = cases.filter(pk__in=case_ids_matching(membership, search.search))
    if search.case_ids is not None:
        cases = cases.filter(pk__in=search.case_ids)
    return _with_next_deadline(cases).order_by("-reported_at")


def case_ids_matching(membership: Membership | None, text: str) -> list[int]:
    """Search by register number, NIK, phone or name — through the blind indexes only —
    and only among the cases the user may see."""
    text = text.strip()
    visible = cases_visible_to(membership)
    by_number = list(visible.filter(register_number__iexact=text).values_list("pk", flat=True))
    digits = "".join(ch for ch in text if ch.isdigit())
    candidates = people_matching(
        nik=digits if len(digits) == 16 else None,
        phone=text if 8 <= len(digits) <= 15 else None,
        name=text if any(ch.isalpha() for ch in text) else None,
    )
    person_ids = [candidate.person.pk for candidate in candidates]
    by_person = (
        visible.filter(parties__person_id__in=person_ids).values_list("pk", flat=True).distinct()
    )
    return by_number + [pk for pk in by_person if pk not in by_number]


@dataclass
class PossibleDuplicate:
    case: Case
    reason: str


def possible_duplicates(
    membership: Membership | None,
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
            for candidate in people_matching(name=name)
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


def next_deadline(case: Case) -> CaseDeadline | None:
    deadlines = getattr(case, "open_deadlines", None)
    if deadlines is None:
        return case.deadlines.filter(met_at__isnull=True).order_by("due_at").first()
    return deadlines[0] if deadlines else None


def lateness(deadline: CaseDeadline | None, now: datetime | None = None) -> int:
    """Minutes late (0 when not late)."""
    if deadline is None:
        return 0
    delta = (now or timezone.now()) - deadline.due_at
    return max(0, int(delta.total_seconds() // 60))


# --- For the pages: one object at a time, 404 when out of scope --------------------------


def case_browsable_for_user(membership: Membership | None, pk: int) -> Case:
    """The whole case: its unit's caseworkers and coordinators, or the volunteer who took
    the intake. A volunteer who only has a follow-up on it gets 404 here."""
    case = case_for_user(membership, pk)
    if membership is None or not case_can_be_browsed(membership, case):
        raise Http404
    return case


def follow_ups_assigned_to(membership: Membership | None) -> QuerySet[FollowUp]:
    """The follow-ups a person must do, in her unit, open ones first."""
    if membership is None or not membership.is_active:
        return FollowUp.objects.none()
    return (
        FollowUp.objects.filter(
            assigned_to_id=membership.user_id, case__organisation_id=membership.organisation_id
        )
        .select_related("case")
        .order_by(F("done_at").asc(nulls_first=True), "due_on", "pk")
    )


def follow_up_for_user(membership: Membership | None, pk: int) -> FollowUp:
    follow_up = FollowUp.objects.select_related("case", "assigned_to").filter(pk=pk).first()
    if follow_up is None or membership is None:
        raise Http404
    case = case_for_user(membership, follow_up.case_id)
    if not follow_ups_for(membership, case).filter(pk=pk).exists():
        raise Http404
    follow_up.case = case
    return follow_up


def _browsable_case_of(membership: Membership | None, case_id: int | None) -> Case:
    if case_id is None:
        raise Http404
    return case_browsable_for_user(membership, case_id)


def attachment_for_user(membership: Membership | None, pk: int) -> Attachment:
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    attachment.case = _browsable_case_of(membership, attachment.case_id)
    return attachment


def closure_for_user(membership: Membership | None, pk: int) -> Closure:
    closure = Closure.objects.select_related("requested_by").filter(pk=pk).first()
    if closure is None:
        raise Http404
    closure.case = _browsable_case_of(membership, closure.case_id)
    return closure


def consent_for_user(membership: Membership | None, pk: int) -> Consent:
    consent = Consent.objects.select_related("subject__person").filter(pk=pk).first()
    if consent is None:
        raise Http404
    consent.case = _browsable_case_of(membership, consent.case_id)
    return consent


def plan_item_for_user(membership: Membership | None, pk: int) -> ServicePlanItem:
    item = ServicePlanItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    item.case = _browsable_case_of(membership, item.case_id)
    return item


def unit_workers(case: Case, roles: frozenset[str] | None = None) -> QuerySet[User]:
    """Active people of the case's unit (for owners, follow-ups and assignment)."""
    memberships = Membership.objects.filter(
        organisation_id=case.organisation_id, is_active=True, user__is_active=True
    )
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by(
        "full_name", "username"
    )


def incident_of(case: Case) -> Incident | None:
    return Incident.objects.select_related("area").filter(case=case).first()


def has_active_consent(party: CaseParty, purpose: str) -> bool:
    return Consent.objects.filter(
        subject=party, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


# --- Identity numbers and telephone: shown only on request, each showing audited ----------

# Never part of a case read (page or API): only through the "show" action, which writes
# its own ``person.identity_viewed`` event, so a breach notice can name whose numbers a
# user saw (UU 27/2022 PDP Pasal 46; audit.queries counts ``.viewed`` as a read).
IDENTITY_FIELDS = ("phone", "nik", "kk_number")


def party_of_case(case: Case, pk: int) -> CaseParty:
    """A person of a case the user may already browse; another case's person is 404."""
    party = parties_of(case).filter(pk=pk).first()
    if party is None:
        raise Http404
    return party


def identity_of(party: CaseParty) -> dict[str, str]:
    """The person's recorded telephone, NIK and KK number (only those recorded)."""
    person = party.person
    values = {name: getattr(person, name) for name in IDENTITY_FIELDS}
    return {name: value for name, value in values.items() if value}
