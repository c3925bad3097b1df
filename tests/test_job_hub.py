"""A hub's jobs on Redis (issue 20): two django-q2 clusters, two processes, one Redis
broker (database SIPAKATAU_TEST_REDIS_URL, default redis://127.0.0.1:6379/1), one
database (a SQLite file; with DATABASE_URL also a PostgreSQL database ``<name>_hub``).

N jobs are enqueued while both run: every job runs exactly once, and both clusters take
some. A schedule due now is started by one cluster only, though both schedulers look.
"""

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import psutil
import pytest
import redis

from tests.served import (
    MANAGE,
    PYTHON,
    ROOT,
    base_env,
    django,
    migrate,
    scratch_database,
    still_running,
    tree,
)

REDIS_URL = os.environ.get("SIPAKATAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
JOBS = 40
# django-q2's scheduler looks every 30 s from the cluster's start; both must have looked.
SCHEDULER_LOOK = 30.0

ENQUEUE = """
from django_q.tasks import async_task
path, count = sys.argv[1], int(sys.argv[2])
result = [async_task("tests.job_probe.record", path, f"job-{n}", 0.1) for n in range(count)]
"""

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from django_q.models import Schedule
# Hourly, due a second ago: one run now, the next in an hour, so a second line is a double.
Schedule.objects.create(
    name="probe", func="tests.job_probe.record", args=repr((sys.argv[1], "schedule")),
    schedule_type=Schedule.HOURLY, next_run=timezone.now() - timedelta(seconds=1), repeats=-1,
)
result = True
"""


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def wait_for(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds:.0f} s")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_clusters_on_redis_run_each_job_once(tmp_path: Path, backend: str) -> None:
    client = redis_or_skip()
    queue = f"sipakatau_test_{uuid.uuid4().hex[:12]}"
    record = tmp_path / "runs.txt"
    folder = tmp_path / "site"
    folder.mkdir()
    with scratch_database(backend, "hub") as database_url:
        env = base_env(folder) | {"SIPAKATAU_REDIS_URL": REDIS_URL, "SIPAKATAU_JOB_QUEUE": queue}
        env["SIPAKATAU_JOB_WORKERS"] = "2"
        if database_url:
            env["DATABASE_URL"] = database_url
        migrate(env, log=folder / "setup.log")
        django(env, f"sys.argv[1:] = [{str(record)!r}]\n" + SCHEDULE, log=folder / "setup.log")
        clusters: list[subprocess.Popen[bytes]] = []
        logs = [folder / f"cluster{n}.log" for n in (1, 2)]
        everything: list[psutil.Process] = []
        try:
            for log in logs:
                with open(log, "ab") as out:
                    clusters.append(
                        subprocess.Popen(  # noqa: S603
                            [PYTHON, MANAGE, "qcluster"],
                            env=env,
                            cwd=ROOT,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
            started = time.monotonic()
            wait_for(
                lambda: all("running." in log.read_text(encoding="utf-8") for log in logs),
                60,
                "both clusters did not start",
            )
            django(
                env,
                f"sys.argv[1:] = [{str(record)!r}, '{JOBS}']\n" + ENQUEUE,
                log=folder / "setup.log",
            )

            def runs() -> list[tuple[str, str]]:
                if not record.exists():
                    return []
                lines = record.read_text(encoding="utf-8").splitlines()
                return [tuple(line.split(" ", 1)) for line in lines]  # type: ignore[misc]

            wait_for(lambda: len(runs()) >= JOBS + 1, 90, "not every job and the schedule ran")
            # Both schedulers have looked (each 30 s after its start) before we count.
            time.sleep(max(started + SCHEDULER_LOOK + 5 - time.monotonic(), 0))
            everything = [process for cluster in clusters for process in tree(cluster.pid)]
            worker_of = {
                process.pid: n
                for n, cluster in enumerate(clusters)
                for process in tree(cluster.pid)
            }
        finally:
            for cluster in clusters:
                with contextlib.suppress(ProcessLookupError):
                    cluster.send_signal(signal.SIGTERM)
            for cluster in clusters:
                try:
                    cluster.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(cluster.pid, signal.SIGKILL)
                    cluster.wait()
            for key in client.scan_iter(f"*{queue}*"):
                client.delete(key)
        done = runs()
        counts = Counter(label for label, _pid in done)
        assert counts == Counter({f"job-{n}": 1 for n in range(JOBS)} | {"schedule": 1})
        clusters_used = {worker_of.get(int(pid)) for label, pid in done if label != "schedule"}
        assert clusters_used == {0, 1}, "both clusters took jobs"
        assert [cluster.returncode for cluster in clusters] == [0, 0]
        assert still_running(everything) == []
