"""First administrator of a fresh installation: ``manage.py create_admin``."""

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure, user_ensure
from sipakatau.areas.queries import area_by_code


class Command(BaseCommand):
    help = "Create an organisation (if needed) and its first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--organisation", required=True, help="Organisation name")
        parser.add_argument(
            "--type", default=OrganisationType.OTHER, choices=OrganisationType.values
        )
        parser.add_argument("--area", required=True, help="Area code, e.g. 73.72")

    def handle(self, *args: Any, **options: Any) -> None:
        area = area_by_code(options["area"])
        if area is None:
            raise CommandError(f"Unknown area code {options['area']}; import the areas first.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.")
        organisation = organisation_ensure(
            name=options["organisation"], short_name="", type=options["type"], area=area
        )
        try:
            user = user_ensure(
                username=options["username"],
                full_name=options["full_name"],
                password=password,
                organisation=organisation,
                role=Role.ADMIN,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Administrator {user.username} of {organisation.name} is ready; "
            "they set up their authenticator at first sign-in."
        )
