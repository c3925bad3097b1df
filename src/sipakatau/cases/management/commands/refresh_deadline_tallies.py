"""Count every deadline again into the monitoring page's counts (``DeadlineTally``).

The services keep the counts current as they write; this is for data loaded around them
(a restore from an older version, generated benchmark data, a repair by hand). Safe to
run while the application writes (docs/operator.md).
"""

from typing import Any

from django.core.management.base import BaseCommand

from sipakatau.cases.deadline_tally import tally_rebuild


class Command(BaseCommand):
    help = "Count every case deadline again for the mechanisms' monitoring pages."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = tally_rebuild()
        self.stdout.write(f"Counted {rows} step(s) of rule sets.")
