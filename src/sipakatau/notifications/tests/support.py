"""Stand-ins for the outside world of the outbox, on loopback: an SMTP server and an
SMS/WhatsApp gateway that can be told to fail."""

import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- SMTP ---------------------------------------------------------------------------------


class MailSink:
    """An aiosmtpd handler that keeps what it receives; ``answers`` lists the replies to
    give to the next messages (e.g. ``["451 4.3.0 try later"]``) before accepting."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.recipients: list[list[str]] = []
        self.answers: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            if self.answers:
                return self.answers.pop(0)
            self.received.append(bytes(envelope.original_content or b""))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: MailSink


def smtp_server() -> Iterator[SmtpServer]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, sink)
    finally:
        controller.stop()


# --- SMS / WhatsApp gateway -----------------------------------------------------------------


@dataclass
class FakeGateway:
    """A gateway that dedupes on the Idempotency-Key, as a real one should.

    ``script`` lists what to do with the next requests: ``"500"``, ``"400"``, ``"429"``
    answer that status without delivering; ``"timeout"`` delivers the message and then
    answers too late (the client has given up). After the script, every request is
    delivered (once per key) and answered 200.
    """

    url: str = ""
    script: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering a normal request
    requests: list[dict[str, Any]] = field(default_factory=list)
    delivered: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, float]:
        key = headers.get("idempotency-key", "")
        with self.lock:
            self.requests.append({"headers": headers, "body": body})
            action = self.script.pop(0) if self.script else "ok"
            if action.isdigit():
                return int(action), 0.0
            if not self.delivered[key]:
                self.delivered[key] += 1
            return 200, (5.0 if action == "timeout" else self.delay)

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request["body"]) for request in self.requests]


def gateway_server() -> Iterator[FakeGateway]:
    gateway = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, wait = gateway.handle(headers, body)
            if wait:
                gateway.release.wait(wait)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "x"}')
            except OSError:
                pass  # the client gave up waiting (the "timeout" case)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output (and caplog) quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        gateway.release.set()
        server.shutdown()
        server.server_close()
