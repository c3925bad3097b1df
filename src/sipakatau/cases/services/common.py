"""What every case service shares: who may act, whether the case is still open, and the
unit's own calendar."""

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.areas.queries import area_time_zone

from ..models import Case, Status
from ..queries import may_act_on


def unit_zone(organisation: Organisation) -> ZoneInfo:
    """The unit's own time zone. Services do not rely on the zone a request activated:
    the API, the scheduled jobs and the queue run with UTC, where "today" begins eight
    hours late for Parepare (and a working day is counted on the wrong calendar day)."""
    return ZoneInfo(area_time_zone(organisation.area))


def unit_today(organisation: Organisation) -> date:
    return timezone.localdate(timezone=unit_zone(organisation))


def require_role(actor: Membership, roles: Iterable[str]) -> None:
    if not actor.is_active or actor.role not in roles:
        raise PermissionDenied


def require_case_access(
    actor: Membership, case: Case, roles: frozenset[str] = WORK_ON_CASES
) -> None:
    """The same rule as ``queries.cases_visible_to``, checked again at the write: the unit's
    caseworkers and coordinators, or the volunteer who took the intake."""
    if not may_act_on(actor, case, roles):
        raise PermissionDenied


def closed_case_refusal() -> str:
    """The one message for every write refused because the case is closed."""
    return _("This case is closed. Reopen it first.")


def require_open(case: Case) -> None:
    """A closed case is read-only until a coordinator reopens it (``workflow.case_reopen``).

    Call it inside the service's transaction, before its other locks: the status is read
    on the case row locked until the commit, so a closure approved at the same moment
    (``workflow.closure_decide`` locks the same row) is either seen here or waits for this
    write. Not called by what must go on after closure: withdrawing a consent (the
    survivor's right, UU 27/2022 PDP Pasal 40), the closure decision, reopening,
    assignment, reading and the scheduled deadline jobs."""
    status = (
        Case.objects.select_for_update().filter(pk=case.pk).values_list("status", flat=True).first()
    )
    if status == Status.CLOSED:
        raise ValidationError(closed_case_refusal())
