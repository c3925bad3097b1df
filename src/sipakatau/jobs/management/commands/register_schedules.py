"""Write the schedule table (sipakatau.jobs.schedule) into django-q2's schedules.

``manage.py serve`` does this at every start; run it on its own where the workers are
started another way (``manage.py qcluster`` under systemd). Running it twice changes
nothing.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.jobs.schedule import schedules_register


class Command(BaseCommand):
    help = "Register the scheduled jobs (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = schedules_register()
        self.stdout.write(
            "Schedules: {created} created, {updated} updated, {removed} removed.".format(**counts)
        )
