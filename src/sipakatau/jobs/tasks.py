"""Jobs that keep the prepared files (``jobs.models.PreparedFile``): queued again when a
worker died under them, deleted when they expire."""

from . import services


def requeue_stuck_files() -> int:
    return services.prepared_files_requeue()


def expire_files() -> int:
    return services.prepared_files_expire()
