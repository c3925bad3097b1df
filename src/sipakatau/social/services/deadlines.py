"""The monthly cut-off of a proposal, escalated like a case deadline: a batch still being
prepared (draft, musyawarah, verification) after its cut-off day is late, and the
kelurahan's officers and its units' coordinators are told once."""

import logging
from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.audit import services as audit
from sipakatau.notifications.services import notify

from ..codes import BEFORE_CUTOFF_STATES
from ..models import ProposalBatch

logger = logging.getLogger(__name__)

TEMPLATE = "proposal_cutoff_overdue"


def is_late(batch: ProposalBatch, today: date | None = None) -> bool:
    """``late_batches`` is the same rule for a query: change both together."""
    return batch.state in BEFORE_CUTOFF_STATES and batch.cutoff_on < (today or timezone.localdate())


def late_batches(today: date | None = None) -> QuerySet[ProposalBatch]:
    return ProposalBatch.objects.filter(
        state__in=BEFORE_CUTOFF_STATES, cutoff_on__lt=today or timezone.localdate()
    )


def batch_reference(batch: ProposalBatch) -> str:
    """Names the kelurahan and month, nobody in it."""
    return f"USULAN-{batch.kelurahan.code}-{batch.month:%Y-%m}"


def _link(batch: ProposalBatch) -> str:
    try:
        return reverse("social:batch_detail", args=[batch.pk])
    except NoReverseMatch:  # the pages are not mounted (API-only install)
        return f"/api/v1/social/batches/{batch.pk}"


def batches_escalate(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    count = 0
    for batch in list(
        late_batches(today).filter(escalated_at__isnull=True).select_related("kelurahan")
    ):
        members = Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            organisation__area=batch.kelurahan,
        ).select_related("user")
        users = list(
            {
                m.user_id: m.user
                for m in members
                if (
                    m.role == Role.VILLAGE_OFFICER
                    and m.organisation.type == OrganisationType.KELURAHAN
                )
                or (m.role == Role.COORDINATOR and m.organisation.type == OrganisationType.LBK_KK)
            }.values()
        )
        if not users:
            logger.warning("Late proposal batch %s: nobody in the kelurahan to tell", batch.pk)
            continue
        with transaction.atomic():
            claimed = ProposalBatch.objects.filter(pk=batch.pk, escalated_at__isnull=True).update(
                escalated_at=now
            )
            if not claimed:
                continue
            notify(
                users=users,
                template=TEMPLATE,
                context={
                    "register_number": batch_reference(batch),
                    "unit_name": batch.kelurahan.name,
                    "due_at": batch.cutoff_on,
                    "link": _link(batch),
                },
            )
            audit.log(audit.SYSTEM, "proposal_batch.escalated", batch, fields=["escalated_at"])
            count += 1
    return count
