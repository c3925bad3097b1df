"""The canary scan of the whole system (issue 18): a scripted day of work through a real
server, then every place the day could have left a survivor's identity is read for it.

A gunicorn process serves the app on a free loopback port against a database of its own
(a SQLite file in a temporary folder; with DATABASE_URL, also a PostgreSQL database of its
own, ``<name>_scan_day``), with its own access log, error log and captured output. The
Parepare demo is loaded, and then, over HTTP only:

- a reporter sends a public report whose story names the canary, with her NIK and phone;
- a caseworker signs in (password, then TOTP), opens a case from the report and records
  the canary as its victim (name, NIK, KK, phone, address), with consent to a referral;
- she searches for her by name and by NIK, on the page (POST) and through the API
  (``POST /api/v1/cases/search``); a search in the address (``GET ?search=``) is refused;
- she refers the case to UPTD PPA, whose officer is notified and accepts it;
- a coordinator downloads the non-identifiable statistics (GBVIMS sheet, monthly report);
- a misbehaving client puts a second, "probe" identity into addresses (a 404 page, a
  refused search), which no answer may echo and nothing may store.

Then the server is stopped and the database (every SQLite file byte, or a ``pg_dump
--data-only``), every log file, the notifications and outbox messages as their texts
would read, every URL of the access log, the error pages and the exports (XLSX unzipped)
are scanned for the canary's name, NIK, KK, phone and address, in upper and lower case,
UTF-8 and UTF-16, with the digits also in the groups people type. 0 hits.
"""

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import lxml.html
import pytest
import requests
from django_otp.oath import totp

from sipakatau.demo.services import DEMO_PASSWORD, demo_totp_key
from tests.canary import Canary, Hit, scan

ROOT = Path(__file__).resolve().parents[1]
# The tree the server runs from: this one, or (while the working tree is mid-change) a
# clean checkout named by SIPAKATAU_SCAN_ROOT.
SERVED = Path(os.environ.get("SIPAKATAU_SCAN_ROOT") or ROOT)
PYTHON = sys.executable
WATANG_SOREANG = "73.72.03.1003"

# The canary of this day: planted everywhere a survivor's identity goes in.
DAY = Canary(
    name="Canary Qwertyuiop",
    nik="7372019999990042",
    kk_number="7372019999990077",
    phone="081299990042",
    address="Jalan Qwertyuiop Kanari No. 42",
)
# What a misbehaving client puts into addresses: the answers must not echo it and the
# database must not keep it (the access log does, which is why clients must not).
PROBE = Canary(
    name="Probe Zxcvbnmasdf",
    nik="7372015508880013",
    kk_number="7372015508880099",
    phone="081377770013",
    address="Jalan Zxcvbnmasdf No. 13",
)

LOG_LEVEL = "DEBUG"


def needles(canary: Canary) -> list[str]:
    """The canary's own forms, plus the digit groups people type (4-4-4-4 and 6-6-4 for
    a NIK, 4-4-4 for a phone) with spaces, dots and dashes."""
    forms = set(canary.needles())
    for number in (canary.nik, canary.kk_number):
        for groups in ((4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4)):
            parts, at = [], 0
            for size in groups:
                parts.append(number[at : at + size])
                at += size
            forms.update(separator.join(parts) for separator in (" ", ".", "-"))
    phone = canary.phone
    for separator in (" ", "-", "."):
        forms.add(separator.join((phone[:4], phone[4:8], phone[8:])))
        national = phone[1:]
        forms.add("+62" + separator + separator.join((national[:3], national[3:7], national[7:])))
    # scan() folds case itself; the upper-case form is listed so that a report reads well.
    forms.add(canary.name.upper())
    return sorted(forms)


# --- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def psql(url: str, *statements: str) -> None:
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    for statement in statements:
        subprocess.run(  # noqa: S603
            ["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],  # noqa: S607
            check=True,
            capture_output=True,
        )


@dataclass
class Site:
    """One served installation: its folder, environment, port, logs and database."""

    folder: Path
    env: dict[str, str]
    port: int
    database_url: str = ""  # empty: the SQLite file in the folder
    process: subprocess.Popen[bytes] | None = None
    urls: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def django(self, code: str, log: str, argv: list[str] | None = None) -> None:
        """Run ``code`` in a fresh Python with the site's settings, its output to ``log``
        (scanned like every log)."""
        with open(self.folder / log, "ab") as out:
            subprocess.run(  # noqa: S603
                [PYTHON, "-c", "import django; django.setup()\n" + code, *(argv or [])],
                env=self.env,
                cwd=SERVED,
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def start(self) -> None:
        command = [PYTHON, "-m", "gunicorn", "sipakatau.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        command += ["--workers", "1", "--threads", "4"]
        command += ["--access-logfile", str(self.folder / "access.log")]
        command += ["--error-logfile", str(self.folder / "error.log")]
        command += ["--capture-output", "--log-level", "debug"]
        with open(self.folder / "gunicorn.out", "ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                env=self.env,
                cwd=SERVED,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                requests.get(f"{self.base}/healthz", timeout=5)
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.folder}/error.log")
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


@contextlib.contextmanager
def site(tmp_path: Path, backend: str) -> Iterator[Site]:
    folder = tmp_path / "site"
    folder.mkdir()
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(SERVED / "src"),
            "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
            "SIPAKATAU_ENV": "development",
            "SIPAKATAU_DEMO": "true",
            "SIPAKATAU_DEBUG": "false",
            "SIPAKATAU_VAR_DIR": str(folder),
            "SIPAKATAU_LOG_LEVEL": LOG_LEVEL,
            "SIPAKATAU_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "SIPAKATAU_BASE_URL": "http://127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("SIPAKATAU_TEST_SQLITE", None)
    database_url = ""
    pg_url = os.environ.get("DATABASE_URL", "")
    if backend == "postgresql":
        name = (urlsplit(pg_url).path.strip("/") or "sipakatau") + "_day"
        assert re.fullmatch(r"[a-z0-9_]{1,60}", name), name
        psql(pg_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        database_url = urlunsplit(urlsplit(pg_url)._replace(path=f"/{name}"))
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    served = Site(folder=folder, env=env, port=free_port(), database_url=database_url)
    try:
        served.django(SETUP, log="manage.log")
        served.start()
        yield served
    finally:
        served.stop()
        if database_url:
            psql(pg_url, f"DROP DATABASE IF EXISTS {urlsplit(database_url).path.strip('/')}")


# --- A person at a browser, and a program at the API ----------------------------------------


def totp_code(username: str, steps_ahead: int = 0) -> str:
    """The demo account's code; a later step for a second sign-in within 30 s (a code is
    accepted once, and the next step's code within the device's tolerance)."""
    key = demo_totp_key(username)
    return f"{totp(key, step=30, t0=-30 * steps_ahead, digits=6, drift=0):06d}"


def form_fields(page: str, wanted: set[str]) -> tuple[str, dict[str, str]]:
    """The action and hidden fields (csrf token, one-time key) of the POST form that has
    every field in ``wanted`` (the page also has a sign-out form, for one)."""
    tree = lxml.html.fromstring(page)
    for form in tree.xpath("//form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        names = {str(element.get("name")) for element in form.xpath(".//input|.//textarea")}
        if not wanted <= names:
            continue
        hidden = {
            str(i.get("name")): str(i.get("value") or "")
            for i in form.xpath(".//input[@type='hidden']")
            if i.get("name")
        }
        return form.get("action") or "", hidden
    raise AssertionError(f"no POST form with the fields {sorted(wanted)} on the page")


class Browser:
    def __init__(self, served: Site) -> None:
        self.site = served
        self.session = requests.Session()

    def get(self, path: str, **kwargs: object) -> requests.Response:
        self.site.urls.append(path)
        return self.session.get(self.site.base + path, timeout=60, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, str], **kwargs: object) -> requests.Response:
        self.site.urls.append(path)
        headers = {"Referer": self.site.base + path, "Origin": self.site.base}
        return self.session.post(
            self.site.base + path,
            data=data,
            headers=headers,
            timeout=60,
            **kwargs,  # type: ignore[arg-type]
        )

    def submit(self, path: str, fields: dict[str, str]) -> requests.Response:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        assert urlsplit(page.url).path == urlsplit(path).path, (path, page.url)
        action, hidden = form_fields(page.text, set(fields))
        return self.post(urlsplit(action).path or path, {**hidden, **fields})

    def sign_in(self, username: str) -> None:
        signed = self.submit("/akun/masuk/", {"username": username, "password": DEMO_PASSWORD})
        assert urlsplit(signed.url).path == "/akun/verifikasi/", (signed.status_code, signed.url)
        verified = self.submit("/akun/verifikasi/", {"token": totp_code(username)})
        assert urlsplit(verified.url).path == "/beranda/", (verified.status_code, verified.url)


class Api:
    def __init__(self, served: Site, username: str | None = None) -> None:
        self.site = served
        self.session = requests.Session()
        if username:
            issued = self.post(
                "/api/v1/auth/token",
                {"username": username, "password": DEMO_PASSWORD, "totp": totp_code(username, 1)},
            )
            assert issued.status_code in (200, 201), issued.text
            self.session.headers["Authorization"] = f"Bearer {issued.json()['token']}"

    def get(self, path: str, **params: str) -> requests.Response:
        self.site.urls.append(path)
        return self.session.get(self.site.base + path, params=params or None, timeout=60)

    def post(self, path: str, body: object = None, **headers: str) -> requests.Response:
        self.site.urls.append(path)
        return self.session.post(
            self.site.base + path,
            json=body if body is not None else {},
            headers=headers or None,
            timeout=60,
        )


def ok(response: requests.Response, *codes: int) -> dict:  # type: ignore[type-arg]
    assert response.status_code in (codes or (200, 201)), (
        response.request.method,
        response.request.url,
        response.status_code,
        response.text[:2000],
    )
    return response.json() if response.content else {}


# --- The day ---------------------------------------------------------------------------------


@dataclass
class Day:
    pages: dict[str, bytes] = field(default_factory=dict)  # probed error pages, by label
    exports: dict[str, bytes] = field(default_factory=dict)  # non-identifiable downloads
    register_number: str = ""  # not personal data: proof that the scan reads the records


def story(canary: Canary) -> str:
    return (
        f"Tetangga saya, {canary.name} (NIK {canary.nik}, HP {canary.phone}), tinggal di "
        f"{canary.address}. Dia dipukul suaminya tadi malam dan takut pulang."
    )


def work_a_day(served: Site) -> Day:
    day = Day()

    # A reporter sends a public report that names the canary.
    reporter = Api(served)
    report = ok(
        reporter.post(
            "/api/v1/public/reports",
            {
                "kelurahan_code": WATANG_SOREANG,
                "about_self": False,
                "what_happened": story(DAY),
                "when": "tadi malam",
                "contact": "sms",
                "contact_phone": DAY.phone,
                "contact_safe": True,
                "contact_times": "setelah jam 17",
            },
            **{"Idempotency-Key": str(uuid.uuid4())},
        )
    )
    assert report["tracking_code"]

    # The caseworker signs in at the browser (password, TOTP) and through the API.
    browser = Browser(served)
    browser.sign_in("bahagia.pendamping")
    worker = Api(served, "bahagia.pendamping")

    # She opens a case from the report and records the canary as its victim.
    inbox = ok(worker.get("/api/v1/public/inbox"))
    items = inbox["items"] if isinstance(inbox, dict) else inbox
    report_id = items[0]["id"]
    # A reply to the reporter (she asked for SMS: the outbox gets a neutral message).
    ok(worker.post(f"/api/v1/public/inbox/{report_id}/replies", {"body": "Kami akan menelepon."}))
    opened = ok(worker.post(f"/api/v1/public/inbox/{report_id}/case", {}))
    case_id = opened.get("case_id") or opened.get("id")
    assert case_id, opened
    victim = ok(
        worker.post(
            f"/api/v1/cases/{case_id}/parties",
            {
                "role": "VICTIM",
                "person": {
                    "name": DAY.name,
                    "sex": "P",
                    "nik": DAY.nik,
                    "kk_number": DAY.kk_number,
                    "phone": DAY.phone,
                    "address": DAY.address,
                    "age_estimate": 34,
                },
                "profile": {
                    "area_code": WATANG_SOREANG,
                    "contact_channels": ["SMS"],
                    "contact_times": "setelah jam 17",
                },
            },
        )
    )
    victim_id = victim["id"]
    ok(
        worker.post(
            f"/api/v1/cases/{case_id}/incident",
            {
                "place_type": "RUMAH_TANGGA",
                "narrative": story(DAY),
                "violence_forms": ["FISIK"],
            },
        )
    )
    ok(
        worker.post(
            f"/api/v1/cases/{case_id}/assessments",
            {"risk_level": "HIGH", "risk_criteria": [], "needs": {"PSYCHOLOGICAL": "konseling"}},
        )
    )
    for purpose, recipient in (("SERVICES", ""), ("REFERRAL", "UPTD_PPA")):
        ok(
            worker.post(
                f"/api/v1/cases/{case_id}/consents",
                {
                    "subject_party_id": victim_id,
                    "purpose": purpose,
                    "method": "VERBAL_WITNESSED",
                    "witness_name": "Ibu RT",
                    "recipient_type": recipient,
                },
            )
        )
    ok(worker.post(f"/api/v1/cases/{case_id}/notes", {"body": f"Sudah menelepon {DAY.phone}."}))

    # She finds the case again by name and by NIK: on the page (POST), through the API.
    page_case = browser.get(f"/kasus/{case_id}/")
    assert page_case.status_code == 200
    assert urlsplit(page_case.url).path == f"/kasus/{case_id}/", page_case.url
    register_number = ok(worker.get(f"/api/v1/cases/{case_id}"))["register_number"]
    day.register_number = register_number
    for query in (DAY.name, DAY.nik, DAY.phone):
        found = browser.submit("/kasus/", {"q": query})
        assert found.status_code == 200, found.status_code
        assert urlsplit(found.url).path == "/kasus/", found.url
        assert register_number in found.text, query
        by_api = ok(worker.post("/api/v1/cases/search", {"search": query}))
        assert case_id in [item["id"] for item in by_api["items"]], query

    # A search in the address is refused (with the probe: the access log keeps it).
    refused = worker.get("/api/v1/cases", search=PROBE.nik)
    assert refused.status_code in (400, 422), refused.status_code
    day.pages["GET /api/v1/cases?search=<probe NIK>"] = refused.content
    refused = worker.get("/api/v1/cases", search=PROBE.name)
    assert refused.status_code in (400, 422), refused.status_code
    day.pages["GET /api/v1/cases?search=<probe name>"] = refused.content

    # Error pages never echo what was in the address.
    for label, path in (
        ("404 page, name in the path", f"/kasus/{quote(PROBE.name)}/"),
        ("404 page, NIK in the path", f"/kasus/{PROBE.nik}/"),
        ("404 page, unknown case", f"/kasus/987654321/?nama={quote(PROBE.name)}"),
        ("404 API, unknown case", f"/api/v1/cases/987654321?nik={PROBE.nik}"),
        ("404 API, name in the path", f"/api/v1/cases/{quote(PROBE.name)}"),
    ):
        if path.startswith("/api/"):
            answer = worker.get(path)
        else:
            answer = browser.get(path, allow_redirects=False)
        assert answer.status_code in (404, 422), (
            path,
            answer.status_code,
            answer.headers.get("Location"),
        )
        day.pages[label] = answer.content

    # She refers the case, with consent, to UPTD PPA.
    providers = ok(worker.get("/api/v1/directory/providers", service="PSIKOSOSIAL"))["items"]
    uptd = next(p for p in providers if "UPTD" in p["name"])
    referral = ok(
        worker.post(
            f"/api/v1/referrals/cases/{case_id}",
            {
                "provider_id": uptd["id"],
                "service_type": "PSIKOSOSIAL",
                "urgency": "URGENT",
                "reason": "Perlu konseling segera",
                "shared_fields": ["VICTIM_FIRST_NAME", "NEEDS"],
                "needs": ["PSYCHOLOGICAL"],
                "subject_party_id": victim_id,
            },
        )
    )

    # The officer is notified, reads it and accepts it; the caseworker is notified back.
    officer = Browser(served)
    officer.sign_in("uptd.petugas")
    officer_api = Api(served, "uptd.petugas")
    notified = officer.get("/pemberitahuan/")
    assert notified.status_code == 200
    ok(officer_api.get(f"/api/v1/referrals/{referral['id']}"))
    ok(officer_api.post(f"/api/v1/referrals/{referral['id']}/accept", {}))
    assert browser.get("/pemberitahuan/").status_code == 200

    # A coordinator downloads the non-identifiable statistics.
    coordinator = Browser(served)
    coordinator.sign_in("bahagia.koordinator")
    statistics = coordinator.get("/statistik/")
    assert statistics.status_code == 200
    gbvims = coordinator.get("/statistik/ekspor/gbvims.xlsx")
    assert gbvims.status_code == 200, gbvims.status_code
    day.exports["gbvims.xlsx"] = gbvims.content
    coordinator_api = Api(served, "bahagia.koordinator")
    monthly = ok(coordinator_api.get("/api/v1/reports/monthly"))
    for item in (monthly["items"] if isinstance(monthly, dict) else monthly)[:2]:
        sheet = coordinator_api.get(f"/api/v1/reports/monthly/{item['id']}/report.xlsx")
        assert sheet.status_code == 200, sheet.status_code
        day.exports[f"monthly-{item['id']}.xlsx"] = sheet.content
    indicators = coordinator_api.get("/api/v1/reports/indicators")
    assert indicators.status_code == 200
    day.exports["indicators.json"] = indicators.content

    return day


# --- The scan --------------------------------------------------------------------------------

SETUP = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("demo")
"""

# The outbox worker sends what the day queued (email to the console: its log), then every
# notification and outbox message is rendered as its reader would read it.
NOTIFICATION_TEXTS = """
import json, sys
from django.core.management import call_command
call_command("run_outbox", "--once")
from sipakatau.notifications.delivery import message_text
from sipakatau.notifications.models import Notification, OutboxMessage
from sipakatau.notifications.templates import render
from django.contrib.sessions.models import Session
texts = []
# What sessions keep is signed, not encrypted: read as the server reads it.
for session in Session.objects.all():
    texts.append(json.dumps(session.get_decoded(), ensure_ascii=False, default=str))
for n in Notification.objects.all():
    texts.append(json.dumps(n.context, ensure_ascii=False))
    texts.append(str(render(n.template, n.context)))
for m in OutboxMessage.objects.all():
    texts.append(json.dumps(m.context, ensure_ascii=False))
    try:
        texts.append(str(message_text(m)))
    except Exception as error:  # a template that needs what the row lacks
        texts.append(f"<{type(error).__name__}>")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"notifications": Notification.objects.count(),
               "outbox": OutboxMessage.objects.count(),
               "sessions": Session.objects.count(), "texts": texts}, out, ensure_ascii=False)
"""


def expanded(label: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """The bytes, and for a zip (XLSX, DOCX) every member uncompressed."""
    yield label, data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield f"{label}:{member}", archive.read(member)


def database_bytes(served: Site) -> list[tuple[str, bytes]]:
    if not served.database_url:
        return [
            (str(path), path.read_bytes())
            for path in sorted(served.folder.glob("sipakatau.sqlite3*"))
        ]
    dump = subprocess.run(  # noqa: S603
        ["pg_dump", "--data-only", "--no-owner", "--no-privileges", served.database_url],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    return [("pg_dump --data-only", dump)]


def report(hits: list[tuple[str, Hit]]) -> str:
    return "\n".join(
        f"  {hit.needle!r} in {where} at byte {hit.offset} ({hit.encoding})" for where, hit in hits
    )


def scan_all(needles_: list[str], sources: list[tuple[str, bytes]]) -> list[tuple[str, Hit]]:
    found = []
    for label, data in sources:
        for hit in scan(needles_, data):
            found.append((label, hit))
    return found


BACKENDS = ["sqlite", "postgresql"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_day_of_work_leaves_no_plaintext_canary_anywhere(tmp_path: Path, backend: str) -> None:
    if backend == "postgresql" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("PostgreSQL: set DATABASE_URL")
    if backend == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    with site(tmp_path, backend) as served:
        day = work_a_day(served)
        # The database files as they are while the server runs (the WAL holds the day's
        # last pages until a checkpoint), and again once it has stopped.
        live = []
        if not served.database_url:
            live = [(f"{label} (server running)", data) for label, data in database_bytes(served)]
        served.stop()
        texts = served.folder / "notifications.json"
        served.django(NOTIFICATION_TEXTS, log="outbox.log", argv=[str(texts)])
        notifications = json.loads(texts.read_text(encoding="utf-8"))
        texts.unlink()
        database = database_bytes(served) + live

    logs = sorted(p for p in served.folder.iterdir() if p.suffix in {".log", ".out"})
    access = (served.folder / "access.log").read_text(encoding="utf-8", errors="replace")
    logged_urls = re.findall(r'"[A-Z]+ (\S+) HTTP/[\d.]+"', access)

    # The day happened (the searches found the canary, so she is stored) and the log saw it.
    assert len(logged_urls) >= len(served.urls) > 20, (len(logged_urls), len(served.urls))
    assert notifications["notifications"] >= 2 and notifications["outbox"] >= 1
    # The scan reads the day's records: the register number is stored in plain text.
    assert scan([day.register_number], *(data for _label, data in database)), "no records?"

    pages = [(f"error page: {label}", data) for label, data in day.pages.items()]
    sources: list[tuple[str, bytes]] = list(database)
    sources += [(str(path), path.read_bytes()) for path in logs]
    sources.append(("notification texts", json.dumps(notifications, ensure_ascii=False).encode()))
    sources.append(("access-log URLs", "\n".join(logged_urls).encode()))
    sources.append(("client URLs", "\n".join(served.urls).encode()))
    sources += pages
    for label, data in day.exports.items():
        sources.extend(expanded(f"export: {label}", data))

    hits = scan_all(needles(DAY), sources)
    # The probe was only ever in addresses: the answers and the database must not keep it.
    probe_hits = scan_all(needles(PROBE), [*database, *pages])

    scanned = sum(len(data) for _label, data in sources)
    print(
        f"\ncanary scan ({backend}): {len(sources)} sources, {scanned:,} bytes, "
        f"{len(logged_urls)} logged requests, {notifications['notifications']} notifications, "
        f"{notifications['outbox']} outbox messages, {notifications['sessions']} sessions, "
        f"{len(day.exports)} exports; "
        f"hits {len(hits)}, probe hits {len(probe_hits)}"
    )
    assert hits == [], "the canary in plain text:\n" + report(hits)
    assert probe_hits == [], "an address echoed or stored:\n" + report(probe_hits)


def test_the_scan_finds_a_planted_canary_in_every_form() -> None:
    """The scan itself can fail: each form of the canary is found where it was written."""
    forms = [
        DAY.name,
        DAY.name.upper(),
        DAY.nik,
        "7372 0199 9999 0042",
        "737201.999999.0042",
        "0812-9999-0042",
        "+6281299990042",
        DAY.address.lower(),
    ]
    for form in forms:
        assert scan(needles(DAY), f"...{form}...".encode()), form
        assert scan(needles(DAY), f"...{form}...".encode("utf-16-le")), form
    assert scan(needles(DAY), b"Kanari Q. and 7372 0199 and 0812 and 737201999999") == []
