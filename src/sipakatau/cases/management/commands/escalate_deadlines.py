"""Escalate overdue case deadlines to the coordinators of their unit.

Meant for cron every 15 minutes (docs/operator.md, "Scheduled jobs"). Each overdue
deadline is escalated once; running it again, or twice at the same time, tells nobody
twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.cases.services.deadlines import deadlines_escalate


class Command(BaseCommand):
    help = "Tell unit coordinators about overdue case deadlines (run every 15 minutes)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadlines_escalate()
        self.stdout.write(f"Escalated {count} overdue deadline(s).")
