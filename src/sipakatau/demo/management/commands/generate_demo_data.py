"""Generate many cases for a demo or a benchmark:
``manage.py generate_demo_data --cases N [--kelurahan K | --one-unit CODE] [--seed S]``."""

import time
from datetime import datetime
from datetime import time as day_time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sipakatau.demo.generate import REGISTER_PREFIX, generate


def real_data_present() -> bool:
    """Whether the database holds cases the generator did not make (the demo's own cases
    count as real unless the installation is in demo mode)."""
    from sipakatau.cases.models import Case

    return Case.objects.exclude(register_number__startswith=f"{REGISTER_PREFIX}/").exists()


class Command(BaseCommand):
    help = (
        "Generate N cases with their people (encrypted, with blind indexes), incidents, "
        "consents, referrals, follow-ups, closures, public reports and audit events, "
        "spread over one LBK-KK unit per kelurahan (or piled in one). Refused in "
        "production, and on a database holding cases it did not generate unless the "
        "installation is in demo mode (SIPAKATAU_DEMO) or --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="how many cases")
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--kelurahan",
            type=int,
            help="spread the cases over the units of this many kelurahan (default: every "
            "loaded kelurahan)",
        )
        where.add_argument(
            "--one-unit",
            metavar="KELURAHAN_CODE",
            help="pile every case in the LBK-KK unit of this kelurahan (e.g. 73.72.03.1003)",
        )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument("--years", type=int, default=3, help="years the cases span")
        parser.add_argument(
            "--end",
            type=lambda text: datetime.strptime(text, "%Y-%m-%d").date(),
            help="the day the data runs up to (default: today)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="generate even though the database holds other cases (never in production)",
        )
        parser.add_argument(
            "--households",
            type=int,
            help="households of the social-protection register, with their members and "
            "12 months of proposals (default: one for every 10 cases; 0 for none)",
        )
        parser.add_argument(
            "--responses",
            type=int,
            help="needs-mapping responses (default: one for every 20 cases; 0 for none)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Generated data is refused in production (SIPAKATAU_ENV).")
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        households = options["households"]
        households = options["cases"] // 10 if households is None else households
        responses = options["responses"]
        responses = options["cases"] // 20 if responses is None else responses
        if households < 0 or responses < 0:
            raise CommandError("--households and --responses cannot be negative")
        if not settings.DEMO_MODE and not options["force"] and real_data_present():
            raise CommandError(
                "This database holds cases that were not generated: refused. Use a demo "
                "installation (SIPAKATAU_DEMO=true) or a database of its own, or --force."
            )
        zone = ZoneInfo(settings.DEFAULT_AREA_TIME_ZONE or "Asia/Makassar")
        end_day = options["end"] or timezone.now().astimezone(zone).date()
        end = datetime.combine(end_day, day_time(0), tzinfo=zone)
        from tqdm import tqdm

        bar = tqdm(
            total=options["cases"],
            unit="case",
            disable=options["no_progress"],
            file=self.stderr._out,
        )
        started = time.perf_counter()
        try:
            made = generate(
                options["cases"],
                seed=options["seed"],
                kelurahan=options["kelurahan"],
                one_unit=options["one_unit"],
                years=options["years"],
                end=end,
                progress=bar.update,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        finally:
            bar.close()
        seconds = time.perf_counter() - started
        counts = made.counts
        self.stdout.write(
            f"Generated {counts['cases']:,} cases in {counts['units']} units in {seconds:.0f} s: "
            f"{counts['people']:,} people ({counts['victims']:,} victims, "
            f"{counts['perpetrators']:,} perpetrators), {counts['referrals']:,} referrals, "
            f"{counts['follow_ups']:,} follow-ups, {counts['closures']:,} closures, "
            f"{counts['public_reports']:,} public reports, "
            f"{counts['audit_events']:,} audit events."
        )
        self._community(made, households, responses, end, options)

    def _community(
        self, made: Any, households: int, responses: int, end: datetime, options: Any
    ) -> None:
        """Households, proposals and needs-mapping responses in the units' kelurahan."""
        from tqdm import tqdm

        from sipakatau.accounts.models import Organisation, User
        from sipakatau.demo.generate_community import generate_households, generate_responses

        units = list(Organisation.objects.filter(pk__in=made.units).select_related("area"))
        user = User.objects.get(username="generator.koordinator")
        for kind, total, function in (
            ("household", households, generate_households),
            ("response", responses, generate_responses),
        ):
            if not total:
                continue
            started = time.perf_counter()
            with tqdm(
                total=total, unit=kind, disable=options["no_progress"], file=self.stderr._out
            ) as bar:
                counts = function(
                    total, units=units, user=user, seed=options["seed"], end=end,
                    progress=bar.update,
                )  # fmt: skip
            written = ", ".join(
                f"{value:,} {name.replace('_', ' ')}" for name, value in counts.items()
            )
            self.stdout.write(f"Generated {written} in {time.perf_counter() - started:.0f} s.")
