"""manage.py breach_scope: what a user or an organisation read or exported, as CSV."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, log
from tests.factories import Persona

from .helpers import clock


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 27, hour, minute, tzinfo=UTC)


def _scope(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("breach_scope", *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture
def trail(bahagia_caseworker: Persona, ikhlas_caseworker: Persona) -> None:
    siti = Actor(
        user_id=bahagia_caseworker.user.pk,
        label=bahagia_caseworker.user.username,
        organisation_id=bahagia_caseworker.organisation.pk,
        role="caseworker",
    )
    other = Actor(
        user_id=ikhlas_caseworker.user.pk,
        label=ikhlas_caseworker.user.username,
        organisation_id=ikhlas_caseworker.organisation.pk,
        role="caseworker",
    )
    # 01:00 UTC is 09:00 WITA
    for moment, actor, action, object_id, fields in [
        (_at(0, 30), siti, "person.viewed", 1, ["name"]),  # 08:30 WITA: before the window
        (_at(1, 0), siti, "person.viewed", 2, ["name", "nik"]),
        (_at(1, 30), siti, "case.read", 3, ["violence_type"]),
        (_at(2, 0), siti, "case.updated", 3, ["status"]),  # a change, not a read
        (_at(2, 30), siti, "case.exported", 4, ["name", "address"]),
        (_at(3, 0), other, "person.viewed", 5, ["name"]),  # another user
        (_at(9, 0), siti, "person.viewed", 6, ["nik"]),  # 17:00 WITA: after the window
    ]:
        with clock(moment):
            log(actor, action, ("people.person", object_id), fields=fields)


def test_it_lists_what_a_user_read_or_exported_in_the_window(
    trail: None, bahagia_caseworker: Persona
) -> None:
    rows = _scope(
        "--user",
        bahagia_caseworker.user.username,
        "--from",
        "2026-11-27T09:00",
        "--to",
        "2026-11-27T16:00",
    )

    assert list(rows[0]) == [
        "actor",
        "organisation",
        "time",
        "action",
        "object_type",
        "object_id",
        "fields",
    ]
    assert [(row["action"], row["object_id"], row["fields"]) for row in rows] == [
        ("person.viewed", "2", "name nik"),
        ("case.read", "3", "violence_type"),
        ("case.exported", "4", "address name"),
    ]
    assert rows[0]["actor"] == bahagia_caseworker.user.username
    assert rows[0]["organisation"] == str(bahagia_caseworker.organisation.pk)
    assert rows[0]["time"] == "2026-11-27T09:00:00+08:00"


def test_a_date_covers_the_whole_day_and_a_zone_can_be_given(
    trail: None, bahagia_caseworker: Persona
) -> None:
    name = bahagia_caseworker.user.username

    whole_day = _scope("--user", name, "--from", "2026-11-27", "--to", "2026-11-27")
    in_utc = _scope(
        "--user", name, "--from", "2026-11-27T01:00", "--to", "2026-11-27T01:30", "--tz", "UTC"
    )

    assert [row["object_id"] for row in whole_day] == ["1", "2", "3", "4", "6"]
    assert [row["object_id"] for row in in_utc] == ["2", "3"]
    assert in_utc[0]["time"] == "2026-11-27T01:00:00+00:00"


def test_it_lists_a_whole_organisation(trail: None, ikhlas_caseworker: Persona) -> None:
    rows = _scope(
        "--organisation",
        str(ikhlas_caseworker.organisation.pk),
        "--from",
        "2026-11-27",
        "--to",
        "2026-11-28",
    )

    assert [(row["actor"], row["object_id"]) for row in rows] == [
        (ikhlas_caseworker.user.username, "5")
    ]


def test_it_writes_a_file_that_excel_opens_and_records_the_lookup(
    trail: None, bahagia_caseworker: Persona, tmp_path: Path
) -> None:
    target = tmp_path / "scope.csv"

    call_command(
        "breach_scope",
        "--user", bahagia_caseworker.user.username,
        "--from", "2026-11-27",
        "--to", "2026-11-27",
        "--output", str(target),
        stderr=io.StringIO(),
    )  # fmt: skip

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == 5
    assert AuditEvent.objects.filter(action="audit.breach_scoped").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--user", "nobody", "--from", "2026-11-27", "--to", "2026-11-28"],
        ["--organisation", "1", "--from", "yesterday", "--to", "2026-11-28"],
        ["--organisation", "1", "--from", "2026-11-28", "--to", "2026-11-27"],
        [
            "--organisation",
            "1",
            "--from",
            "2026-11-27",
            "--to",
            "2026-11-28",
            "--tz",
            "Mars/Olympus",
        ],
    ],
)
def test_it_refuses_what_it_cannot_read(args: list[str]) -> None:
    with pytest.raises(CommandError):
        _scope(*args)
