"""Sign-in events go into the audit trail (Django sends these signals itself)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from sipakatau.audit import services as audit

from .models import User


@receiver(user_logged_in)
def record_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.log(user, "auth.password_accepted", user)


@receiver(user_logged_out)
def record_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.log(user, "auth.logged_out", user)


@receiver(user_login_failed)
def record_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The attempted username is not stored: people type their password into it by mistake.
    username = str(credentials.get("username") or "")
    user_id = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()
    audit.log(audit.Actor(user_id=user_id), "auth.failed", ("accounts.user", user_id or ""))
