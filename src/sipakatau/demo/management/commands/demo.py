"""Load the Parepare demo (idempotent): ``manage.py demo [--print-accounts]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_otp.oath import totp

from sipakatau.demo.services import demo_accounts_write, demo_load, demo_totp_key


class Command(BaseCommand):
    help = "Load the Parepare demo: areas, pilot units, offices, one account per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-accounts",
            action="store_true",
            help="Print the demo accounts with their current TOTP codes.",
        )

    def handle(self, *args: Any, print_accounts: bool, **options: Any) -> None:
        accounts = demo_load()
        path = demo_accounts_write(accounts)
        if not print_accounts:
            self.stdout.write(f"Demo loaded: {len(accounts)} accounts, written to {path}")
            return
        self.stdout.write("")
        self.stdout.write("Sipakatau demo — http://127.0.0.1:8000")
        self.stdout.write(f"Password for every account: {accounts[0].password}")
        self.stdout.write("Second factor: add the TOTP secret to an authenticator app (or use the")
        self.stdout.write(
            "code printed here, valid about 30 seconds). All of it is in " + str(path)
        )
        self.stdout.write("")
        self.stdout.write(
            f"{'username':<22}{'role':<17}{'organisation':<26}{'TOTP secret':<34}code now"
        )
        for account in accounts:
            code = totp(demo_totp_key(account.username), t0=0, step=30, digits=6, drift=0)
            self.stdout.write(
                f"{account.username:<22}{account.role:<17}{account.organisation:<26}"
                f"{account.totp_secret:<34}{code:06d}"
            )
        self.stdout.write("")
