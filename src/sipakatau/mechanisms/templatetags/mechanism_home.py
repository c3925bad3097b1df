"""The Lurah's home page shows the kelurahan's mechanism: where it stands and its SK
Lurah. The accounts app sits floors below and cannot import this one, so its template
asks."""

from dataclasses import dataclass

from django import template

from sipakatau.accounts.models import Membership, Role
from sipakatau.areas.models import Area

from ..queries import MechanismRow, kelurahan_to_start, may_draft, mechanism_rows

register = template.Library()


@dataclass(frozen=True)
class MechanismHome:
    row: MechanismRow | None  # the kelurahan's mechanism, when it has one
    to_start: Area | None  # the kelurahan whose mechanism this officer may start


@register.simple_tag
def mechanism_home(membership: Membership | None) -> MechanismHome | None:
    """For a kelurahan officer (the Lurah, signatory or not): her kelurahan's mechanism,
    its active version and decree number, and the version being worked on; or the
    kelurahan to start one for. Nothing for other roles."""
    if membership is None or not membership.is_active:
        return None
    if membership.role != Role.VILLAGE_OFFICER:
        return None
    own = [row for row in mechanism_rows(membership) if may_draft(membership, row.mechanism)]
    if own:
        return MechanismHome(row=own[0], to_start=None)
    return MechanismHome(row=None, to_start=kelurahan_to_start(membership))
