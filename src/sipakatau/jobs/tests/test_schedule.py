"""The schedule table and its registration: one schedule per job however often it is
registered, settings brought up to date without moving a next run, strays removed."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule

from sipakatau.jobs.schedule import JOBS, PREFIX, Job, first_run, schedules_register

pytestmark = pytest.mark.django_db


def ours() -> list[Schedule]:
    return list(Schedule.objects.filter(name__startswith=PREFIX).order_by("name"))


def test_registering_twice_leaves_one_schedule_per_job() -> None:
    assert schedules_register()["created"] == len(JOBS)
    first = {s.name: (s.pk, s.next_run) for s in ours()}
    assert schedules_register() == {"created": 0, "updated": 0, "removed": 0}
    call_command("register_schedules", verbosity=0)
    assert {s.name: (s.pk, s.next_run) for s in ours()} == first
    assert len(first) == len(JOBS) == len({job.name for job in JOBS})


def test_a_changed_job_is_updated_and_its_next_run_kept() -> None:
    schedules_register()
    outbox = Schedule.objects.get(name=PREFIX + "outbox delivery")
    later = outbox.next_run + timedelta(minutes=5)
    Schedule.objects.filter(pk=outbox.pk).update(minutes=7, next_run=later)
    assert schedules_register()["updated"] == 1
    outbox.refresh_from_db()
    assert (outbox.minutes, outbox.next_run) == (1, later)


def test_duplicates_and_strays_of_ours_are_removed_others_kept() -> None:
    schedules_register()
    twin = Schedule.objects.get(name=PREFIX + "outbox delivery")
    twin.pk = None
    twin.save()
    Schedule.objects.create(name=PREFIX + "a job no longer in the table", func="math.floor")
    Schedule.objects.create(name="made in the admin", func="math.floor")
    assert schedules_register()["removed"] == 2
    assert Schedule.objects.filter(name=PREFIX + "outbox delivery").count() == 1
    assert Schedule.objects.filter(name="made in the admin").exists()


def test_every_job_names_a_function_that_exists() -> None:
    for job in JOBS:
        assert callable(import_string(job.func)), job.func
        if job.hook:
            assert callable(import_string(job.hook)), job.hook


def test_escalations_run_at_every_look_of_the_scheduler() -> None:
    # The scheduler looks every 30 s: two one-minute schedules half a minute apart.
    for func in ("escalate_deadlines", "escalate_referrals"):
        jobs = [job for job in JOBS if job.func.endswith(func)]
        assert sorted(job.offset for job in jobs) == [timedelta(0), timedelta(seconds=30)]
        assert {(job.kind, job.minutes) for job in jobs} == {(Schedule.MINUTES, 1)}


def test_a_daily_job_first_runs_at_its_local_time(settings: object) -> None:
    zone = ZoneInfo("Asia/Makassar")  # UTC+8
    job = Job("x", "math.floor", Schedule.DAILY, at=time(2, 30))
    before = datetime(2026, 1, 31, 17, 0, tzinfo=UTC)  # 01:00 WITA
    after = datetime(2026, 1, 31, 19, 0, tzinfo=UTC)  # 03:00 WITA
    assert first_run(job, before).astimezone(zone) == datetime(2026, 2, 1, 2, 30, tzinfo=zone)
    assert first_run(job, after).astimezone(zone) == datetime(2026, 2, 2, 2, 30, tzinfo=zone)
    weekly = Job("y", "math.floor", Schedule.WEEKLY, at=time(3, 0), weekday=6)
    assert first_run(weekly, after).astimezone(zone) == datetime(2026, 2, 8, 3, 0, tzinfo=zone)
