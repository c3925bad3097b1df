"""Every write to users, organisations and memberships, one module per concept: users,
memberships, organisations, second_factor, and setup (the operator's idempotent set-up, with
no acting membership yet).

Each service checks that the acting membership may do it, validates, writes the audit
event in the same transaction, and only then returns.

``actor_of`` lives here, not in a submodule, because every app's services call it to name
the acting membership in the audit trail.
"""

from sipakatau.audit.services import Actor

from ..models import Membership, User


def actor_of(membership: Membership | None, user: User | None = None) -> Actor:
    """How the audit trail names whoever acts through ``membership``."""
    if membership is None:
        return Actor(user_id=user.pk if user else None, label=user.username if user else "")
    return Actor(
        user_id=membership.user_id,
        label=membership.user.username,
        organisation_id=membership.organisation_id,
        role=membership.role,
    )
