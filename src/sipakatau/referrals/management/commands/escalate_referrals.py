"""Escalate referrals still unanswered after their deadline to both sides: the sending
unit's coordinators and the recipient's agency officers and managers.

Run by `manage.py serve` every 30 s (sipakatau.jobs.schedule), or from cron every minute
(docs/operator.md, "Scheduled jobs"). Each overdue referral is escalated once; running it
again, or twice at the same time, tells nobody twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.referrals.services.escalation import referrals_escalate


class Command(BaseCommand):
    help = "Tell both sides about referrals not answered in time (every minute or more often)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = referrals_escalate()
        self.stdout.write(f"Escalated {count} overdue referral(s).")
