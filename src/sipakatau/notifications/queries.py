from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404

from .models import DeliveryPreference, Notification
from .templates import URGENT_TEMPLATES


def notifications_visible_to(user: AbstractBaseUser) -> QuerySet[Notification]:
    """A person's own notifications (addressed to the person, so the same whichever
    membership she acts through): unread before read, urgent before the rest, then the
    newest first."""
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .annotate(
            unread=Case(
                When(read_at__isnull=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            urgent=Case(
                When(template__in=sorted(URGENT_TEMPLATES), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-unread", "-urgent", "-created_at", "-pk")
    )


def notification_for(user: AbstractBaseUser, pk: object) -> Notification:
    """One of the user's own notifications; anyone else's, or none, is a 404."""
    try:
        return Notification.objects.get(recipient_id=user.pk, pk=int(str(pk)))
    except (Notification.DoesNotExist, ValueError):
        raise Http404 from None


def unread_count(user: AbstractBaseUser) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(Q(recipient_id=user.pk), read_at__isnull=True).count()


def delivery_preference_of(user: AbstractBaseUser) -> DeliveryPreference:
    """The user's choices; an unsaved default (nothing outside the app) when none."""
    preference = DeliveryPreference.objects.filter(user_id=user.pk).first()
    return preference if preference is not None else DeliveryPreference(user_id=user.pk)
