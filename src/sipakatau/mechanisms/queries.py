"""Every read of the mechanisms that depends on who is asking, and the reads the case
module makes of the active mechanism (rules travel down as data, DESIGN §3).

Who sees a kelurahan's mechanism: the staff of every organisation whose area contains the
kelurahan (the city's DP3A and Dinsos, the kelurahan office) or lies inside it (the
LBK-KK, an RW). The auditor and the administrator do not take part (separation of duties).
Outside that, every page answers 404.

Who writes: a kelurahan officer of that kelurahan drafts, opens the discussion, records
meetings and resolves comments; only one who signs decrees (the Lurah) approves and issues.
Every stakeholder who sees a draft may comment on it.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.permissions import TAKE_PART_IN_MECHANISMS
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import codes_with_ancestors

from . import numbering
from .codes import Status
from .models import (
    Comment,
    Decree,
    DecreeSequence,
    Duty,
    Mechanism,
    MechanismVersion,
    Meeting,
    PathwayEntry,
    Step,
    StepDeadline,
)


def _visible_area_filter(membership: Membership, prefix: str = "area__") -> Q:
    area_code = membership.organisation.area.code
    within = Q(**{f"{prefix}code": area_code}) | Q(**{f"{prefix}code__startswith": area_code + "."})
    # An organisation below the kelurahan (an RW posko) sees its kelurahan's mechanism.
    above = Q(**{f"{prefix}code__in": codes_with_ancestors(area_code)})
    return within | above


def mechanisms_visible_to(membership: Membership) -> QuerySet[Mechanism]:
    """The mechanisms this member takes part in, by kelurahan name."""
    if not membership.is_active or membership.role not in TAKE_PART_IN_MECHANISMS:
        return Mechanism.objects.none()
    return (
        Mechanism.objects.filter(_visible_area_filter(membership))
        .select_related("area")
        .order_by("area__name")
    )


def mechanism_for(membership: Membership, pk: int) -> Mechanism:
    mechanism = mechanisms_visible_to(membership).filter(pk=pk).first()
    if mechanism is None:
        raise Http404
    return mechanism


def versions_visible_to(membership: Membership) -> QuerySet[MechanismVersion]:
    return MechanismVersion.objects.filter(
        mechanism__in=mechanisms_visible_to(membership)
    ).select_related("mechanism", "mechanism__area")


def version_for(membership: Membership, pk: int) -> MechanismVersion:
    version = versions_visible_to(membership).filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def version_in_full(version: MechanismVersion) -> MechanismVersion:
    """The version with everything the decree and the pages show, in a fixed number of
    queries however many steps, entries and duties it has."""
    return (
        MechanismVersion.objects.filter(pk=version.pk)
        .select_related("mechanism", "mechanism__area", "created_by", "approved_by")
        .prefetch_related(
            Prefetch("steps", Step.objects.prefetch_related("deadlines")),
            Prefetch("pathway", PathwayEntry.objects.select_related("provider")),
            "duties",
        )
        .get()
    )


def comments_of(version: MechanismVersion) -> QuerySet[Comment]:
    return (
        version.comments.filter(reply_to__isnull=True)
        .select_related("author", "organisation", "step", "resolved_by")
        .prefetch_related(
            Prefetch("replies", Comment.objects.select_related("author", "organisation"))
        )
    )


def comment_for(membership: Membership, pk: int) -> Comment:
    comment = (
        Comment.objects.filter(version__in=versions_visible_to(membership), pk=pk)
        .select_related("version", "version__mechanism")
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def meetings_of(version: MechanismVersion) -> QuerySet[Meeting]:
    return version.meetings.prefetch_related("attendees").select_related("recorded_by")


def meeting_for(membership: Membership, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(version__in=versions_visible_to(membership), pk=pk)
        .select_related("version", "version__mechanism", "version__mechanism__area")
        .prefetch_related("attendees")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


# --- Who may write (checked again by every service) ------------------------------------


def _of_the_kelurahan(membership: Membership, mechanism: Mechanism) -> bool:
    if not membership.is_active or membership.role != Role.VILLAGE_OFFICER:
        return False
    own = membership.organisation.area.code
    kelurahan = mechanism.area.code
    return own == kelurahan or own.startswith(kelurahan + ".")


def may_draft(membership: Membership, mechanism: Mechanism) -> bool:
    return _of_the_kelurahan(membership, mechanism)


def may_sign(membership: Membership, mechanism: Mechanism) -> bool:
    return _of_the_kelurahan(membership, mechanism) and membership.is_signatory


def may_start_mechanism(membership: Membership, area: Area) -> bool:
    """A kelurahan officer starts the mechanism of the kelurahan the office covers."""
    if not membership.is_active:
        return False
    own = membership.organisation.area.code
    return (
        membership.role == Role.VILLAGE_OFFICER
        and area.level == Level.KELURAHAN
        and (own == area.code or own.startswith(area.code + "."))
    )


# --- The decree in public ---------------------------------------------------------------


def decree_by_token(token: str) -> Decree | None:
    """The public verification page: anyone with the QR code's address."""
    return (
        Decree.objects.filter(verification_token=token)
        .select_related("version", "version__mechanism", "version__mechanism__area")
        .defer("pdf")
        .first()
    )


# --- What the case module reads ---------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One deadline of the active mechanism, in the shape the case module uses."""

    code: str
    label: str
    trigger: str
    risk_level: str
    amount: int
    unit: str
    legal_basis: str


def active_version_for_area(area: Area) -> MechanismVersion | None:
    """The issued version that governs cases of a unit in ``area`` (its kelurahan, or the
    kelurahan above an RW or RT)."""
    return (
        MechanismVersion.objects.filter(
            status=Status.ISSUED, mechanism__area__code__in=codes_with_ancestors(area.code)
        )
        .select_related("mechanism", "mechanism__area", "decree")
        .order_by("-mechanism__area__code")
        .first()
    )


def version_by_rule_set(rule_set: str) -> MechanismVersion | None:
    """The version a case records as its rule set (``mechanism-<pk>``), if any."""
    prefix = "mechanism-"
    if not rule_set.startswith(prefix) or not rule_set[len(prefix) :].isdigit():
        return None
    return (
        MechanismVersion.objects.filter(pk=int(rule_set[len(prefix) :]))
        .select_related("mechanism", "mechanism__area", "decree")
        .first()
    )


def rules_of(version_id: int, trigger: str) -> list[Rule]:
    """The timed steps of a version that start from ``trigger``, one rule per step and
    risk level. A version is immutable once issued, so a case's rules never move."""
    # Imported here: the documents import this module.
    from .documents.labels import village_head

    deadlines = (
        StepDeadline.objects.filter(step__version_id=version_id, step__trigger=trigger)
        .exclude(step__action="")
        .select_related("step", "step__version__decree", "step__version__mechanism__area")
    )
    rules = []
    for deadline in deadlines:
        step = deadline.step
        decree = getattr(step.version, "decree", None)
        head = village_head(step.version.mechanism.area)
        rules.append(
            Rule(
                code=step.action,
                label=step.title,
                trigger=step.trigger,
                risk_level=deadline.risk_level,
                amount=deadline.amount,
                unit=deadline.unit,
                legal_basis=f"SK {head} {decree.number}" if decree else "",
            )
        )
    return rules


def escalation_of(version_id: int, action: str) -> str:
    """Whom the version tells, beyond the unit's coordinators, when a timed step is late
    (a ``Responsible`` value, or "")."""
    return (
        Step.objects.filter(version_id=version_id, action=action)
        .values_list("escalate_to", flat=True)
        .first()
        or ""
    )


def pathway_providers(area: Area, service_type: str) -> list[PathwayEntry]:
    """The active mechanism's providers for a service, to pre-fill a referral."""
    version = active_version_for_area(area)
    if version is None:
        return []
    return list(
        version.pathway.filter(service_type=service_type, provider__is_active=True).select_related(
            "provider"
        )
    )


# --- Reads of the pages and the API (each starts from a scoped read above) ---------------

WORKING = (Status.DRAFT, Status.IN_DISCUSSION, Status.APPROVED)


@dataclass(frozen=True)
class MechanismRow:
    mechanism: Mechanism
    active: MechanismVersion | None
    active_number: str  # the decree number of the active version
    working: MechanismVersion | None


def mechanism_rows(membership: Membership) -> list[MechanismRow]:
    """The list page in three queries however many mechanisms and versions: the decree's
    PDF is never loaded for a list."""
    versions = (
        MechanismVersion.objects.select_related("decree").defer("decree__pdf").order_by("-number")
    )
    mechanisms = mechanisms_visible_to(membership).prefetch_related(Prefetch("versions", versions))
    rows = []
    for mechanism in mechanisms:
        all_versions = list(mechanism.versions.all())
        active = next((v for v in all_versions if v.status == Status.ISSUED), None)
        working = next((v for v in all_versions if v.status in WORKING), None)
        decree = getattr(active, "decree", None) if active else None
        rows.append(MechanismRow(mechanism, active, decree.number if decree else "", working))
    return rows


def kelurahan_to_start(membership: Membership) -> Area | None:
    """The kelurahan whose mechanism this officer may start, when it has none yet."""
    area: Area | None = membership.organisation.area
    while area is not None and area.level in (Level.RW, Level.RT):
        area = area.parent
    if area is None or not may_start_mechanism(membership, area):
        return None
    if Mechanism.objects.filter(area=area).exists():
        return None
    return area


def versions_of(mechanism: Mechanism) -> list[MechanismVersion]:
    """Every version of a mechanism (already read through ``mechanism_for``), with its
    decree's number and date but not its PDF."""
    return list(
        mechanism.versions.select_related("decree", "created_by", "approved_by")
        .defer("decree__pdf")
        .order_by("-number")
    )


def decree_of(version: MechanismVersion) -> Decree | None:
    # The PDF is left in the database: a summary never needs its bytes.
    return Decree.objects.filter(version=version).defer("pdf").first()


def has_working_version(mechanism: Mechanism) -> bool:
    return mechanism.versions.filter(status__in=WORKING).exists()


def previous_version(version: MechanismVersion) -> MechanismVersion | None:
    """What a version is compared with by default: the one it was made from, else the
    one numbered before it."""
    if version.based_on_id:
        return MechanismVersion.objects.filter(pk=version.based_on_id).first()
    return (
        MechanismVersion.objects.filter(
            mechanism_id=version.mechanism_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def _in_scope(membership: Membership) -> Any:
    return versions_visible_to(membership).values("pk")


def step_for(membership: Membership, pk: int) -> Step:
    step = (
        Step.objects.filter(pk=pk, version__in=_in_scope(membership))
        .select_related("version__mechanism__area")
        .prefetch_related("deadlines")
        .first()
    )
    if step is None:
        raise Http404
    return step


def duty_for(membership: Membership, pk: int) -> Duty:
    duty = (
        Duty.objects.filter(pk=pk, version__in=_in_scope(membership))
        .select_related("version__mechanism__area")
        .first()
    )
    if duty is None:
        raise Http404
    return duty


def pathway_entry_for(membership: Membership, pk: int) -> PathwayEntry:
    entry = (
        PathwayEntry.objects.filter(pk=pk, version__in=_in_scope(membership))
        .select_related("version__mechanism__area", "provider")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


# --- The decree number ------------------------------------------------------------------


def next_sequence(mechanism: Mechanism, year: int) -> int:
    """The number the next decree of ``year`` would get in the register (read without a
    lock: a preview; issuance takes it under the lock)."""
    register = DecreeSequence.objects.filter(mechanism=mechanism, year=year).first()
    return (register.last_number if register else 0) + 1


def number_preview(
    mechanism: Mechanism,
    year: int,
    *,
    classification_code: str | None = None,
    office_code: str | None = None,
    sequence: int | None = None,
) -> str:
    """The number the next decree of ``year`` would carry, with the saved parts or the
    ones given (the settings form before it is saved); "" while a part is missing."""
    code = mechanism.classification_code if classification_code is None else classification_code
    office = mechanism.office_code if office_code is None else office_code
    if numbering.number_problems(code, office):
        return ""
    return numbering.decree_number(
        classification_code=code,
        sequence=sequence or next_sequence(mechanism, year),
        office_code=office,
        year=year,
    )
