"""Deliver the notification outbox: email, SMS and WhatsApp (docs/operator.md, "Scheduled
jobs").

Runs as a long-lived service (``run_outbox``) or once per cron tick (``run_outbox
--once``). Several at once are safe: each message is claimed by one worker only.
SIGTERM or SIGINT stops the loop between two passes, never in the middle of a send, so a
service manager's stop leaves no message half-handled.
"""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from sipakatau.notifications.worker import deliver_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send due email, SMS and WhatsApp notifications, with retries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval", type=float, default=10.0, help="seconds between passes (default 10)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            count = deliver_due()
            self.stdout.write(f"Sent {count} message(s).")
            return
        interval = max(float(options["interval"]), 0.1)
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                # A connection held for days is dropped by the server or a proxy sooner
                # or later; renew it between passes as Django does between requests.
                close_old_connections()
                try:
                    count = deliver_due()
                except DatabaseError as error:
                    # The database restarting or a network blip: wait and try again
                    # rather than die and leave the queue to the service manager.
                    logger.warning("Outbox pass failed: %s", type(error).__name__)
                    count = 0
                if count:
                    self.stdout.write(f"Sent {count} message(s).")
                stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            close_old_connections()
        self.stdout.write("Stopped.")
