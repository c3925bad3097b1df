"""What every referral service shares: who may act, who is told, and the one step of
the state machine that changes a status (with its audit event)."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role, User
from sipakatau.accounts.permissions import ANSWER_REFERRAL
from sipakatau.audit import services as audit
from sipakatau.cases.codes import ConsentPurpose
from sipakatau.cases.models import Case
from sipakatau.cases.services.care import has_consent
from sipakatau.directory.models import Provider
from sipakatau.notifications.services import notify

from ..codes import OPEN_STATUSES
from ..models import Referral
from ..queries import may_answer_referral, may_refer


def recipient_type_of(provider: Provider) -> str:
    """The kind of service a consent must name: the provider's organisation type, or
    "other" for a service outside Sipakatau."""
    if provider.organisation_id is not None and provider.organisation is not None:
        return provider.organisation.type
    return str(OrganisationType.OTHER)


def consent_covers(case: Case, provider: Provider) -> bool:
    """Every victim of the case agreed to a referral to this kind of service."""
    return has_consent(case, ConsentPurpose.REFERRAL, recipient_type_of(provider))


def open_referrals_of(case: Case) -> int:
    """The counter ``cases.services.workflow`` asks before a closure (in its transaction,
    with the case row locked: a referral being made for the case waits for that lock)."""
    return Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()


def _active_users(memberships: QuerySet[Membership]) -> list[User]:
    return [
        m.user
        for m in memberships.filter(is_active=True, user__is_active=True).select_related("user")
    ]


def agency_people(organisation_id: int | None) -> list[User]:
    """Who reads an organisation's referral inbox."""
    if organisation_id is None:
        return []
    return _active_users(
        Membership.objects.filter(organisation_id=organisation_id, role__in=ANSWER_REFERRAL)
    )


def coordinators_of(organisation_id: int, *, except_user: int | None = None) -> list[User]:
    users = _active_users(
        Membership.objects.filter(organisation_id=organisation_id, role=Role.COORDINATOR)
    )
    return [user for user in users if user.pk != except_user]


def sender_people(referral: Referral) -> list[User]:
    """The worker who sent it and the case's worker: who waits for the answer."""
    users: dict[int, User] = {referral.created_by_id: referral.created_by}
    assigned = referral.case.assigned_to
    if assigned is not None:
        users[assigned.pk] = assigned
    return [user for user in users.values() if user.is_active]


def unit_name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.short_name or organisation.name


def tell(users: Iterable[AbstractBaseUser], template: str, referral: Referral, unit: str) -> None:
    notify(
        users=users,
        template=template,
        context={
            "register_number": referral.register_number,
            "link": reverse("referrals:referral_detail", args=[referral.pk]),
            "unit_name": unit,
            "due_at": referral.due_at,
        },
    )


def require_sender(actor: Membership, referral: Referral) -> None:
    """A caseworker or coordinator of the unit whose case it is."""
    if not may_refer(actor, referral.case):
        raise PermissionDenied


def require_answerer(actor: Membership, referral: Referral) -> None:
    """See ``queries.may_answer_referral``."""
    if not may_answer_referral(actor, referral):
        raise PermissionDenied


def shared_data_cleared() -> dict[str, object]:
    """The changes that take the recipient's copy away when a referral's purpose ends:
    the sender cancelled it, consent was withdrawn (UU 27/2022 PDP Pasal 40), or the
    recipient declined it (Pasal 16 ayat (2): processing ends with its purpose). Passed
    to ``move`` with the status, so one audit event names them. ``shared_fields`` and
    ``shared_needs`` stay: the record still says what had been shared."""
    return {"projection": {}, "ended_at": timezone.now()}


def move(
    actor: Membership,
    referral: Referral,
    action: str,
    allowed_from: Iterable[str],
    message: str,
    **changes: object,
) -> None:
    """One step of the state machine (see the package), with its audit event, inside the
    caller's transaction. The row is re-read with a lock before its status is checked:
    of two answers sent at once (an accept and a decline) the second waits for the first
    to commit, then sees its status and is refused, instead of overwriting it."""
    referral.refresh_from_db(from_queryset=Referral.objects.select_for_update())
    if referral.status not in set(allowed_from):
        raise ValidationError(message)
    for field, value in changes.items():
        setattr(referral, field, value)
    fields = list(changes)
    referral.save(update_fields=[*fields, "updated_at"])
    audit.log(actor, action, referral, fields=fields)
