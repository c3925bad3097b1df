"""Load providers into the directory: ``manage.py import_directory providers.xlsx``."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.directory.services import IMPORT_COLUMNS, directory_import
from sipakatau.lib.tables import TableError, read_table


class Command(BaseCommand):
    help = (
        "Import service providers from a CSV or XLSX file with the columns "
        + ", ".join(IMPORT_COLUMNS)
        + " (services: codes separated by ';'; optional areas_served: area codes separated "
        "by ';'). A provider with the same name in the same area is updated. All or "
        "nothing; safe to run again. Runs as the operator: any area may be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        try:
            rows = read_table(filename=file.name, data=file.read_bytes())
            # No acting membership: the operator at the command line is the system.
            result = directory_import(actor=None, rows=rows, source=file.name)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        )
