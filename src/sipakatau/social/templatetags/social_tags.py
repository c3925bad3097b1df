"""The case page shows what the social-protection track came to ("PKH: ditetapkan"):
cases sits a floor below and cannot import this app, so its template asks for it."""

from typing import Any

from django import template

from sipakatau.accounts.models import Membership
from sipakatau.cases.models import Case

from ..queries import (
    households_of_case_visible_to,
    kelurahan_of,
    may_add_from_case,
    social_outcomes_for_case,
)

register = template.Library()


@register.simple_tag
def social_of(case: Case, membership: Membership | None) -> dict[str, Any]:
    """Only for a case the view already fetched through its scoped query. The households
    are linked only when this membership may open them."""
    households = households_of_case_visible_to(membership, case)
    return {
        "outcomes": social_outcomes_for_case(case),
        "households": households,
        # The way in for a victim without a NIK: placed in her household from the case.
        "may_place": membership is not None
        and not households
        and may_add_from_case(membership, case)
        and kelurahan_of(membership) is not None,
    }
