"""Security alerts to administrators: an account probing for case data it may not see.

Registered with the audit app (``audit.refusals.probing_alerts``) in ``apps.py``; the
audit app decides when a burst happened, this module decides who is told and how.
"""

from django.db.models import Q
from django.urls import reverse

from sipakatau.accounts.models import Membership, Organisation, Role, User
from sipakatau.areas.queries import codes_with_ancestors
from sipakatau.audit.services import Actor

from .services import notify


def administrators_responsible_for(user_id: int) -> list[User]:
    """The active administrators who manage one of the account's organisations: its own
    admins and those of an organisation whose area contains the unit's (the same rule as
    ``accounts.queries.organisations_managed_by``). Never the account itself."""
    units = Organisation.objects.filter(
        memberships__user_id=user_id, memberships__is_active=True
    ).select_related("area")
    managing = Q()
    for unit in units:
        managing |= Q(organisation=unit) | Q(
            organisation__area__code__in=codes_with_ancestors(unit.area.code)[1:]
        )
    if not managing:
        return []
    admins = Membership.objects.filter(
        managing,
        role=Role.ADMIN,
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
    ).exclude(user_id=user_id)
    return list(User.objects.filter(pk__in=admins.values("user_id")).order_by("pk"))


def access_probing_alert(actor: Actor, count: int) -> None:
    """Tell the account's administrators: its username and the count, never what it
    asked for (the audit trail holds that, for the auditor)."""
    if actor.user_id is None:
        return
    admins = administrators_responsible_for(actor.user_id)
    if not admins:
        return
    notify(
        users=admins,
        template="access_probing",
        context={
            "username": actor.label,
            "count": count,
            "link": reverse("accounts:user_detail", kwargs={"pk": actor.user_id}),
        },
    )
