"""Tell the kelurahan about proposal batches past their monthly cut-off.

Meant for cron next to ``escalate_deadlines`` (every 15 minutes is plenty; once a day is
enough). Each late batch is escalated once.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.social.services import batches_escalate


class Command(BaseCommand):
    help = "Tell kelurahan officers and coordinators about proposals past their cut-off."

    def handle(self, *args: Any, **options: Any) -> None:
        count = batches_escalate()
        self.stdout.write(f"Escalated {count} late proposal batch(es).")
