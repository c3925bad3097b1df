"""The home page's inbox counts for an agency's officers and managers (DP3A/UPTD PPA,
Dinsos, Puskesmas…): the accounts app sits floors below and cannot import this one, so
its template asks. Counts only, each a link to the inbox filtered the same way."""

from typing import Any

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership

from ..codes import ReferralStatus
from ..models import Referral
from ..queries import is_recipient_role, received_referrals_visible_to

register = template.Library()


@register.simple_tag
def referral_attention(membership: Membership | None) -> list[dict[str, Any]]:
    """New referrals, those past their answer deadline, and those in service: one query,
    with the inbox's own filters (``queries.inbox_referrals``)."""
    if membership is None or not is_recipient_role(membership):
        return []
    totals = received_referrals_visible_to(membership).aggregate(
        new=Count("pk", filter=Q(status=ReferralStatus.SENT)),
        overdue=Count("pk", filter=Referral.overdue_q()),
        in_service=Count("pk", filter=Q(status=ReferralStatus.IN_SERVICE)),
    )
    inbox = reverse("referrals:inbox")
    return [
        {
            "count": totals["new"],
            "label": _("New referrals to answer"),
            "url": f"{inbox}?show=new",
            "urgent": False,
        },
        {
            "count": totals["overdue"],
            "label": _("Referrals past the answer deadline"),
            "url": f"{inbox}?show=overdue",
            "urgent": totals["overdue"] > 0,
        },
        {
            "count": totals["in_service"],
            "label": _("Referrals in service"),
            "url": f"{inbox}?show=in_service",
            "urgent": False,
        },
    ]
