from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Notification


def notifications_of(user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at")
