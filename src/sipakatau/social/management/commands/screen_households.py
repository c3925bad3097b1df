"""Run every active screening rule over each kelurahan's households onto its worklist.

Meant for cron once a night; running it again adds nothing twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.areas.models import Area, Level
from sipakatau.social.models import Household
from sipakatau.social.services import screening_run


class Command(BaseCommand):
    help = "Flag households onto the social-protection worklist by the screening rules."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        kelurahan_ids = Household.objects.values_list("kelurahan_id", flat=True).distinct()
        for kelurahan in Area.objects.filter(pk__in=kelurahan_ids, level=Level.KELURAHAN):
            total += screening_run(actor=None, kelurahan=kelurahan)
        self.stdout.write(f"Flagged {total} household(s).")
