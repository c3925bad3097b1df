"""The home page's "needs attention now" counts for the frontline: the accounts app sits
floors below and cannot import this one, so its template asks. Numbers and links only:
the home page may be seen on a shared screen."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership, Role

from ..queries import attention_counts

register = template.Library()


def _item(count: int, label: Any, url: str, *, urgent: bool = False) -> dict[str, Any]:
    return {"count": count, "label": label, "url": url, "urgent": urgent and count > 0}


@register.simple_tag
def case_attention(membership: Membership | None) -> list[dict[str, Any]]:
    """Coordinator: the unit's unassigned, overdue and due-today cases; caseworker: her
    open and overdue cases; volunteer: her follow-ups due. Nothing for other roles."""
    if membership is None or not membership.is_active:
        return []
    counts = attention_counts(membership)
    cases = reverse("cases:case_list")
    if membership.role == Role.COORDINATOR:
        return [
            _item(
                counts.unassigned,
                _("Cases not yet held by anyone"),
                f"{cases}?tab=unassigned",
                urgent=True,
            ),
            _item(counts.overdue, _("Cases past a deadline"), f"{cases}?tab=overdue", urgent=True),
            _item(counts.due_today, _("Cases due today"), f"{cases}?tab=today"),
        ]
    if membership.role == Role.CASEWORKER:
        return [
            _item(counts.mine_open, _("My open cases"), f"{cases}?tab=mine"),
            _item(
                counts.overdue, _("My cases past a deadline"), f"{cases}?tab=overdue", urgent=True
            ),
        ]
    if membership.role == Role.VOLUNTEER:
        return [
            _item(
                counts.follow_ups_due,
                _("Follow-ups to do now"),
                reverse("cases:follow_up_list"),
                urgent=True,
            )
        ]
    return []
