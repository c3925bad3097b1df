"""What /healthz checks: each answer a name, a yes or no, and a short reason.

A reason never names a path, a key, a host or a person: the answer is readable by anyone
who can reach the server. Every check is cheap (no scan of a big table), and one answer
serves every request for ``SIPAKATAU_HEALTH_CACHE_SECONDS``, so that a flood of
/healthz costs nothing.
"""

import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Min
from django.utils import timezone

from .backup_names import SUFFIX as BACKUP_SUFFIX


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: str

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def check_databases() -> list[Check]:
    found = []
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        name = "database" if alias == "default" else f"database_{alias}"
        found.append(Check(name, True, "answers"))
    return found


def _redis_client(conf: Any) -> Any:
    import redis

    timeouts = {"socket_timeout": 2, "socket_connect_timeout": 2}
    if isinstance(conf, str):
        return redis.Redis.from_url(conf, **timeouts)
    return redis.Redis(**{**timeouts, **conf})


def check_queue() -> Check:
    """The job queue's broker answers; on the ORM broker, no job waits too long (a job
    that waits means no worker is taking jobs)."""
    conf = getattr(settings, "Q_CLUSTER", None)
    if not conf:
        return Check("queue", True, "no job queue configured")
    cluster = conf.get("name", "default")
    if conf.get("redis"):
        client = _redis_client(conf["redis"])
        client.ping()
        waiting = client.llen(f"django_q:{cluster}:q")
        return Check("queue", True, f"broker answers, {waiting} jobs waiting")
    if conf.get("orm"):
        from django_q.models import OrmQ

        now = timezone.now()
        oldest = (
            OrmQ.objects.using(conf["orm"])
            .filter(key=cluster, lock__lte=now)
            .aggregate(oldest=Min("lock"))["oldest"]
        )
        if oldest is None:
            return Check("queue", True, "no job waiting")
        minutes = int((now - oldest).total_seconds() // 60)
        limit = settings.SIPAKATAU_HEALTH_QUEUE_MAX_MINUTES
        if minutes > limit:
            return Check("queue", False, f"a job has waited {minutes} min (limit {limit} min)")
        return Check("queue", True, f"oldest job waiting {minutes} min")
    from django_q.brokers import get_broker

    broker = get_broker()
    if broker.ping() is False:
        return Check("queue", False, "broker does not answer")
    return Check("queue", True, "broker answers")


def _disk(name: str, path: Path) -> Check:
    free_mb = shutil.disk_usage(path).free // 2**20
    limit = settings.SIPAKATAU_HEALTH_DISK_FREE_MB
    if free_mb < limit:
        return Check(name, False, f"{free_mb} MB free (limit {limit} MB)")
    return Check(name, True, f"{free_mb} MB free")


def check_disks() -> list[Check]:
    found = [_disk("disk_var", Path(settings.VAR_DIR))]
    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"]:
        name = str(database["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            found.append(Check("disk_database", True, "database in memory"))
        else:
            found.append(_disk("disk_database", Path(name).parent))
    elif settings.SIPAKATAU_DATABASE_DIR:
        found.append(_disk("disk_database", Path(settings.SIPAKATAU_DATABASE_DIR)))
    else:
        found.append(Check("disk_database", True, "not on this machine (not watched)"))
    return found


def check_key_files() -> Check:
    """The files the keys were read from at start-up can still be read: the next restart
    (or the next worker gunicorn starts) needs them. Names the keys, never their files."""
    unreadable = []
    files = settings.SIPAKATAU_KEY_FILES
    for key, path in files.items():
        if path is None:
            continue
        try:
            with open(path, "rb") as handle:
                handle.read(1)
        except OSError:
            unreadable.append(key)
    if unreadable:
        return Check("key_files", False, "cannot be read: " + ", ".join(sorted(unreadable)))
    return Check("key_files", True, f"{len(files)} keys readable")


def last_backup_time(directory: Path) -> datetime | None:
    """When the newest backup in ``directory`` was finished. A backup file appears only
    once it is complete (lib.backup writes a hidden partial file and links it into
    place), so its presence is the success."""
    newest = None
    try:
        for entry in directory.iterdir():
            if entry.name.endswith(BACKUP_SUFFIX) and not entry.name.startswith("."):
                made = entry.stat().st_mtime
                newest = made if newest is None or made > newest else newest
    except FileNotFoundError:
        return None
    return None if newest is None else datetime.fromtimestamp(newest, tz=UTC)


def _installed_at() -> datetime | None:
    from django.db.migrations.recorder import MigrationRecorder

    return MigrationRecorder.Migration.objects.aggregate(first=Min("applied"))["first"]


def check_backup() -> Check:
    """The last successful backup is recent. Never made: a failure in production once the
    installation is older than the limit (its first daily backup is overdue); in
    development and tests only a remark, since nobody backs up a laptop's demo."""
    limit = timedelta(hours=settings.SIPAKATAU_HEALTH_BACKUP_MAX_HOURS)
    now = timezone.now()
    made = last_backup_time(Path(settings.BACKUP_DIR))
    if made is None:
        if not settings.PRODUCTION:
            return Check("backup", True, "no backup yet (not required outside production)")
        installed = _installed_at()
        if installed is not None and now - installed > limit:
            return Check("backup", False, "no backup yet")
        return Check("backup", True, "no backup yet (new installation)")
    hours = int((now - made).total_seconds() // 3600)
    if now - made > limit:
        return Check(
            "backup",
            False,
            f"last backup {hours} h ago (limit {settings.SIPAKATAU_HEALTH_BACKUP_MAX_HOURS} h)",
        )
    return Check("backup", True, f"last backup {hours} h ago")


CHECKS: list[tuple[str, Callable[[], Check | list[Check]]]] = [
    ("database", check_databases),
    ("queue", check_queue),
    ("disk", check_disks),
    ("key_files", check_key_files),
    ("backup", check_backup),
]


def _run(name: str, check: Callable[[], Check | list[Check]]) -> list[Check]:
    try:
        result = check()
    except Exception as exc:  # a failed check is an answer, not a crash
        # The kind of failure only: a message may quote a path, a host or a value.
        return [Check(name, False, f"failed: {type(exc).__name__}")]
    return result if isinstance(result, list) else [result]


_lock = threading.Lock()
_cached: tuple[float, list[Check]] | None = None


def health() -> list[Check]:
    """Every check's answer, at most ``SIPAKATAU_HEALTH_CACHE_SECONDS`` old."""
    global _cached
    ttl = settings.SIPAKATAU_HEALTH_CACHE_SECONDS
    with _lock:
        if _cached is not None and ttl and time.monotonic() - _cached[0] < ttl:
            return _cached[1]
        checks = [found for name, check in CHECKS for found in _run(name, check)]
        _cached = (time.monotonic(), checks)
        return checks


def forget() -> None:
    """Drop the kept answer (tests)."""
    global _cached
    with _lock:
        _cached = None
