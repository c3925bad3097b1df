"""Print the newest audit event's seq and hash, to be written down somewhere else."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...verify import chain_head, keep_anchor


class Command(BaseCommand):
    help = (
        "Print the head of the audit chain as SEQ:HASH. Keep it outside this server "
        "(email, paper, another office); audit_verify --anchor SEQ:HASH checks against it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        head = chain_head()
        if head is None:
            raise CommandError(_("The audit trail is empty: there is no head to anchor yet."))
        # Kept here too, so that audit_verify checks against it by default.
        keep_anchor(head)
        self.stdout.write(str(head))
