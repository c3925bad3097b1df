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

from django.conf import settings
from django.db import connection, transaction
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


def actor_from_request(request: HttpRequest) -> Actor:
    """The acting person of a staff request, named from ``request.membership``.

    Built here from plain attributes rather than with ``accounts.services.actor_of``: the
    audit app sits below ``accounts`` and must not import it.
    """
    membership = getattr(request, "membership", None)
    if membership is None:
        user = request.user
        if not user.is_authenticated:
            return Actor()
        return Actor(user_id=user.pk, label=user.get_username())
    return Actor(
        user_id=membership.user_id,
        label=membership.user.username,
        organisation_id=membership.organisation_id,
        role=membership.role,
    )


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


def audit_record(
    *,
    action: str,
    actor: Actor | None = None,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    ``fields`` are field *names*; passing values here would put personal data in the log.
    """
    actor = actor or Actor(user_id=actor_id)
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
