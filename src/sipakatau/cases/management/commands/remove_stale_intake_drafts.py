"""Remove intake drafts never completed within SIPAKATAU_INTAKE_DRAFT_DAYS (default 14).

Meant for cron once a day (docs/operator.md, "Scheduled jobs"). Each removal is an
audit event ("case.draft_deleted", and "person.deleted" for someone recorded only for
the draft); running it twice removes nothing twice.
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.cases.services.drafts import draft_days, stale_intake_drafts_remove


class Command(BaseCommand):
    help = "Remove intake drafts that were never completed (run once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = stale_intake_drafts_remove()
        people = sum(result.people for result in removed)
        self.stdout.write(
            f"Removed {len(removed)} intake draft(s) older than {draft_days()} day(s), "
            f"and {people} person record(s) kept only for them."
        )
