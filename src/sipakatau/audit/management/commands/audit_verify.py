"""Check that nobody has edited, removed, added or reordered audit events."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ...seals import verify_seals
from ...verify import (
    Anchor,
    anchor_file,
    applicable_anchor,
    forget_anchor,
    keep_anchor,
    kept_anchor,
    verify_chain,
)


class Command(BaseCommand):
    help = (
        "Walk the audit chain and recompute every link, and check it still reaches the "
        "newest head seen before (kept in a file outside the database). Exits 0 when it "
        "is intact; otherwise fails naming the first bad event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="a head printed earlier by audit_head and kept elsewhere; checked instead "
            "of the kept one",
        )
        parser.add_argument(
            "--forget-anchor",
            action="store_true",
            help="after a restore from a backup only: forget the kept head (the events "
            "after the backup are gone on purpose) and keep this chain's head instead",
        )
        parser.add_argument(
            "--no-seals",
            action="store_true",
            help="check the chain only, not the row seals of cases, consents and referrals",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            try:
                anchor = Anchor.parse(options["anchor"])
            except ValueError as error:
                raise CommandError(str(error)) from error
        if options["forget_anchor"]:
            forget_anchor()
        if anchor is None:
            # By default: removing the newest events is caught against the kept head.
            anchor = applicable_anchor(kept_anchor())
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
        keep_anchor(result.head)
        self.stdout.write(
            _("Audit chain intact: %(count)s events, head %(head)s")
            % {"count": result.count, "head": result.head or "-"}
        )
        if anchor is not None:
            self.stdout.write(
                _("It still reaches event #%(seq)s, kept in %(file)s.")
                % {"seq": anchor.seq, "file": anchor_file()}
            )
        if not options["no_seals"]:
            self._verify_row_seals()

    # Issue 18: the seals of the rows that decide what a survivor's data does.
    SHOWN = 50

    def _verify_row_seals(self) -> None:
        report = verify_seals()
        if not report.ok:
            # Model, id and kind of problem only: the values may be personal data.
            lines = [str(mismatch) for mismatch in report.mismatches[: self.SHOWN]]
            if len(report.mismatches) > self.SHOWN:
                lines.append(
                    _("… and %(more)s more.") % {"more": len(report.mismatches) - self.SHOWN}
                )
            raise CommandError(
                _("Row seals BROKEN: %(bad)s problems in %(count)s sealed rows checked:")
                % {"bad": len(report.mismatches), "count": report.checked}
                + "\n"
                + "\n".join(lines)
            )
        self.stdout.write(
            _("Row seals intact: %(count)s sealed rows checked.") % {"count": report.checked}
        )
