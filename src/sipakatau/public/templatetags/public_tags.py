"""The staff home page shows the unit's urgent public reports through this tag: the
accounts app sits floors below and cannot import this one, so its template asks."""

from django import template

from sipakatau.accounts.models import Membership
from sipakatau.cases.models import Case

from ..models import PublicReport
from ..queries import public_reports_visible_to, urgent_reports_waiting

register = template.Library()

# A home page notice, not the inbox: the rest is one click away.
HOME_LIMIT = 5


@register.simple_tag
def urgent_public_reports(membership: Membership | None) -> list[PublicReport]:
    """The acting membership's urgent reports still waiting (none for other roles, none
    on the home page of someone without an active membership)."""
    if membership is None:
        return []
    return list(urgent_reports_waiting(membership)[:HOME_LIMIT])


@register.simple_tag
def public_reports_of_case(case: Case, membership: Membership | None) -> list[PublicReport]:
    """The public reports that became or joined this case, for the case page's link back
    (only those the acting membership may open: the unit's caseworkers and coordinators)."""
    if membership is None:
        return []
    reports = public_reports_visible_to(membership).filter(case=case).select_related(None)
    return list(reports.only("pk", "created_at").order_by("created_at"))  # what the link shows
