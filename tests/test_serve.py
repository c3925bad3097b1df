"""One command runs everything (issue 20, "done when"): ``manage.py serve`` as a real
process, on a scratch database of its own (a SQLite file; with DATABASE_URL also a
PostgreSQL database ``<name>_serve``), its settings from an environment file, its email
through SMTP to an aiosmtpd server on loopback. No cron.

A unit with a coordinator (who asked for email copies) and a case are made, a deadline of
the case is set to pass a few seconds after the start, and within a minute of it passing
the coordinator has the escalation in the app and the SMTP server has the email. The
pages and static files are served by gunicorn (WhiteNoise, development mode as in
``make run``; the demo itself is loaded by ``make run`` before serve, and tested in
sipakatau/demo/tests).
Then SIGINT (Ctrl-C) stops it all: exit 0, no process of its tree left.

The minute is the issue's own acceptance bound, not a benchmark: the escalations run at
every look of the scheduler (every 30 s), and an escalation sends the outbox at once.
"""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

import psutil
import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.served import (
    MANAGE,
    PYTHON,
    ROOT,
    base_env,
    django,
    free_port,
    scratch_database,
    still_running,
    tree,
)

ESCALATION_BOUND = 60.0  # seconds after the deadline passed (the acceptance)
DEADLINE_AFTER_START = 5.0

SETUP = """
from django.core.management import call_command
from sipakatau.accounts.models import Membership, Role
from sipakatau.notifications.models import DeliveryPreference
from tests.builders import open_case
from tests.factories import make_organisation, make_user

call_command("migrate", interactive=False, verbosity=0)
unit = make_organisation("LBK-KK Bahagia Kelurahan Watang Soreang")
coordinator = make_user(unit, Role.COORDINATOR, username="bahagia.koordinator")
coordinator.email = "koordinator@example.test"
coordinator.save(update_fields=["email"])
DeliveryPreference.objects.update_or_create(user=coordinator, defaults={"email": True})
caseworker = make_user(unit, Role.CASEWORKER, username="bahagia.pendamping")
case = open_case(Membership.objects.get(user=caseworker, organisation=unit))
result = {"case": case.pk, "register_number": case.register_number, "user": coordinator.pk}
"""

DEADLINE = """
import sys
from datetime import timedelta
from django.utils import timezone
from sipakatau.cases.models import CaseDeadline
deadline = CaseDeadline.objects.create(
    case_id=int(sys.argv[1]), code="first_contact", label="First contact",
    due_at=timezone.now() + timedelta(seconds=float(sys.argv[2])),
)
result = deadline.due_at.timestamp()
"""

ESCALATED = """
import sys
from sipakatau.notifications.models import Notification, OutboxMessage
result = {
    "notifications": list(Notification.objects.filter(
        recipient_id=int(sys.argv[1]), template="deadline_overdue"
    ).values_list("context__register_number", flat=True)),
    "sent": OutboxMessage.objects.filter(recipient_user_id=int(sys.argv[1]), status="sent").count(),
}
"""


class Inbox:
    """aiosmtpd's handler: every message it is given, as bytes."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content or b"")))
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@dataclass
class Serve:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited at start; see {self.log}"
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"serve did not answer within 60 s; see {self.log}")


def cmdline(process: psutil.Process) -> list[str]:
    """Its command line; none for one that died and is not yet reaped (a zombie)."""
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def write_env_file(path: Path, values: dict[str, str]) -> None:
    lines = ["# written like init_production's file: KEY=VALUE"]
    lines += [f"{key}={value}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_serve_escalates_and_mails_within_a_minute_without_cron(
    tmp_path: Path, backend: str
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    log = folder / "serve.log"
    with scratch_database(backend, "serve") as database_url, smtp_server() as (smtp_port, inbox):
        settings_file = {
            "SIPAKATAU_DEMO": "true",
            "SIPAKATAU_DEBUG": "false",
            "SIPAKATAU_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "SIPAKATAU_EMAIL_HOST": "127.0.0.1",
            "SIPAKATAU_EMAIL_PORT": str(smtp_port),
            "SIPAKATAU_EMAIL_USE_TLS": "false",
            "SIPAKATAU_BASE_URL": "http://127.0.0.1",
            "SIPAKATAU_WEB_WORKERS": "1",
            "SIPAKATAU_JOB_WORKERS": "2",
        }
        if database_url:
            settings_file["DATABASE_URL"] = database_url
        env_file = folder / "env"
        write_env_file(env_file, settings_file)
        # The set-up and the checks read the same settings as the server (not the file:
        # the server proves that it reads the file).
        env = base_env(folder) | settings_file
        given = django(env, SETUP, log=folder / "setup.log")
        assert isinstance(given, dict)

        serve_env = base_env(folder)  # the rest comes from --env-file
        port = free_port()
        with open(log, "ab") as out:
            process = subprocess.Popen(  # noqa: S603
                [
                    PYTHON,
                    MANAGE,
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--env-file",
                    str(env_file),
                ],
                env=serve_env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        served = Serve(process, port, log)
        everything: list[psutil.Process] = []
        try:
            served.wait_until_up()
            due = django(
                env,
                "sys.argv[1:] = "
                + repr([str(given["case"]), str(DEADLINE_AFTER_START)])
                + "\n"
                + DEADLINE,
                log=folder / "setup.log",
            )
            assert isinstance(due, float)
            # The demo's pages and static files, through gunicorn and WhiteNoise.
            login = requests.get(f"{served.base}/akun/masuk/", timeout=30)
            assert login.status_code == 200, login.status_code
            stylesheet = next(
                part.split('"')[0]
                for part in login.text.split('href="')[1:]
                if part.split('"')[0].endswith(".css")
            )
            assert requests.get(f"{served.base}{stylesheet}", timeout=30).status_code == 200

            number = str(given["register_number"])
            delivered: list[bytes] = []
            while time.time() < due + ESCALATION_BOUND and not delivered:
                assert process.poll() is None, f"serve died; see {log}"
                delivered = [
                    content
                    for recipients, content in inbox.messages
                    if "koordinator@example.test" in recipients and number.encode() in content
                ]
                time.sleep(0.5)
            assert delivered, f"no escalation email within {ESCALATION_BOUND:.0f} s; see {log}"
            body = message_from_bytes(delivered[0]).get_payload(decode=True)
            assert number.encode() in (body or delivered[0])
            state = django(
                env,
                f"sys.argv[1:] = [{given['user']!r}]\n" + ESCALATED,
                log=folder / "setup.log",
            )
            assert isinstance(state, dict)
            assert number in state["notifications"]
            assert state["sent"] >= 1
            everything = tree(process.pid)
            assert len(everything) >= 4, "serve, gunicorn and its worker, the cluster"

            # A child that dies is started again: kill the cluster, a new one comes.
            cluster = next(
                p for p in psutil.Process(process.pid).children() if "qcluster" in cmdline(p)
            )
            cluster_tree = tree(cluster.pid)
            cluster.kill()
            deadline = time.monotonic() + 30
            replaced = False
            while time.monotonic() < deadline and not replaced:
                replaced = any(
                    "qcluster" in cmdline(child) and child.pid != cluster.pid
                    for child in psutil.Process(process.pid).children()
                )
                time.sleep(0.2)
            assert replaced, f"the cluster was not started again; see {log}"
            assert still_running(cluster_tree) == [], "what the dead cluster started is stopped"
            assert "exited with code -9; starting it again" in log.read_text(encoding="utf-8")
            everything += tree(process.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            try:
                code = process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                for leftover in tree(process.pid):
                    leftover.kill()
                raise
        assert code == 0, f"serve exited with {code}; see {log}"
        assert still_running(everything) == []
        assert "Stopped." in log.read_text(encoding="utf-8")
