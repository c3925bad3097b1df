"""Check that nobody has edited, removed, added or reordered audit events."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ...verify import Anchor, verify_chain


class Command(BaseCommand):
    help = (
        "Walk the audit chain and recompute every link. Exits 0 when it is intact; "
        "otherwise fails naming the first bad event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="a head printed earlier by audit_head and kept elsewhere; catches "
            "removal of the newest events, which the chain alone cannot show",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            try:
                anchor = Anchor.parse(options["anchor"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        result = verify_chain(anchor=anchor)
        if result.failure is not None:
            # CommandError: call_command raises it, and the command line exits with 1.
            raise CommandError(
                _("Audit chain BROKEN after %(count)s good events: %(problem)s: %(failure)s")
                % {
                    "count": result.count,
                    "problem": result.failure.problem.value,
                    "failure": result.failure,
                }
            )
        self.stdout.write(
            _("Audit chain intact: %(count)s events, head %(head)s")
            % {"count": result.count, "head": result.head or "-"}
        )
