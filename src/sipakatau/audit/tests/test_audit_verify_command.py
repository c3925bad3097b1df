"""manage.py audit_verify and audit_head: exit 0 and the head when intact; CommandError
(exit status 1 on the command line) naming the first bad event otherwise. Both keep the
newest head in a file outside the database, so a cut tail is caught without options."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.utils import translation

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import SYSTEM, log

from .helpers import TABLE, sql, triggers_dropped

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anchor_file(settings: LazySettings, tmp_path: Path) -> Path:
    """Each test keeps its anchor apart: a real one would outlive the test database."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit_anchor"
    return Path(settings.AUDIT_ANCHOR_FILE)


def _run(name: str, *args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(name, *args, stdout=out)
    return out.getvalue()


def test_it_reports_an_intact_chain_with_its_count_and_head() -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(3)]
    head = events[-1]

    output = _run("audit_verify")

    assert f"{AuditEvent.objects.count()} " in output
    assert f"{head.seq}:{head.hash}" in output


def test_it_names_the_first_edited_event() -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(4)]
    with triggers_dropped():
        for victim in events[1:3]:
            sql(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["666", victim.pk])  # noqa: S608

    with pytest.raises(CommandError) as raised:
        _run("audit_verify")

    message = str(raised.value)
    assert f"#{events[1].seq} (id {events[1].pk})" in message
    assert "edited" in message
    assert raised.value.returncode == 1


def test_it_names_a_deleted_event() -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(4)]
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])  # noqa: S608

    with pytest.raises(CommandError, match=rf"deleted: .*#{events[2].seq}\b"):
        _run("audit_verify")


def test_it_catches_a_removed_head_against_the_anchor(anchor_file: Path) -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(3)]
    anchor = _run("audit_head").strip()
    anchor_file.unlink()  # only the anchor written down elsewhere is left
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])  # noqa: S608

    assert "intact" in _run("audit_verify")
    with pytest.raises(CommandError, match="deleted"):
        _run("audit_verify", "--anchor", anchor)


@pytest.mark.parametrize("cut", [1, 3])
def test_it_catches_the_last_events_deleted_without_any_option(cut: int) -> None:
    # Given a chain checked once (the nightly run)
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(5)]
    assert "intact" in _run("audit_verify")

    # When someone with the database's password deletes the newest events
    with triggers_dropped():
        for victim in events[-cut:]:
            sql(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])  # noqa: S608

    # Then the next plain check names the first missing one
    with pytest.raises(CommandError, match=rf"deleted: event #{events[-cut].seq}\b"):
        _run("audit_verify")


def test_a_cut_tail_grown_again_is_caught_and_does_not_move_the_anchor(
    anchor_file: Path,
) -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(3)]
    _run("audit_head")
    kept = anchor_file.read_text()
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])  # noqa: S608
    for n in range(3):
        log(SYSTEM, "case.viewed", ("cases.case", 10 + n))  # the app writes on

    with pytest.raises(CommandError, match="anchor_mismatch"):
        _run("audit_verify")
    _run("audit_head")
    assert anchor_file.read_text() == kept


def test_new_events_move_the_kept_anchor_forward() -> None:
    log(SYSTEM, "case.viewed")
    _run("audit_verify")
    newest = log(SYSTEM, "case.updated")

    output = _run("audit_verify")

    assert f"head {newest.seq}:{newest.hash}" in output
    assert f"reaches event #{newest.seq - 1}" in output
    assert f"reaches event #{newest.seq}," in _run("audit_verify")


def test_an_anchor_of_another_chain_is_not_held_against_this_one(anchor_file: Path) -> None:
    anchor_file.write_text(f"7:{'a' * 64} {'b' * 64}\n")
    log(SYSTEM, "case.viewed")

    assert "intact" in _run("audit_verify")


def test_an_emptied_trail_is_caught_against_the_kept_anchor() -> None:
    log(SYSTEM, "case.viewed")
    _run("audit_verify")
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE}")  # noqa: S608

    with pytest.raises(CommandError, match="deleted"):
        _run("audit_verify")


def test_forgetting_the_anchor_after_a_restore_accepts_the_shorter_chain() -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(3)]
    _run("audit_verify")
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])  # noqa: S608 - the restore

    assert "intact" in _run("audit_verify", "--forget-anchor")
    assert "intact" in _run("audit_verify")


def test_it_refuses_a_malformed_anchor() -> None:
    with pytest.raises(CommandError):
        _run("audit_verify", "--anchor", "12:abc")


def test_audit_head_prints_seq_and_hash() -> None:
    log(SYSTEM, "case.viewed")
    head = log(SYSTEM, "case.updated")

    assert _run("audit_head").strip() == f"{head.seq}:{head.hash}"


def test_audit_head_fails_on_an_empty_trail() -> None:
    with pytest.raises(CommandError, match="empty"):
        _run("audit_head")
