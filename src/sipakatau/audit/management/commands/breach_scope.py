"""List what a user (or an organisation) read or exported in a time window.

When an account or a device may have been misused, the controller must tell the data
subjects and the authority within 3 x 24 hours (UU 27/2022 tentang Pelindungan Data
Pribadi, Pasal 46). This command answers the first question of that notice — whose data,
and which parts of it — from the audit trail alone: which objects (people, cases) and
which field names were read (actions ending in ``.viewed`` or ``.read``) or exported
(``.exported``). The audit trail holds field names, never values, so the output can be
handed to whoever writes the notice without spreading the data any further.

Times are ISO 8601, a date or a date and time. A time without an offset is read in
``--tz`` (default: the configured area time zone, Asia/Makassar). A date as ``--to``
covers that whole day, and a time as ``--to`` includes that moment.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ...models import AuditEvent
from ...queries import events_for_breach_scope
from ...services import SYSTEM, log

COLUMNS = ["actor", "organisation", "time", "action", "object_type", "object_id", "fields"]


def parse_moment(text: str, zone: ZoneInfo, *, end: bool) -> datetime:
    """An ISO 8601 date or datetime as an aware datetime; an end bound is exclusive."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=zone)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("%(value)r is not an ISO 8601 date or time, such as 2026-11-27 or 2026-11-27T14:30.")
            % {"value": text}
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    # Over-reporting is the safe side of a breach notice: an end time includes itself.
    return moment + timedelta(microseconds=1) if end else moment


class Command(BaseCommand):
    help = (
        "List, as CSV, which objects and field names a user or an organisation read or "
        "exported between two times: the input to a breach notification (UU 27/2022)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument(
            "--user", metavar="USERNAME", help="the account that may have been misused"
        )
        who.add_argument(
            "--organisation", metavar="ORG_ID", type=int, help="every account of this organisation"
        )
        parser.add_argument(
            "--from", dest="since", required=True, metavar="T1", help="start (ISO 8601)"
        )
        parser.add_argument(
            "--to", dest="until", required=True, metavar="T2", help="end (ISO 8601)"
        )
        parser.add_argument(
            "--tz",
            default=None,
            help="time zone for times without an offset, and for the output "
            "(default: the configured area time zone, Asia/Makassar)",
        )
        parser.add_argument(
            "--output", metavar="FILE", help="write here instead of standard output"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        zone_name = options["tz"] or str(settings.DEFAULT_AREA_TIME_ZONE)
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CommandError(_("Unknown time zone %(zone)r.") % {"zone": zone_name}) from error
        since = parse_moment(options["since"], zone, end=False)
        until = parse_moment(options["until"], zone, end=True)
        if until <= since:
            raise CommandError(_("--to must be after --from."))

        actor_ids: list[int] | None = None
        if options["user"]:
            # Django's own user API, not an import of the accounts app (audit sits below it).
            actor_ids = list(
                get_user_model()
                .objects.filter(username=options["user"])
                .values_list("pk", flat=True)
            )
            if not actor_ids:
                raise CommandError(_("No user is named %(name)r.") % {"name": options["user"]})
        events = events_for_breach_scope(
            since=since, until=until, actor_ids=actor_ids, organisation_id=options["organisation"]
        )

        if options["output"]:
            # utf-8-sig: the byte order mark lets Excel open the file as UTF-8.
            with Path(options["output"]).open("w", encoding="utf-8-sig", newline="") as out:
                rows, objects = self._write(out, events.iterator(chunk_size=2000), zone)
        else:
            rows, objects = self._write(self.stdout, events.iterator(chunk_size=2000), zone)
        # Looking up who read what is itself a read of the trail worth keeping on record.
        scoped = "accounts.user" if options["user"] else "accounts.organisation"
        log(
            SYSTEM,  # the operator at the command line
            "audit.breach_scoped",
            (scoped, actor_ids[0] if actor_ids else options["organisation"]),
            fields=COLUMNS,
        )
        self.stderr.write(
            _("%(rows)s events, %(objects)s distinct objects, from %(since)s until %(until)s.")
            % {
                "rows": rows,
                "objects": objects,
                "since": since.isoformat(),
                "until": until.isoformat(),
            },
            style_func=str,
        )

    @staticmethod
    def _write(out: Any, events: Iterable[AuditEvent], zone: ZoneInfo) -> tuple[int, int]:
        # ``out`` is a text file or the command's OutputWrapper; csv lines end in a
        # newline already, so the wrapper adds none.
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        rows = 0
        objects: set[tuple[str, str]] = set()
        for event in events:
            writer.writerow(
                [
                    event.actor_label or (f"#{event.actor_id}" if event.actor_id else ""),
                    event.organisation_id or "",
                    event.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
                    event.action,
                    event.object_type,
                    event.object_id,
                    " ".join(event.fields),
                ]
            )
            rows += 1
            objects.add((event.object_type, event.object_id))
        return rows, len(objects)
