"""Rebuild every person's blind indexes under the newest index key.

Run after putting a new key first in SIPAKATAU_INDEX_KEY (the old one still listed, so
search keeps working meanwhile). Batches by primary key, each in its own transaction; it
can be stopped and run again (``--after`` skips what is done). When it finishes, the old
index key can be removed.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from sipakatau.people.models import Person
from sipakatau.people.services import person_reindex


class Command(BaseCommand):
    help = "Rebuild every person's blind indexes (NIK, KK, phone, name) under the newest index key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--after", type=int, default=0, help="start after this person id")

    def handle(self, *args: Any, batch_size: int, after: int, **options: Any) -> None:
        people = Person.objects.filter(pk__gt=after).order_by("pk")
        progress = tqdm(
            total=people.count(),
            unit="person",
            file=getattr(self.stderr, "_out", sys.stderr),
            disable=options.get("verbosity", 1) == 0,
        )
        last, done = after, 0
        try:
            while True:
                batch = list(people.filter(pk__gt=last)[:batch_size])
                if not batch:
                    break
                for person in batch:
                    person_reindex(person=person)
                last = batch[-1].pk
                done += len(batch)
                progress.update(len(batch))
        finally:
            progress.close()
        self.stdout.write(f"Re-indexed {done} people (last id {last}).")
