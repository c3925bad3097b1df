"""Sign-in events go into the audit trail (Django sends these signals itself)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from sipakatau.audit.services import Actor, audit_record

from .models import User


@receiver(user_logged_in)
def record_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(
        action="auth.password_accepted",
        actor=Actor(user_id=user.pk, label=user.username),
        object_type="accounts.user",
        object_id=user.pk,
    )


@receiver(user_logged_out)
def record_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            action="auth.logged_out",
            actor=Actor(user_id=user.pk, label=user.username),
            object_type="accounts.user",
            object_id=user.pk,
        )


@receiver(user_login_failed)
def record_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted username is not stored: people type their password into it by mistake.
    username = str(credentials.get("username") or "")
    user_id = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()
    audit_record(
        action="auth.failed",
        actor=Actor(user_id=user_id),
        object_type="accounts.user",
        object_id=user_id or "",
    )
