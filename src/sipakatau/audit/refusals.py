"""Refused attempts to open case data: each one audited, a burst reported.

An object out of the asker's scope answers 404 (DESIGN.md §5), so an account trying ids
one after another — a curious colleague, a stolen password — learns nothing. Without
this record nobody would learn anything about *them* either: every refusal writes an
``access.refused`` event (the object's type and id, the status; never a value), and a
burst of them from one account tells the account's administrators once per window.

The audit app sits beside ``lib`` and may not import the accounts or the notifications:
the notifications app registers the alert in ``probing_alerts`` (see its ``apps.py``),
as the referrals app registers its hooks with the cases app.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditEvent
from .services import SYSTEM, Actor, log

REFUSED = "access.refused"
ALERTED = "access.probing_alerted"

# Called with the account and the number of refusals in the window, inside the
# transaction that recorded the burst (so a rolled-back alert sends nothing).
probing_alerts: list[Callable[[Actor, int], None]] = []


def probing_window() -> timedelta:
    return timedelta(minutes=settings.SIPAKATAU_PROBING_WINDOW_MINUTES)


def access_refused(*, actor: Actor, object_type: str, object_id: str, status: int) -> AuditEvent:
    """Record one refused attempt and, at the burst threshold, alert once per window.

    The chain's writer lock (taken by ``log``) is held until this transaction
    ends, so two refusals arriving together cannot both decide to send the alert.
    """
    with transaction.atomic():
        event = log(actor, REFUSED, (object_type, object_id), fields=[f"http_{status}"])
        if actor.user_id is not None:
            _alert_on_burst(actor)
    return event


def _alert_on_burst(actor: Actor) -> None:
    since = timezone.now() - probing_window()
    count = AuditEvent.objects.filter(
        action=REFUSED, actor_id=actor.user_id, occurred_at__gte=since
    ).count()
    if count < settings.SIPAKATAU_PROBING_REFUSALS:
        return
    already = AuditEvent.objects.filter(
        action=ALERTED,
        object_type="accounts.user",
        object_id=str(actor.user_id),
        occurred_at__gte=since,
    ).exists()
    if already:
        return
    log(SYSTEM, ALERTED, ("accounts.user", actor.user_id))
    for alert in probing_alerts:
        alert(actor, count)
