"""What every cases endpoint shares: the router, and finding what a payload names by its
id (a refusal per field, 422). The acting membership is ``accounts.access.acting``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from sipakatau.accounts.models import User
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_by_code

from ..models import Case, CaseParty

router = Router(tags=["cases"])


def party_in_case(case: Case, pk: int, field: str) -> CaseParty:
    """A person of the case (which the caller fetched in scope); any other id is refused
    on ``field``."""
    party = case.parties.select_related("person").filter(pk=pk).first()
    if party is None:
        raise ValidationError({field: _("Choose a person recorded in this case.")})
    return party


def user_by_id(pk: int, field: str) -> User:
    """A user for an owner/worker field. The services check that the user belongs to
    the case's unit; an unknown id gets the same message, so ids reveal nothing."""
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: _("Choose someone of this unit.")})
    return user


def area_of_code(code: str | None, field: str) -> Area | None:
    """The area a payload names by its code, if it names one."""
    if not code:
        return None
    area = area_by_code(code)
    if area is None:
        raise ValidationError({field: _("There is no area with this code.")})
    return area
