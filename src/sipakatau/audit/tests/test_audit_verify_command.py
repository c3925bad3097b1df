"""manage.py audit_verify and audit_head: exit 0 and the head when intact; CommandError
(exit status 1 on the command line) naming the first bad event otherwise."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import SYSTEM, log

from .helpers import TABLE, sql, triggers_dropped

pytestmark = pytest.mark.django_db


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


def test_it_catches_a_removed_head_against_the_anchor() -> None:
    events = [log(SYSTEM, "case.viewed", ("cases.case", n)) for n in range(3)]
    anchor = _run("audit_head").strip()
    with triggers_dropped():
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])  # noqa: S608

    assert "intact" in _run("audit_verify")
    with pytest.raises(CommandError, match="deleted"):
        _run("audit_verify", "--anchor", anchor)


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
