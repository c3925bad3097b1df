"""Run by the scheduler every 15 minutes: counts again each unit's month whose figures a
change or a deadline falling due made out of date, so that the dashboards read sums.
``--all`` counts every month again (weekly, to heal a change whose second mark a crash
lost; see ``reports.staleness``)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from sipakatau.reports.periods import parse_period
from sipakatau.reports.rollup import rollups_refresh


class Command(BaseCommand):
    help = "Count again the statistics of every unit's month that is out of date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="count every month again")
        parser.add_argument(
            "--period", help="only this period: YYYY-MM, YYYY-Qn or YYYY (default: all months)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months = None
        if options.get("period"):
            period = parse_period(options["period"])
            if period is None:
                raise CommandError("--period must be YYYY-MM, YYYY-Qn or YYYY")
            months = period.months()
        bar = tqdm(
            unit="month",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=options.get("verbosity", 1) == 0,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(1)

        try:
            counted = rollups_refresh(months=months, everything=options["all"], progress=progress)
        finally:
            bar.close()
        self.stdout.write(f"unit-months counted again: {counted}")
