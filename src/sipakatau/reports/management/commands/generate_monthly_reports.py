"""Run daily by the scheduler: on the 1st it drafts the past month's report of every
LBK-KK unit (idempotent, so running it more often or again does no harm), and on every
run it escalates the reports that are past their due date (the 5th)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sipakatau.reports.periods import parse_period
from sipakatau.reports.services.export_requests import export_requests_expire
from sipakatau.reports.services.monthly import monthly_report_generate, monthly_reports_escalate


class Command(BaseCommand):
    help = (
        "Draft the monthly reports of the past month, escalate late ones, and close expired "
        "export requests (their encrypted archives are dropped)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the month before today)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = None
        if options.get("month"):
            period = parse_period(options["month"])
            if period is None or period.kind != "month":
                raise CommandError("--month must be YYYY-MM")
            month = period.start
        made = monthly_report_generate(month=month)
        late = monthly_reports_escalate()
        expired = export_requests_expire()
        self.stdout.write(
            f"monthly reports drafted: {len(made)}; late reports escalated: {late}; "
            f"export requests expired: {expired}"
        )
