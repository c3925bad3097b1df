"""The only texts a notification can say, and the only variables they can use.

A survivor's name or what happened must never reach a lock screen, an SMS log or an
email server: templates can only use the allowlisted variables, and a test renders every
template with every variable to prove nothing else can slip in.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

ALLOWED_VARIABLES = frozenset({"register_number", "link", "unit_name", "due_at"})

TEMPLATES: dict[str, Any] = {
    "deadline_overdue": _(
        "Case %(register_number)s at %(unit_name)s has an action that was due %(due_at)s. "
        "Open it: %(link)s"
    ),
    "case_assigned": _(
        "Case %(register_number)s at %(unit_name)s is now assigned to you. Open it: %(link)s"
    ),
    "closure_requested": _(
        "Case %(register_number)s at %(unit_name)s waits for your closure approval. "
        "Open it: %(link)s"
    ),
}


class UnsafeNotification(ValueError):
    """A notification asked for a variable that is not on the allowlist."""


def clean_context(template: str, context: Mapping[str, Any]) -> dict[str, str]:
    if template not in TEMPLATES:
        raise UnsafeNotification(f"unknown notification template {template!r}")
    extra = set(context) - ALLOWED_VARIABLES
    if extra:
        raise UnsafeNotification(f"variables not allowed in notifications: {sorted(extra)}")
    cleaned = {}
    for key, value in context.items():
        cleaned[key] = value.isoformat() if isinstance(value, datetime) else str(value)
    return cleaned


def render(template: str, context: Mapping[str, str]) -> str:
    values = {key: "" for key in ALLOWED_VARIABLES}
    values.update(context)
    if values.get("due_at"):
        moment = parse_datetime(values["due_at"])
        if moment is not None:
            values["due_at"] = date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return str(TEMPLATES[template]) % values
