"""Escalate overdue case deadlines to the coordinators of their unit.

Run by `manage.py serve` every 30 s (sipakatau.jobs.schedule), or from cron every minute
(docs/operator.md, "Scheduled jobs"). Each overdue deadline is escalated once; running it
again, or twice at the same time, tells nobody twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.cases.services.deadlines import deadlines_escalate


class Command(BaseCommand):
    help = "Tell unit coordinators about overdue case deadlines (every minute or more often)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadlines_escalate()
        self.stdout.write(f"Escalated {count} overdue deadline(s).")
