"""Sending notifications to staff."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .templates import clean_context


def notify(*, users: Iterable[AbstractBaseUser], template: str, context: Mapping[str, Any]) -> int:
    """Queue an in-app notification for each user, in the caller's transaction, so a
    rolled-back change sends nothing. Refuses any variable off the allowlist."""
    cleaned = clean_context(template, context)
    rows = [
        Notification(recipient_id=user.pk, template=template, context=cleaned) for user in users
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_read(*, user: AbstractBaseUser, ids: Iterable[int]) -> int:
    with transaction.atomic():
        return Notification.objects.filter(
            recipient_id=user.pk, pk__in=list(ids), read_at__isnull=True
        ).update(read_at=timezone.now())
