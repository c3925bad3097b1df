from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Notification


def notifications_visible_to(user: AbstractBaseUser) -> QuerySet[Notification]:
    """A person's own notifications, the newest first (addressed to the person, so the
    same whichever membership she acts through)."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at")
