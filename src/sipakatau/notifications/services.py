"""Sending notifications: in-app to staff, and through the outbox by email, SMS or WhatsApp.

Everything here writes in the caller's transaction: a change that rolls back leaves no
notification and no outgoing message behind. Delivery happens later, in ``worker``.
"""

import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.audit import services as audit
from sipakatau.lib.phone import PhoneError, normalise_phone
from sipakatau.people.models import ContactChannel, Person
from sipakatau.people.profile import safe_contact_of

from .models import (
    Channel,
    DeliveryPreference,
    Notification,
    OutboxMessage,
    OutboxStatus,
    PhoneChannel,
    RecipientKind,
)
from .templates import UnsafeNotification, clean_context, clean_person_context, reveals

logger = logging.getLogger(__name__)

# The person's own contact channels that the outbox can use, and how it sends on them.
# A phone call, a home visit or a trusted go-between are for staff to do, not for us.
_PHONE_CHANNELS: dict[str, str] = {
    ContactChannel.SMS: Channel.SMS,
    ContactChannel.WHATSAPP: Channel.WHATSAPP,
}


class Refusal:
    """Why a message to a person may not be sent (reason codes, safe to log)."""

    DO_NOT_CONTACT = "do_not_contact"
    NO_SAFE_CHANNEL = "no_safe_channel"
    NO_PHONE = "no_phone"


def _dedup_key(base: str | None, *parts: object) -> str:
    """A fixed-length key that cannot carry what the caller put in it (``base`` might name
    a person by mistake; only its hash is stored and sent to the gateway)."""
    if base is None:
        return uuid.uuid4().hex
    return hashlib.sha256(":".join([base, *map(str, parts)]).encode()).hexdigest()


def _outside_messages(
    users: list[AbstractBaseUser], template: str, context: dict[str, str]
) -> list[OutboxMessage]:
    """The email, SMS or WhatsApp copies for those of ``users`` who asked for them
    (``DeliveryPreference``, opt-in) and whose account is active."""
    active = [user for user in users if user.is_active]
    if not active:
        return []
    preferences = DeliveryPreference.objects.filter(
        user_id__in=[user.pk for user in active]
    ).in_bulk(field_name="user_id")
    now = timezone.now()
    messages: list[OutboxMessage] = []
    for user in active:
        preference = preferences.get(user.pk)
        if preference is None:
            continue
        # A disabled account's mailbox may now belong to someone else (a successor, a
        # departed volunteer); it keeps the in-app notice, which nobody can read.
        address = (getattr(user, "email", "") or "").strip()
        routes: list[tuple[str, str, str]] = []
        if preference.email and address and settings.SIPAKATAU_NOTIFY_EMAIL:
            routes.append((Channel.EMAIL, address, ""))
        if preference.phone_channel and preference.phone:
            routes.append(
                (preference.phone_channel, preference.phone, settings.SIPAKATAU_NEUTRAL_SENDER)
            )
        messages.extend(
            OutboxMessage(
                channel=channel,
                recipient_kind=RecipientKind.USER,
                recipient_user_id=user.pk,
                recipient_address=to,
                template=template,
                context=context,
                sender=sender,
                next_attempt_at=now,
                dedup_key=_dedup_key(None),
            )
            for channel, to, sender in routes
        )
    return messages


def notify(*, users: Iterable[AbstractBaseUser], template: str, context: Mapping[str, Any]) -> int:
    """Queue an in-app notification for each user and, for those who opted in, a neutral
    copy by email, SMS or WhatsApp, in the caller's transaction, so a rolled-back change
    sends nothing. Refuses any variable off the allowlist."""
    cleaned = clean_context(template, context)
    users = list(users)
    rows = [
        Notification(recipient_id=user.pk, template=template, context=cleaned) for user in users
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
        OutboxMessage.objects.bulk_create(_outside_messages(users, template, cleaned))
    return len(rows)


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int]) -> int:
    """Mark the user's own notifications ``ids`` read (anyone else's are left alone)."""
    with transaction.atomic():
        return Notification.objects.filter(
            recipient_id=user.pk, pk__in=list(ids), read_at__isnull=True
        ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


@transaction.atomic
def delivery_preference_set(
    *, actor: Membership, email: bool, phone_channel: str, phone: str
) -> DeliveryPreference:
    """Set what ``actor``'s own account receives outside the app. Email needs an address on
    the account; SMS or WhatsApp a number that can be dialled."""
    user = actor.user
    if phone_channel not in PhoneChannel.values:
        raise ValidationError({"phone_channel": _("Choose SMS, WhatsApp or neither.")})
    if email and not (user.email or "").strip():
        raise ValidationError(
            {"email": _("Your account has no email address. Ask your administrator to add it.")}
        )
    number = ""
    if phone_channel:
        try:
            number = normalise_phone(phone or "")
        except PhoneError:
            raise ValidationError(
                {"phone": _("Write a telephone number, for example 0812 3456 7890.")}
            ) from None
    preference, _created = DeliveryPreference.objects.select_for_update().get_or_create(user=user)
    preference.email = email
    preference.phone_channel = phone_channel
    preference.phone = number or None
    preference.save()
    audit.log(
        actor,
        "notification.preference_set",
        preference,
        fields=["email", "phone_channel", "phone"],
    )
    return preference


def safe_phone_channel(person: Person) -> tuple[str, str] | str:
    """``(channel, E.164 phone)`` on which ``person`` may be sent a message, or the
    ``Refusal`` reason why none may be used.

    Only what the person chose (DESIGN.md §5): "do not contact" wins over everything, and
    a channel is used only when the person marked it, in the order they listed them.
    """
    safe = safe_contact_of(person)
    if safe.do_not_contact:
        return Refusal.DO_NOT_CONTACT
    channels = [_PHONE_CHANNELS[choice] for choice in safe.channels if choice in _PHONE_CHANNELS]
    if not channels:
        return Refusal.NO_SAFE_CHANNEL
    try:
        phone = normalise_phone(person.phone or "")
    except PhoneError:
        return Refusal.NO_PHONE
    return channels[0], phone


def _require_neutral(sender_name: str) -> None:
    """Refuse a sender that would tell whoever holds the phone what the message is about:
    a revealing word, or the name of one of our organisations (each is a service for
    violence cases or an office that holds them)."""
    sender = sender_name.strip().lower()
    if not sender or len(sender_name) > 40 or reveals(sender):
        raise UnsafeNotification("the sender name of a message to a person must be neutral")
    for name, short_name in Organisation.objects.values_list("name", "short_name"):
        name, short_name = name.lower(), short_name.lower()
        if sender in name or (short_name and short_name in sender):
            raise UnsafeNotification(
                "the sender name of a message to a person must not name a unit"
            )


def notify_person(
    *,
    person: Person,
    template: str,
    context: Mapping[str, Any],
    sender_name: str | None = None,
    dedup_key: str | None = None,
    actor: Membership | None = None,
) -> OutboxMessage:
    """Queue a message to a survivor or reporter on the channel they marked safe, in the
    caller's transaction.

    When there is no such channel the message is kept with status ``refused`` (nothing is
    ever sent) and a ``notification.refused`` audit event names the reason — never the
    number or the text. ``template`` must be one of ``templates.PERSON_TEMPLATES``; the
    sender is ``SIPAKATAU_NEUTRAL_SENDER`` unless a neutral ``sender_name`` is given.
    ``dedup_key`` (e.g. ``f"referral:{pk}:accepted"``) makes a second call for the same
    event return the first message instead of queuing another. ``actor`` is who caused
    the message, for the audit event (default: the system).
    """
    cleaned = clean_person_context(template, context)
    sender = sender_name if sender_name is not None else settings.SIPAKATAU_NEUTRAL_SENDER
    _require_neutral(sender)
    key = _dedup_key(dedup_key, "person", person.pk, template)
    decision = safe_phone_channel(person)
    with transaction.atomic():
        existing = OutboxMessage.objects.filter(dedup_key=key).first()
        if existing is not None:
            return existing
        message = OutboxMessage(
            recipient_kind=RecipientKind.PERSON,
            recipient_person=person,
            template=template,
            context=cleaned,
            sender=sender,
            dedup_key=key,
        )
        if isinstance(decision, tuple):
            message.channel, message.recipient_address = decision
            message.next_attempt_at = timezone.now()
            message.save(force_insert=True)
            return message
        # A survivor is contacted only on a channel marked safe; an unsafe one can put
        # them in danger, so the message is refused, kept for the record, and audited.
        message.status = OutboxStatus.REFUSED
        message.last_error = decision
        message.save(force_insert=True)
        record_refusal(message, decision, actor=actor)
    return message


def record_refusal(message: OutboxMessage, reason: str, *, actor: Membership | None = None) -> None:
    """The audit event and log line of a refused message: the reason and the ids only."""
    audit.log(
        actor if actor is not None else audit.SYSTEM,
        "notification.refused",
        message,
        fields=[reason],
    )
    logger.warning(
        "Message %s to person %s refused: %s", message.pk, message.recipient_person_id, reason
    )
