"""Telling a passing outage from a bug.

A write that meets a locked SQLite database (another writer held it longer than the busy
timeout), a full disk, or a PostgreSQL lock or connection limit is not the client's fault
and not a bug: the same request works a few seconds later. Such a failure answers 503
with Retry-After, so a phone's outbox tries again instead of losing the report; anything
else stays a 500.
"""

import errno
import sqlite3

from django.db import utils as db_utils

# How long a client waits before trying again: longer than a normal write holds the
# SQLite lock, short enough that a person waiting at the screen does not give up.
RETRY_AFTER_SECONDS = 5

# SQLite says "database is locked" (busy past the timeout), "database table is locked" or
# "database schema is locked" (shared cache), and "database or disk is full" (SQLITE_FULL).
_SQLITE_MESSAGES = ("is locked", "database or disk is full")

# PostgreSQL error classes a retry can cure: lock_not_available, deadlock_detected,
# serialization_failure, disk_full, out_of_memory, too_many_connections,
# cannot_connect_now (starting up or shutting down).
_POSTGRESQL_STATES = {"55P03", "40P01", "40001", "53100", "53200", "53300", "57P03"}

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and the ones it wraps (Django wraps the driver's error)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` is a passing shortage of the database or the disk."""
    for error in _causes(exc):
        if isinstance(error, OSError) and error.errno in _DISK_FULL:
            return True
        if isinstance(error, sqlite3.OperationalError | db_utils.OperationalError):
            message = str(error).lower()
            if any(text in message for text in _SQLITE_MESSAGES):
                return True
        if getattr(error, "sqlstate", None) in _POSTGRESQL_STATES:
            return True
    return False
