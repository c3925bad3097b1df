"""What every cases endpoint shares: the router, who is acting, and read auditing."""

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from sipakatau.accounts.models import Membership, User
from sipakatau.accounts.services import actor_of
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_by_code
from sipakatau.audit.services import audit_record

from ..models import Case, CaseParty

router = Router(tags=["cases"])


def membership_of(request: HttpRequest) -> Membership | None:
    # Set by accounts.middleware.active_membership (session) or api.auth.BearerToken.
    return cast("Membership | None", getattr(request, "membership", None))


def acting(request: HttpRequest) -> Membership:
    """The membership a write acts through. Call it after the scoped fetch, so an outsider
    learns nothing but 404; the service then checks the role."""
    membership = membership_of(request)
    if membership is None:
        raise PermissionDenied
    return membership


def audit_viewed(
    request: HttpRequest,
    object_type: str,
    object_id: object,
    fields: Iterable[str],
    action: str = "case.viewed",
) -> None:
    """A read of case content is audited like a write: who, which object, which fields
    (never values), so a breach can be scoped to the people whose data was seen."""
    audit_record(
        action=action,
        actor=actor_of(membership_of(request)),
        object_type=object_type,
        object_id=object_id,
        fields=fields,
    )


def party_in_case(case: Case, pk: int | None, field: str) -> CaseParty | None:
    if pk is None:
        return None
    party = case.parties.select_related("person").filter(pk=pk).first()
    if party is None:
        raise ValidationError({field: _("Choose a person recorded in this case.")})
    return party


def user_by_id(pk: int | None, field: str) -> User | None:
    """A user for an owner/worker field. The services check that the user belongs to
    the case's unit; an unknown id gets the same message, so ids reveal nothing."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: _("Choose someone of this unit.")})
    return user


def area_for(code: str | None, field: str) -> Area | None:
    if not code:
        return None
    area = area_by_code(code)
    if area is None:
        raise ValidationError({field: _("There is no area with this code.")})
    return area
