"""The case page lists its referrals through this tag: the cases app sits a floor below
and cannot import this one, so its template asks for them."""

from django import template
from django.db.models import QuerySet

from sipakatau.accounts.models import Membership
from sipakatau.cases.models import Case

from ..models import Referral
from ..queries import is_sender_view, referrals_of_case

register = template.Library()


@register.simple_tag
def referrals_of(case: Case) -> QuerySet[Referral]:
    """Only for a case the view already fetched through its scoped query."""
    return referrals_of_case(case)


@register.filter
def opens_referral(membership: Membership | None, referral: Referral) -> bool:
    """Whether the referral's page opens for ``membership`` (``queries.referral_for``):
    the sending unit's caseworkers and coordinators. A kader who took the intake sees the
    case's referrals listed, but her link would answer 404, so she gets none."""
    return membership is not None and membership.is_active and is_sender_view(membership, referral)
