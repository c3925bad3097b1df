"""What runs when: the one table of scheduled jobs, and its registration with django-q2.

Each job's work is a function in its own app's ``tasks.py``; this top-floor table only
says how often it runs. ``schedules_register`` writes the table into django-q2's schedules
(``manage.py serve`` does it at every start, ``manage.py register_schedules`` on its own):
registering twice, or from two servers at once, still leaves one schedule per job, and a
schedule's next run is kept, so a restart neither skips nor repeats a run.

django-q2's scheduler looks for due schedules every 30 seconds. The escalations must reach
a coordinator within a minute of a deadline passing, so each has two one-minute schedules
half a minute apart: it runs at every look, at most 30 seconds after the deadline. An
escalation that told someone enqueues an outbox pass at once (``hooks.deliver_at_once``),
so the email leaves within seconds instead of at the next minute.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import Schedule

logger = logging.getLogger(__name__)

# Our schedules carry names starting with this; others (made in the admin) are left alone.
PREFIX = "sipakatau: "
DELIVER_AT_ONCE = "sipakatau.jobs.hooks.deliver_at_once"


@dataclass(frozen=True)
class Job:
    name: str
    func: str
    kind: str  # Schedule.MINUTES, HOURLY, DAILY, WEEKLY
    minutes: int | None = None  # for MINUTES
    at: time | None = None  # local time of day (the area's zone) for DAILY and WEEKLY
    weekday: int | None = None  # 0 = Monday, for WEEKLY
    offset: timedelta = timedelta(0)  # of the first run, for MINUTES and HOURLY
    kwargs: dict[str, object] = field(default_factory=dict)
    hook: str | None = None

    @property
    def schedule_name(self) -> str:
        return PREFIX + self.name


HALF_A_MINUTE = timedelta(seconds=30)
CASES = "sipakatau.cases.tasks."
REPORTS = "sipakatau.reports.tasks."
REFERRALS = "sipakatau.referrals.tasks."
SOCIAL = "sipakatau.social.tasks."
MAPPING = "sipakatau.mapping.tasks."
FILES = "sipakatau.jobs.tasks."


def every_minute(name: str, func: str, *, hook: str | None = None) -> tuple[Job, ...]:
    return (Job(name, func, Schedule.MINUTES, minutes=1, hook=hook),)


def twice_a_minute(name: str, func: str, *, hook: str | None = None) -> tuple[Job, ...]:
    """Two one-minute schedules half a minute apart: one runs at every look of the
    scheduler (every 30 s)."""
    return (
        Job(name, func, Schedule.MINUTES, minutes=1, hook=hook),
        Job(
            f"{name} (half past)",
            func,
            Schedule.MINUTES,
            minutes=1,
            hook=hook,
            offset=HALF_A_MINUTE,
        ),
    )


def daily(name: str, func: str, at: time, *, hook: str | None = None) -> tuple[Job, ...]:
    return (Job(name, func, Schedule.DAILY, at=at, hook=hook),)


JOBS: tuple[Job, ...] = (
    *every_minute("outbox delivery", "sipakatau.notifications.tasks.deliver_outbox"),
    *twice_a_minute("deadline escalation", CASES + "escalate_deadlines", hook=DELIVER_AT_ONCE),
    *twice_a_minute("referral escalation", REFERRALS + "escalate_referrals", hook=DELIVER_AT_ONCE),
    Job("statistics refresh", REPORTS + "refresh_statistics", Schedule.MINUTES, minutes=15),
    # A job whose worker died is queued again (jobs.services.stuck_after), and a prepared
    # file nobody downloaded is deleted.
    Job("stuck imports", MAPPING + "requeue_stuck_imports", Schedule.MINUTES, minutes=5),
    Job("stuck analyses", MAPPING + "requeue_stuck_analyses", Schedule.MINUTES, minutes=5),
    Job("stuck files", FILES + "requeue_stuck_files", Schedule.MINUTES, minutes=5),
    Job("expired files", FILES + "expire_files", Schedule.HOURLY),
    Job("stale intake drafts", CASES + "remove_stale_intake_drafts", Schedule.HOURLY),
    *daily("monthly reports", REPORTS + "monthly_reports", time(1, 0), hook=DELIVER_AT_ONCE),
    *daily("household screening", SOCIAL + "screen_households", time(2, 0)),
    *daily("daily backup", "sipakatau.lib.tasks.daily_backup", time(2, 30)),
    *daily(
        "old failed sign-ins", "sipakatau.accounts.tasks.forget_old_failed_sign_ins", time(3, 30)
    ),
    *daily(
        "proposal cut-offs", SOCIAL + "escalate_proposal_cutoffs", time(7, 0), hook=DELIVER_AT_ONCE
    ),
    Job(
        "statistics full count",
        REPORTS + "refresh_statistics",
        Schedule.WEEKLY,
        at=time(3, 0),
        weekday=6,
        kwargs={"everything": True},
    ),
)


def first_run(job: Job, now: datetime) -> datetime:
    """When a newly registered job runs first: soon for the frequent ones, at its local
    time of day for the daily and weekly ones."""
    if job.at is None:
        return now + job.offset
    zone = ZoneInfo(str(settings.DEFAULT_AREA_TIME_ZONE))
    local = timezone.localtime(now, zone)
    moment = datetime.combine(local.date(), job.at, tzinfo=zone)
    if job.weekday is not None:
        moment += timedelta(days=(job.weekday - moment.weekday()) % 7)
    while moment <= local:
        moment += timedelta(days=7 if job.weekday is not None else 1)
    return moment


def _serialised() -> None:
    """Two servers registering at once must not both create a schedule. SQLite's
    IMMEDIATE transactions already take turns; PostgreSQL takes a lock held to commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x51A4A7A0])


def schedules_register(now: datetime | None = None) -> dict[str, int]:
    """Write JOBS into django-q2's schedules, idempotently. Returns counts of the schedules
    created, updated (their settings changed; their next run kept) and removed (ours, no
    longer in the table; duplicates too)."""
    now = now or timezone.now()
    counts = {"created": 0, "updated": 0, "removed": 0}
    with transaction.atomic():
        _serialised()
        existing: dict[str, Schedule] = {}
        for schedule in Schedule.objects.filter(name__startswith=PREFIX).order_by("pk"):
            if schedule.name in existing or schedule.name not in {j.schedule_name for j in JOBS}:
                schedule.delete()
                counts["removed"] += 1
            else:
                existing[str(schedule.name)] = schedule
        for job in JOBS:
            wanted = {
                "func": job.func,
                "hook": job.hook,
                "args": None,
                "kwargs": repr(job.kwargs) if job.kwargs else None,
                "schedule_type": job.kind,
                "minutes": job.minutes,
                "repeats": -1,
                "cluster": None,
            }
            schedule = existing.get(job.schedule_name)
            if schedule is None:
                Schedule.objects.create(
                    name=job.schedule_name, next_run=first_run(job, now), **wanted
                )
                counts["created"] += 1
                continue
            changed = [key for key, value in wanted.items() if getattr(schedule, key) != value]
            if changed:
                for key in changed:
                    setattr(schedule, key, wanted[key])
                schedule.save(update_fields=changed)
                counts["updated"] += 1
    logger.info(
        "Schedules registered: %(created)s created, %(updated)s updated, %(removed)s removed",
        counts,
    )
    return counts
