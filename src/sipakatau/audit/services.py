"""Writing the audit trail.

Each event is chained: ``hash = HMAC(audit_key, prev_hash + canonical(event))``. Changing,
removing, inserting or reordering any event breaks every later link, and without the key
nobody can forge a consistent chain. Writers are serialised (a PostgreSQL advisory lock;
SQLite's immediate transactions already admit one writer), so two requests can never
both chain onto the same predecessor.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 7_372_031_003  # any constant; one lock for the whole chain


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit trail names them."""

    user_id: int | None = None
    label: str = ""
    organisation_id: int | None = None
    role: str = ""


SYSTEM = Actor(label="system")  # the operator at the command line, a scheduled job
PUBLIC = Actor(label="public")  # an anonymous reporter on the public portal


class _User(Protocol):
    pk: int
    username: str


@runtime_checkable
class _Membership(Protocol):
    user_id: int
    organisation_id: int
    role: str

    @property
    def user(self) -> _User: ...


Who = Actor | _Membership | _User | None
What = Model | tuple[str, object] | None


def log(actor: Who, action: str, obj: What = None, *, fields: Iterable[str] = ()) -> AuditEvent:
    """The one way to write to the audit trail: who (a membership, a user, ``SYSTEM``,
    ``PUBLIC``; None is ``SYSTEM``), what happened (``"referral.accepted"``), to which
    object (a model instance, or ``("people.person", pk)`` when only the key is at hand),
    and which fields — their *names*, never values, so the log holds no personal data.
    Inside the caller's transaction if there is one."""
    if isinstance(obj, Model):
        object_type, object_id = obj._meta.label_lower, obj.pk
    elif obj is None:
        object_type, object_id = "", ""
    else:
        object_type, object_id = obj
    return _append(
        action=action,
        actor=_name(actor),
        object_type=object_type,
        object_id=object_id,
        fields=fields,
    )


def _name(actor: Who) -> Actor:
    if actor is None:
        return SYSTEM
    if isinstance(actor, Actor):
        return actor
    if isinstance(actor, _Membership):  # acting for an organisation
        return Actor(
            user_id=actor.user_id,
            label=actor.user.username,
            organisation_id=actor.organisation_id,
            role=actor.role,
        )
    return Actor(user_id=actor.pk, label=actor.username)


def actor_from_request(request: HttpRequest) -> Actor:
    """The acting person of a staff request: its membership, else its signed-in user."""
    membership = getattr(request, "membership", None)
    if membership is not None:
        return _name(membership)
    user = request.user
    return _name(user) if user.is_authenticated else Actor()


def canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields),
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    key = settings.AUDIT_KEY.encode()
    return hmac.new(key, prev_hash.encode() + canonical(event), hashlib.sha256).hexdigest()


def _append(
    *,
    action: str,
    actor: Actor,
    object_type: str = "",
    object_id: object = "",
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    ``fields`` are field *names*; passing values here would put personal data in the log.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1,
            occurred_at=timezone.now(),
            actor_id=actor.user_id,
            actor_label=actor.label[:150],
            organisation_id=actor.organisation_id,
            role=actor.role,
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            fields=sorted(set(fields)),
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = chain_hash(event.prev_hash, event)
        event.save(force_insert=True)
    return event
