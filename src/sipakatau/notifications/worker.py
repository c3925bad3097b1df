"""Delivering the outbox: claim each due message, send it, record the outcome.

Safe with several workers at once (two ``run_outbox`` processes, or a cron run overlapping
the loop): a message is *claimed* by one conditional UPDATE from ``pending`` to ``sending``,
which only one worker can win on SQLite (one writer at a time) and on PostgreSQL (the
second UPDATE waits for the first and then re-checks the condition, which no longer
holds). Only the winner sends, and a sent message is never claimable again.

Delivery is at least once, never knowingly twice: if a worker dies after the gateway took
a message but before it was marked sent, the claim lapses after ``CLAIM_LEASE`` and the
message is sent again with the same Idempotency-Key (gateway) or Message-ID (email), so
the receiving end can drop the copy.

Call it outside any transaction: each claim and each outcome must be committed at once,
or other workers cannot see them.
"""

import logging
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from .delivery import DeliveryError, deliver
from .models import Channel, DeliveryPreference, OutboxMessage, OutboxStatus, RecipientKind
from .services import record_refusal, safe_phone_channel

logger = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8
# Far longer than one send can take (the SMTP and gateway timeouts are seconds), so a live
# worker never loses its claim; a dead one gives the message back after this.
CLAIM_LEASE = timedelta(minutes=10)
INACTIVE = "recipient account disabled"
OPTED_OUT = "recipient opted out"


def _still_wanted(message: OutboxMessage) -> bool:
    """Whether the staff member still asks for messages on this channel, to this address."""
    if message.recipient_user_id is None:
        return False
    preference = DeliveryPreference.objects.filter(user_id=message.recipient_user_id).first()
    if preference is None:
        return False
    if message.channel == Channel.EMAIL:
        return preference.email
    return preference.phone_channel == message.channel and preference.phone == (
        message.recipient_address
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 ... minutes, capped."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _due(now: datetime) -> Q:
    # A "sending" message whose lease ran out was claimed by a worker that died.
    return Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], next_attempt_at__lte=now)


def _claim(pk: int, now: datetime) -> bool:
    claimed = (
        OutboxMessage.objects.filter(_due(now), pk=pk).update(
            status=OutboxStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + CLAIM_LEASE,
        )
        == 1
    )
    return claimed


def _finish(message: OutboxMessage, **changes: object) -> None:
    # Only while the claim is ours: a lease that lapsed belongs to another worker now.
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(**changes)


def _address(message: OutboxMessage) -> str | None:
    """Where to send ``message``, or None when it must be refused (and is closed here).

    A person's choices are read again at send time: someone who asked since not to be
    contacted, or whose phone was taken, must not get a message queued before that.
    The number and channel are today's, not the ones on record when it was queued.
    """
    if message.recipient_kind != RecipientKind.PERSON:
        user = message.recipient_user
        if user is None or not user.is_active:
            # Disabled since it was queued: the mailbox may now be someone else's (a
            # successor, a departed volunteer), as ``services.notify`` says at queue time.
            _finish(message, status=OutboxStatus.FAILED, next_attempt_at=None, last_error=INACTIVE)
            logger.info("Outbox message %s: %s", message.pk, INACTIVE)
            return None
        if not _still_wanted(message):
            # Opted out since it was queued: the choice is the person's, today's.
            _finish(message, status=OutboxStatus.FAILED, next_attempt_at=None, last_error=OPTED_OUT)
            logger.info("Outbox message %s: %s", message.pk, OPTED_OUT)
            return None
        return message.recipient_address
    if message.recipient_person is None:
        return None
    decision = safe_phone_channel(message.recipient_person)
    if isinstance(decision, str):
        _finish(message, status=OutboxStatus.REFUSED, next_attempt_at=None, last_error=decision)
        record_refusal(message, decision)
        return None
    message.channel, address = decision
    OutboxMessage.objects.filter(pk=message.pk).update(channel=message.channel)
    return address


def _attempt(message: OutboxMessage, now: datetime) -> bool:
    if message.attempts > MAX_ATTEMPTS:
        # Taken back from a dead worker once too often.
        _finish(message, status=OutboxStatus.FAILED, next_attempt_at=None)
        return False
    address = _address(message)
    if address is None:
        return False
    try:
        deliver(message, to=address)
    except DeliveryError as error:
        retry = error.retryable and message.attempts < MAX_ATTEMPTS
        _finish(
            message,
            status=OutboxStatus.PENDING if retry else OutboxStatus.FAILED,
            next_attempt_at=now + backoff(message.attempts) if retry else None,
            last_error=error.reason,
        )
        log = logger.warning if retry else logger.error
        log(
            "Outbox message %s, attempt %s: %s (%s)",
            message.pk,
            message.attempts,
            error.reason,
            "will retry" if retry else "gave up",
        )
        return False
    except Exception as error:
        # A bug, not the network: keep the message for a retry, and log the kind of error
        # only, since an exception's text can quote data.
        reason = f"internal error {type(error).__name__}"
        retry = message.attempts < MAX_ATTEMPTS
        _finish(
            message,
            status=OutboxStatus.PENDING if retry else OutboxStatus.FAILED,
            next_attempt_at=now + backoff(message.attempts) if retry else None,
            last_error=reason,
        )
        logger.error("Outbox message %s, attempt %s: %s", message.pk, message.attempts, reason)
        return False
    _finish(
        message,
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return True


def deliver_due(now: datetime | None = None, limit: int = 100) -> int:
    """Send up to ``limit`` messages that are due at ``now``; how many were sent."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        if not _claim(pk, now):
            continue  # another worker has it
        message = OutboxMessage.objects.select_related("recipient_person", "recipient_user").get(
            pk=pk
        )
        sent += _attempt(message, now)
    return sent
