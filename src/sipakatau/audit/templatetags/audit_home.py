"""The auditor's home page: a card to the audit trail with today's number of events."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ..queries import AUDITOR, EventFilter, HasRole, events_for_auditor

register = template.Library()


@register.simple_tag
def audit_attention(membership: HasRole | None) -> list[dict[str, Any]]:
    """Events since local midnight, linking to the trail searched from then. Nothing for
    anyone but the auditor (``events_for_auditor`` refuses the others)."""
    if membership is None or membership.role != AUDITOR:
        return []
    if not getattr(membership, "is_active", True):
        return []
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    count = events_for_auditor(membership, EventFilter(since=midnight)).count()
    since = midnight.strftime("%Y-%m-%dT%H:%M")
    return [
        {
            "count": count,
            "label": _("Events in the audit trail today"),
            "url": f"{reverse('audit:event_list')}?{urlencode({'since': since})}",
            "urgent": False,
        }
    ]
