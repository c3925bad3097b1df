"""Adapters that hand one outbox message to the outside world: email through Django's
email backend (SMTP in production), SMS and WhatsApp through an HTTP gateway.

Each adapter either returns (the message was accepted) or raises ``DeliveryError`` saying
whether trying again could help. Error reasons are codes, exception class names and HTTP
statuses only: an SMTP error quotes the recipient and a gateway's answer may quote the
message, and ``last_error`` and the logs must hold neither.
"""

import http.client
import json
import smtplib
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.queries import area_time_zone

from .models import Channel, OutboxMessage, RecipientKind
from .templates import PERSON_TEMPLATES, TEMPLATES, render_for_person, render_outside


class DeliveryError(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.retryable = retryable


def _zone(message: OutboxMessage) -> str:
    """The recipient's time zone, for the due time in the text: the worker itself runs in
    UTC, where a WITA deadline reads eight hours early."""
    area = None
    if message.recipient_kind == RecipientKind.PERSON and message.recipient_person is not None:
        area = message.recipient_person.area
    elif message.recipient_user_id is not None:
        membership = (
            Membership.objects.filter(user_id=message.recipient_user_id, is_active=True)
            .select_related("organisation__area")
            .order_by("pk")
            .first()
        )
        area = membership.organisation.area if membership is not None else None
    return area_time_zone(area)


def message_text(message: OutboxMessage) -> str:
    """The text of ``message``, rendered now from its template and allowlisted context (for
    staff, the neutral text of ``templates.render_outside``), in the site's language (a
    worker has no visitor whose language it could follow) and the recipient's time zone."""
    catalogue = PERSON_TEMPLATES if message.recipient_kind == RecipientKind.PERSON else TEMPLATES
    if message.template not in catalogue:
        # A template removed since the message was queued: nothing safe to say.
        raise DeliveryError("unknown template", retryable=False)
    base_url = settings.SIPAKATAU_BASE_URL
    with translation.override(settings.LANGUAGE_CODE), timezone.override(_zone(message)):
        if message.recipient_kind == RecipientKind.PERSON:
            return render_for_person(message.template, message.context, base_url=base_url)
        # Staff: a neutral text and the notification list, never the sentence the list
        # shows (it names the unit) nor the thing's own path (``/kasus/…`` says "case").
        link = reverse("notifications:notification_list")
        return render_outside(message.template, message.context, link, base_url=base_url)


# --- Email ------------------------------------------------------------------------------


def send_email(*, to: str, body: str, key: str) -> None:
    """Send one staff email. ``key`` (the dedup key) makes the Message-ID, so a message
    sent twice after a crash is recognisably the same one to mail servers and clients."""
    with translation.override(settings.LANGUAGE_CODE):
        # No register number in the subject either: subjects show on lock screens.
        subject = _("A new notification in Sipakatau")
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": f"<{key}@sipakatau.invalid>"},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPAuthenticationError:
        # Wrong credentials in the configuration: fixable by the operator, so keep the
        # message for the next attempt rather than fail it.
        raise DeliveryError("SMTP authentication failed", retryable=True) from None
    except smtplib.SMTPResponseException as error:
        # 5xx: the server will never take it (unknown mailbox, refused); 4xx: try later.
        raise DeliveryError(
            f"SMTP {error.smtp_code}", retryable=not 500 <= error.smtp_code < 600
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        codes = sorted({code for code, _message in error.recipients.values()})
        permanent = all(500 <= code < 600 for code in codes)
        raise DeliveryError(f"SMTP recipient refused {codes}", retryable=not permanent) from None
    except (smtplib.SMTPException, OSError) as error:
        # Disconnected, refused connection, timeout, TLS failure: the server may be back.
        raise DeliveryError(type(error).__name__, retryable=True) from None


# --- SMS / WhatsApp gateway --------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the bearer token and a survivor's number to another address;
    the gateway's URL must be configured exactly instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def send_gateway(*, channel: str, to: str, message: str, sender: str, key: str) -> None:
    """POST ``{to, message, sender, channel}`` as JSON to the gateway. ``key`` goes in the
    Idempotency-Key header: when the gateway took a message but its answer was lost (a
    timeout), the retry carries the same key and the gateway drops the duplicate."""
    url = settings.SIPAKATAU_SMS_GATEWAY_URL
    if not url:
        raise DeliveryError("gateway not configured", retryable=False)
    body = json.dumps(
        {"to": to, "message": message, "sender": sender, "channel": channel},
        ensure_ascii=False,
    ).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": key,
    }
    if settings.SIPAKATAU_SMS_GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.SIPAKATAU_SMS_GATEWAY_TOKEN}"
    # The scheme is checked to be http(s) when the settings are read.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.SIPAKATAU_SMS_GATEWAY_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
        # 408 and 429 are "not now"; any other 4xx (bad number, bad token, bad request)
        # will fail the same way every time, and a redirect means a wrong URL.
        retryable = status >= 500 or status in {408, 429}
        raise DeliveryError(f"HTTP {status}", retryable=retryable) from None
    except (OSError, http.client.HTTPException) as error:
        # Timeout, refused or dropped connection, garbled answer: the request may or may
        # not have arrived, and the Idempotency-Key makes retrying safe.
        cause = error.reason if isinstance(error, urllib.error.URLError) else error
        raise DeliveryError(type(cause).__name__, retryable=True) from None


def deliver(message: OutboxMessage, *, to: str) -> None:
    """Send ``message`` to address ``to`` on its channel; raises ``DeliveryError``."""
    text = message_text(message)
    if message.channel == Channel.EMAIL:
        send_email(to=to, body=text, key=message.dedup_key)
    elif message.channel in {Channel.SMS, Channel.WHATSAPP}:
        send_gateway(
            channel=message.channel,
            to=to,
            message=text,
            sender=message.sender,
            key=message.dedup_key,
        )
    else:
        raise DeliveryError(f"unknown channel {message.channel!r}", retryable=False)
