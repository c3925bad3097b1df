"""Jobs of the accounts app, run by the queue (sipakatau.jobs schedules them)."""

from django.core.management import call_command

# The lockout counts read the last hour only; a month of failures is kept for an inquiry.
FAILURE_LOG_DAYS = 30


def forget_old_failed_sign_ins() -> None:
    """Drop the failed sign-ins older than a month (django-axes' own command)."""
    call_command("axes_reset_failure_logs", age=FAILURE_LOG_DAYS, verbosity=0)
