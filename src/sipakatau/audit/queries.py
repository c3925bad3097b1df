"""Reads of the audit trail: who may see it, and the searches they run."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import AuditEvent

AUDITOR = "auditor"  # accounts.Role.AUDITOR, spelled out: audit sits below accounts
READ_SUFFIXES = (".viewed", ".read")
EXPORT_SUFFIXES = (".exported",)


class HasRole(Protocol):
    role: str


class Auditor(HasRole, Protocol):
    """The acting ``accounts.Membership`` as the audit pages use it (audit stands below
    accounts, so it names the shape, not the model)."""

    user_id: int
    organisation_id: int

    @property
    def user(self) -> Any: ...


@dataclass(frozen=True)
class EventFilter:
    """A search of the trail; every part is optional and they combine with AND."""

    actor: str = ""  # a username, or a user id in digits
    action_prefix: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def _actor_q(actor: str) -> Q:
    # The label is the username when the event was written; the users table finds the
    # same person after a rename.
    user_ids = get_user_model().objects.filter(username__iexact=actor).values("pk")
    query = Q(actor_label__iexact=actor) | Q(actor_id__in=user_ids)
    if actor.isdigit():
        query |= Q(actor_id=int(actor))
    return query


def events_matching(events: QuerySet[AuditEvent], search: EventFilter) -> QuerySet[AuditEvent]:
    if search.actor:
        events = events.filter(_actor_q(search.actor))
    if search.action_prefix:
        events = events.filter(action__startswith=search.action_prefix)
    if search.object_type:
        events = events.filter(object_type=search.object_type)
    if search.object_id:
        events = events.filter(object_id=search.object_id)
    if search.since is not None:
        events = events.filter(occurred_at__gte=search.since)
    if search.until is not None:
        events = events.filter(occurred_at__lt=search.until)
    return events


ORGANISATION_OBJECT = "accounts.organisation"  # accounts.Organisation's label, spelled out


def organisation_actors_q(organisation_id: int) -> Q:
    """Events done by someone acting for the organisation (the organisation recorded on
    the event when it was written). The breach-scope command's ``--organisation`` reads
    the same events, so an auditor and the command agree on what one organisation did."""
    return Q(organisation_id=organisation_id)


def auditor_scope_q(organisation_id: int) -> Q:
    """What an auditor of ``organisation_id`` may read of the trail: what its own people
    did, and what was done to the organisation itself. Never another organisation's
    events, whose object labels are that organisation's case and referral numbers. The
    role is held in units as well as in offices (DESIGN.md section 5), so the scope is
    the auditor's organisation, not the city."""
    return organisation_actors_q(organisation_id) | Q(
        object_type=ORGANISATION_OBJECT, object_id=str(organisation_id)
    )


def events_for_auditor(membership: HasRole, search: EventFilter) -> QuerySet[AuditEvent]:
    """The events an auditor searches, newest first: those of the auditor's own
    organisation only (``auditor_scope_q``).

    The role is checked here as well as on the view, so that no future caller (an API
    endpoint, an export) can reach the trail by forgetting the decorator.
    """
    if membership.role != AUDITOR:
        raise PermissionDenied
    organisation_id = getattr(membership, "organisation_id", None)
    if organisation_id is None:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(auditor_scope_q(organisation_id)).order_by("-seq")
    return events_matching(events, search)


def events_for_breach_scope(
    *,
    since: datetime,
    until: datetime,
    actor_ids: list[int] | None = None,
    organisation_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """Reads and exports of data in a window, by some users or by one organisation."""
    suffixes = READ_SUFFIXES + EXPORT_SUFFIXES
    action_q = Q()
    for suffix in suffixes:
        action_q |= Q(action__endswith=suffix)
    events = AuditEvent.objects.filter(action_q, occurred_at__gte=since, occurred_at__lt=until)
    if actor_ids is not None:
        events = events.filter(actor_id__in=actor_ids)
    if organisation_id is not None:
        events = events.filter(organisation_actors_q(organisation_id))
    return events.order_by("seq")
