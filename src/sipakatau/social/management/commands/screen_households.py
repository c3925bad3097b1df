"""Run every active screening rule over each kelurahan's households onto its worklist.

Meant for cron once a night (or the nightly job of ``manage.py serve``); running it again
adds nothing twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.social.tasks import screen_households


class Command(BaseCommand):
    help = "Flag households onto the social-protection worklist by the screening rules."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Flagged {screen_households()} household(s).")
