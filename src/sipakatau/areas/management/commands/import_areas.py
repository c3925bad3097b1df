"""Load another region's area code list: ``manage.py import_areas regions.csv``."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.areas.services import AreaImportError, areas_import, read_area_csv


class Command(BaseCommand):
    help = (
        "Import areas from a CSV with columns code, level, name, parent_code, aliases "
        "(separated by ';') and optional time_zone. Parents must come before children "
        "or already exist. All or nothing; safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args: Any, csv_file: Path, **options: Any) -> None:
        if not csv_file.is_file():
            raise CommandError(f"{csv_file} is not a file.")
        try:
            result = areas_import(rows=read_area_csv(csv_file), source=csv_file.name)
        except AreaImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )
