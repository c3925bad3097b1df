"""Backups: the restore drill, and every way a backup file must be refused.

The drill runs on whichever database the suite runs on (SQLite, or PostgreSQL through
DATABASE_URL). It cannot use the usual test transaction: a snapshot sees only committed
data, and the audit table refuses the DELETE/TRUNCATE a transactional test ends with. So
each drill works in scratch databases of its own: a copy of a freshly migrated template
as the source, and a new, empty database to restore into. The default connection is
pointed at one or the other and put back afterwards.
"""

import io
import os
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import translation

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, log
from sipakatau.lib.backup import ChainHead, key_id, live_state
from sipakatau.lib.backup.container import BackupError, SealedReader, SealedWriter
from tests.factories import CITY, make_organisation, make_persona

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # Commands speak the active language (Indonesian by default); assert on the English.
    with translation.override("en"):
        yield


# --- Scratch databases ----------------------------------------------------------------------


def _admin() -> Any:
    """A connection to the PostgreSQL server's maintenance database, for CREATE/DROP."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    from sipakatau.lib.backup.engines import Database

    params = {**Database.for_alias("default").libpq(), "dbname": "postgres"}
    return psycopg.connect(make_conninfo(**params), autocommit=True)


@dataclass
class Switch:
    """Points the default connection at other databases, then back where it was."""

    original: str = field(default_factory=lambda: str(connection.settings_dict["NAME"]))
    stash: Any = None
    switched: bool = False

    def to(self, name: str) -> None:
        in_memory = "mode=memory" in str(connection.settings_dict["NAME"])
        if not self.switched and in_memory:
            # Closing would destroy an in-memory test database: keep its connection aside.
            self.stash, connection.connection = connection.connection, None
        else:
            connection.close()
        connection.settings_dict["NAME"] = name
        self.switched = True

    def back(self) -> None:
        if self.switched:
            connection.close()
            connection.settings_dict["NAME"] = self.original
            connection.connection = self.stash
            self.switched = False


def _scratch_name(label: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"{Switch().original}_drill_{label}{worker}"[-63:]


def _drop(*names: str) -> None:
    with _admin() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def template(django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database, made once: each drill starts from a copy of it.

    Made here rather than taken from pytest-django's test database, so a drill never
    depends on (or writes into) whichever database the connection pointed at before.
    """
    with django_db_blocker.unblock():
        switch = Switch()
        if connection.vendor == "sqlite":
            name = str(tmp_path_factory.mktemp("drill") / "template.sqlite3")
        else:
            name = _scratch_name("template")
            _drop(name)
            with _admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
        try:
            switch.to(name)
            call_command("migrate", verbosity=0, interactive=False)
            switch.back()
            yield name
        finally:
            switch.back()
            if connection.vendor == "postgresql":
                _drop(name)


@dataclass
class Scratch:
    template: str
    tmp: Path
    switch: Switch = field(default_factory=Switch)
    created: list[str] = field(default_factory=list)

    def copy_of_template(self, label: str) -> str:
        if connection.vendor == "sqlite":
            import sqlite3

            path = self.tmp / f"{label}.sqlite3"
            source, target = sqlite3.connect(self.template), sqlite3.connect(path)
            source.backup(target)
            source.close()
            target.close()
            return str(path)
        name = _scratch_name(label)
        _drop(name)
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return name

    def empty_database(self, label: str) -> str:
        if connection.vendor == "sqlite":
            return str(self.tmp / "restored" / f"{label}.sqlite3")
        name = _scratch_name(label)
        _drop(name)
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return name

    def switch_to(self, name: str) -> None:
        self.switch.to(name)


@pytest.fixture
def scratch(template: str, django_db_blocker: Any, tmp_path: Path) -> Iterator[Scratch]:
    with django_db_blocker.unblock():
        helper = Scratch(template, tmp_path)
        try:
            yield helper
        finally:
            helper.switch.back()
            if helper.created:
                _drop(*helper.created)


@pytest.fixture
def backup_settings(settings: Any, tmp_path: Path) -> Any:
    settings.BACKUP_KEY = KEY
    settings.VAR_DIR = tmp_path / "var"
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings


@dataclass
class Source:
    name: str
    last_event: AuditEvent


@pytest.fixture
def source(scratch: Scratch, backup_settings: Any) -> Source:
    """A database with organisations, people with accounts and audit events, committed."""
    name = scratch.copy_of_template("source")
    scratch.switch_to(name)
    bahagia = make_organisation("LBK-KK Bahagia Kelurahan Watang Soreang")
    dp3a = make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    caseworker = make_persona(bahagia, Role.CASEWORKER, username="bahagia.pendamping")
    make_persona(dp3a, Role.AGENCY_OFFICER, username="dp3a.petugas")
    actor = Actor(user_id=caseworker.user.pk, label="bahagia.pendamping", role="caseworker")
    for action in ("case.viewed", "case.updated", "case.exported"):
        event = log(actor, action, ("cases.case", 7))
    return Source(name=name, last_event=event)


def run(command: str, *args: str, **options: Any) -> str:
    out = io.StringIO()
    call_command(command, *args, "--no-progress", stdout=out, **options)
    return out.getvalue()


def make_backup(tmp_path: Path) -> Path:
    path = tmp_path / "drill.sipbak"
    run("backup", "--output", str(path))
    return path


# --- The restore drill ----------------------------------------------------------------------


def test_a_restore_brings_back_every_row_the_checksum_and_the_audit_head(
    scratch: Scratch, source: Source, tmp_path: Path
) -> None:
    # Given a database with data made through the real services
    before = live_state()
    assert before.audit_head == ChainHead(source.last_event.seq, source.last_event.hash)
    assert before.tables["accounts_user"][0] == 2

    # When it is backed up, and restored into a new, empty database
    output = run("backup", "--output", str(tmp_path / "drill.sipbak"))
    path = tmp_path / "drill.sipbak"
    scratch.switch_to(scratch.empty_database("restore"))
    restored = run("restore", str(path))

    # Then every table, the checksum and the audit head are the same
    after = live_state()
    assert after.tables == before.tables
    assert after.checksum == before.checksum
    assert after.audit_head == before.audit_head
    assert "match the backup" in restored
    # ... the app reads the restored database as it read the original
    assert AuditEvent.objects.order_by("seq").last() == source.last_event
    assert AuditEvent.objects.get(seq=source.last_event.seq).hash == source.last_event.hash
    # ... and the operator was told where the backup is and what it holds
    assert str(path) in output
    assert f"{before.rows:,} in {len(before.tables)} tables" in output
    assert f"#{source.last_event.seq} {source.last_event.hash}" in output
    assert before.checksum in output


def test_a_backup_file_is_private_and_has_a_default_place(
    source: Source, backup_settings: Any
) -> None:
    output = run("backup")

    (path,) = Path(backup_settings.BACKUP_DIR).glob("sipakatau-*Z.sipbak")
    assert str(path) in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No plaintext snapshot is left behind.
    assert not list(Path(backup_settings.VAR_DIR).glob(".backup-*"))


def test_verify_checks_a_backup_without_touching_the_database(
    source: Source, tmp_path: Path
) -> None:
    path = make_backup(tmp_path)
    before = live_state()

    output = run("backup", "--verify", str(path))

    assert "intact" in output
    assert before.checksum in output
    assert live_state() == before


def test_a_backup_is_never_written_over_an_existing_file(source: Source, tmp_path: Path) -> None:
    path = make_backup(tmp_path)
    original = path.read_bytes()

    with pytest.raises(CommandError, match="already exists"):
        run("backup", "--output", str(path))
    assert path.read_bytes() == original


def test_a_backup_taken_while_the_app_writes_is_one_consistent_moment(
    scratch: Scratch, source: Source, tmp_path: Path
) -> None:
    # Given the app writing audit events as fast as it can
    stop, written = threading.Event(), [source.last_event]

    def app() -> None:
        try:
            while not stop.is_set():
                written.append(log(Actor(user_id=1), "case.viewed"))
        finally:
            connections.close_all()

    writer = threading.Thread(target=app)
    writer.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        # When a backup is taken meanwhile
        path = make_backup(tmp_path)
    finally:
        stop.set()
        writer.join()

    # Then it restores and matches its manifest (the restore checks), and it holds the
    # chain exactly up to one event the app wrote: no half-written moment.
    scratch.switch_to(scratch.empty_database("restore"))
    run("restore", str(path))
    head = live_state().audit_head
    assert head is not None
    assert {event.seq: event.hash for event in written}[head.seq] == head.hash
    assert AuditEvent.objects.count() == head.seq


# --- What must be refused -------------------------------------------------------------------


def test_restore_refuses_a_database_that_holds_data(source: Source, tmp_path: Path) -> None:
    path = make_backup(tmp_path)
    log(Actor(user_id=1), "case.viewed")
    before = live_state()

    with pytest.raises(CommandError, match="not empty"):
        run("restore", str(path))
    assert live_state() == before


def test_a_wrong_key_is_refused_with_a_clear_message(
    source: Source, tmp_path: Path, backup_settings: Any
) -> None:
    path = make_backup(tmp_path)
    other = tmp_path / "other.key"
    other.write_text("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n")  # OTHER_KEY
    expected = f"made with backup key {key_id(KEY)}, but the key given here is {key_id(OTHER_KEY)}"

    with pytest.raises(CommandError, match=expected):
        run("backup", "--verify", str(path), "--key-file", str(other))
    backup_settings.BACKUP_KEY = OTHER_KEY
    with pytest.raises(CommandError, match=expected):
        run("restore", str(path))


def _frames(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the header and of each sealed frame."""
    (header_length,) = struct.unpack(">I", data[10:14])
    spans, offset = [(0, 14 + header_length)], 14 + header_length
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        spans.append((offset, offset + 4 + length))
        offset += 4 + length
    return spans


def test_a_changed_byte_anywhere_is_refused(source: Source, tmp_path: Path) -> None:
    path = make_backup(tmp_path)
    data = path.read_bytes()
    header, manifest, *payload = _frames(data)
    places = {
        "magic": 0,
        "header": header[1] - 5,
        "manifest": manifest[0] + 20,
        "payload": (payload[0][0] + payload[0][1]) // 2,
        "last tag byte": len(data) - 1,
    }
    for place, offset in places.items():
        tampered = bytearray(data)
        tampered[offset] ^= 0x01
        path.write_bytes(bytes(tampered))
        with pytest.raises(CommandError) as refused:
            run("backup", "--verify", str(path))
        assert "intact" not in str(refused.value), place


def test_a_truncated_backup_is_refused(source: Source, tmp_path: Path) -> None:
    path = make_backup(tmp_path)
    data = path.read_bytes()
    _, manifest, *_ = _frames(data)
    for cut in (len(data) - 1, manifest[1], manifest[1] + 100, 30):
        path.write_bytes(data[:cut])
        with pytest.raises(CommandError, match=r"incomplete|damaged|not a Sipakatau"):
            run("backup", "--verify", str(path))
    path.write_bytes(data + b"\0")
    with pytest.raises(CommandError, match="after its end"):
        run("backup", "--verify", str(path))


def test_a_damaged_backup_is_refused_before_the_database_is_touched(
    scratch: Scratch, source: Source, tmp_path: Path
) -> None:
    path = make_backup(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])
    target = scratch.empty_database("restore")
    scratch.switch_to(target)

    with pytest.raises(CommandError, match="incomplete"):
        run("restore", str(path))

    assert live_state().rows == 0


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_restore_refuses_a_sqlite_database_in_use(
    scratch: Scratch, source: Source, tmp_path: Path
) -> None:
    import sqlite3

    path = make_backup(tmp_path)
    target = Path(scratch.empty_database("restore"))
    target.parent.mkdir()
    app = sqlite3.connect(target)  # the web server, still running on an empty database
    app.execute("PRAGMA journal_mode=WAL")
    app.execute("SELECT count(*) FROM sqlite_master").fetchone()
    scratch.switch_to(str(target))
    try:
        with pytest.raises(CommandError, match="in use"):
            run("restore", str(path))
    finally:
        app.close()
    assert live_state().rows == 0


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "SIPAKATAU_BACKUP_KEY (or SIPAKATAU_BACKUP_KEY_FILE) is required"),
        ("bm90LWEta2V5", "SIPAKATAU_BACKUP_KEY must be 32 random bytes in base64"),
    ],
)
def test_production_will_not_start_without_a_proper_backup_key(
    key: str | None, message: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIPAKATAU_")}
    env |= {
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
        "SIPAKATAU_ENV": "production",
        "SIPAKATAU_VAR_DIR": str(tmp_path),
        "SIPAKATAU_SECRET_KEY": "s" * 60,
        "SIPAKATAU_AUDIT_KEY": "a" * 64,
        "SIPAKATAU_ALLOWED_HOSTS": "sipakatau.example.go.id",
    }
    if key is not None:
        env["SIPAKATAU_BACKUP_KEY"] = key

    result = subprocess.run(
        [sys.executable, "-c", "import sipakatau.settings"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "backup_key").exists()


# --- The file format itself -----------------------------------------------------------------


def _seal(payload: bytes, frame_size: int = 1024) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(
        out,
        key=KEY,
        vendor="sqlite",
        created_at="2025-01-01T00:00:00+00:00",
        manifest={"n": 1},
        frame_size=frame_size,
    )
    for start in range(0, len(payload), 777):
        writer.write(payload[start : start + 777])
    writer.close()
    return out.getvalue()


def _open(data: bytes) -> bytes:
    reader = SealedReader(io.BytesIO(data), keys=[KEY])
    return b"".join(reader.chunks())


def test_a_sealed_stream_round_trips_in_many_frames() -> None:
    payload = os.urandom(20_000) + bytes(100_000)  # incompressible, then very compressible

    data = _seal(payload)

    assert len(_frames(data)) > 10
    assert _open(data) == payload
    assert SealedReader(io.BytesIO(data), keys=[OTHER_KEY, KEY]).manifest == {"n": 1}


@pytest.mark.parametrize("change", ["cut after a frame", "frame dropped", "frames swapped"])
def test_dropping_or_reordering_whole_frames_is_refused(change: str) -> None:
    data = _seal(os.urandom(10_000))
    spans = _frames(data)
    first, second, last = spans[2], spans[3], spans[-1]
    tampered = {
        "cut after a frame": data[: last[0]],
        "frame dropped": data[: first[0]] + data[first[1] :],
        "frames swapped": data[: first[0]]
        + data[second[0] : second[1]]
        + data[first[0] : first[1]]
        + data[second[1] :],
    }[change]

    with pytest.raises(BackupError, match=r"incomplete|damaged"):
        _open(tampered)


def test_the_header_cannot_be_edited_to_lie() -> None:
    data = _seal(b"x" * 5000)
    lie = data.replace(b'"vendor": "sqlite"', b'"vendor": "sqlitX"')

    with pytest.raises(BackupError, match="damaged"):
        _open(lie)
