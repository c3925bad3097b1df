"""The home page's social-protection counts: the proposals waiting for a Dinsos office's
decision, and the kelurahan's households still to look at. The accounts app sits floors
below and cannot import this one, so its template asks. Counts only."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import Membership, OrganisationType
from sipakatau.accounts.permissions import DECIDE_PROPOSALS, PREPARE_PROPOSALS

from ..codes import FINAL_STATES, WorklistStatus
from ..queries import batches_visible_to, worklist_visible_to

register = template.Library()


@register.simple_tag
def social_attention(membership: Membership | None) -> list[dict[str, Any]]:
    """Dinsos officers and managers: signed proposals not yet decided. Kelurahan staff
    and coordinators: open entries of the worklist."""
    if membership is None or not membership.is_active:
        return []
    if (
        membership.role in DECIDE_PROPOSALS
        and membership.organisation.type == OrganisationType.DINSOS
    ):
        waiting = batches_visible_to(membership).exclude(state__in=FINAL_STATES).count()
        return [
            {
                "count": waiting,
                "label": _("Proposals waiting for your decision"),
                "url": reverse("social:batch_list"),
                "urgent": False,
            }
        ]
    if membership.role in PREPARE_PROPOSALS:
        entries = worklist_visible_to(membership).filter(status=WorklistStatus.OPEN).count()
        return [
            {
                "count": entries,
                "label": _("Households to look at for aid"),
                "url": f"{reverse('social:worklist')}?show={WorklistStatus.OPEN}",
                "urgent": False,
            }
        ]
    return []
