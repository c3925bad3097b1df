"""Telling both sides about a referral still unanswered after its deadline (a scheduled
job: ``manage.py escalate_referrals``)."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sipakatau.audit import services as audit

from ..models import Referral
from .common import agency_people, coordinators_of, tell, unit_name

logger = logging.getLogger(__name__)


def overdue_referrals(now: datetime | None = None) -> QuerySet[Referral]:
    """Overdue and not yet escalated."""
    return Referral.objects.filter(Referral.overdue_q(now), escalated_at__isnull=True)


def referrals_escalate(*, now: datetime | None = None) -> int:
    """Tell both sides about each referral still unanswered after its deadline, once: the
    sending unit's coordinators and the recipient's officers and managers."""
    now = now or timezone.now()
    count = 0
    # A list, not a live cursor: rows are written while the loop runs (SQLite).
    for referral in list(overdue_referrals(now).select_related("sender", "recipient")):
        senders = coordinators_of(referral.sender_id)
        recipients = agency_people(referral.recipient_id)
        if not senders and not recipients:
            logger.warning("Overdue referral %s: nobody to tell on either side", referral.pk)
            continue
        with transaction.atomic():
            # The claim repeats the whole condition: a referral answered since the list
            # was read (or escalated by another worker) is left alone.
            claimed = overdue_referrals(now).filter(pk=referral.pk).update(escalated_at=now)
            if not claimed:
                continue  # answered or escalated meanwhile
            tell(
                senders,
                "referral_overdue",
                referral,
                unit_name(referral.recipient) or referral.provider.name,
            )
            tell(recipients, "referral_overdue", referral, unit_name(referral.sender))
            audit.log(audit.SYSTEM, "referral.escalated", referral, fields=["escalated_at"])
            count += 1
    return count
