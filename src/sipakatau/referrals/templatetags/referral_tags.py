"""The case page lists its referrals through this tag: the cases app sits a floor below
and cannot import this one, so its template asks for them."""

from django import template
from django.db.models import QuerySet

from sipakatau.cases.models import Case

from ..models import Referral
from ..queries import referrals_of_case

register = template.Library()


@register.simple_tag
def referrals_of(case: Case) -> QuerySet[Referral]:
    """Only for a case the view already fetched through its scoped query."""
    return referrals_of_case(case)
