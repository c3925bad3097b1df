"""The verifier finds every edit, deletion, insertion and reordering, at the first bad event."""

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, log
from sipakatau.audit.verify import Anchor, Problem, chain_head, verify_chain

from .helpers import TABLE, sql, triggers_dropped

pytestmark = pytest.mark.django_db

ACTIONS = ["case.viewed", "person.read", "case.updated", "auth.signed_in", "case.exported"]
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def make_chain(length: int) -> list[AuditEvent]:
    return [
        log(
            Actor(user_id=n + 1, label=f"user{n}", organisation_id=7, role="caseworker"),
            ACTIONS[n % len(ACTIONS)],
            ("people.person", 1000 + n),
            fields=["name", "nik"][: n % 3],
        )
        for n in range(length)
    ]


def in_rolled_back_savepoint(check: Callable[[], None]) -> None:
    """Each hypothesis example starts from the same database: its chain is thrown away."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


def _changed(event: AuditEvent, column: str) -> Any:
    value = getattr(event, column)
    if column == "occurred_at":
        return value + timedelta(seconds=1)
    if column in ("actor_id", "organisation_id"):
        return (value or 0) + 1
    if column == "fields":
        return [*value, "address"]
    if column in ("prev_hash", "hash"):
        return secrets.token_hex(32)
    return value + "x"


EDITABLE = [
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "fields",
    "prev_hash",
    "hash",
]


def _renumber(new_seq_of: dict[int, int]) -> None:
    """Give events new sequence numbers without tripping the unique constraint midway."""
    for old in new_seq_of:
        sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [-old, old])  # noqa: S608
    for old, new in new_seq_of.items():
        sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [new, -old])  # noqa: S608


def test_an_untouched_chain_is_intact() -> None:
    events = make_chain(5)

    result = verify_chain(anchor=Anchor(events[-1].seq, events[-1].hash))

    assert result.ok
    assert result.count == AuditEvent.objects.count()
    assert result.head == Anchor(events[-1].seq, events[-1].hash) == chain_head()


def test_an_empty_trail_is_intact() -> None:
    result = verify_chain()

    assert result.ok
    assert result.count == 0
    assert result.head is None


@EXAMPLES
@given(data=st.data(), length=st.integers(1, 8), column=st.sampled_from(EDITABLE))
def test_it_names_an_edited_event(data: st.DataObject, length: int, column: str) -> None:
    def check() -> None:
        events = make_chain(length)
        anchor = chain_head()
        victim = data.draw(st.sampled_from(events), label="edited")

        with triggers_dropped():
            AuditEvent.objects.filter(pk=victim.pk).update(**{column: _changed(victim, column)})

        failure = verify_chain(anchor=anchor).failure
        assert failure is not None
        assert (failure.seq, failure.event_id, failure.problem) == (
            victim.seq,
            victim.pk,
            Problem.EDITED,
        )

    in_rolled_back_savepoint(check)


@EXAMPLES
@given(data=st.data(), length=st.integers(1, 8))
def test_it_names_a_deleted_event(data: st.DataObject, length: int) -> None:
    def check() -> None:
        events = make_chain(length)
        anchor = chain_head()
        victim = data.draw(st.sampled_from(events), label="deleted")

        with triggers_dropped():
            sql(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])  # noqa: S608

        # The newest event can only be missed against an anchor kept elsewhere.
        failure = verify_chain(anchor=anchor).failure
        assert failure is not None
        assert (failure.seq, failure.event_id, failure.problem) == (
            victim.seq,
            None,
            Problem.DELETED,
        )

    in_rolled_back_savepoint(check)


@EXAMPLES
@given(data=st.data(), length=st.integers(1, 8))
def test_it_names_an_inserted_event(data: st.DataObject, length: int) -> None:
    def check() -> None:
        events = make_chain(length)
        anchor = chain_head()
        first, last = events[0].seq, events[-1].seq
        position = data.draw(st.integers(first, last + 1), label="inserted at")
        before = AuditEvent.objects.filter(seq=position - 1).first()

        # The forger links the new event neatly to its predecessor but, without the
        # key, can only guess its hash.
        with triggers_dropped():
            _renumber({seq: seq + 1 for seq in range(position, last + 1)})
            forged = AuditEvent.objects.create(
                seq=position,
                occurred_at=events[0].occurred_at,
                actor_id=99,
                actor_label="intruder",
                action="case.viewed",
                prev_hash=before.hash if before else "0" * 64,
                hash=secrets.token_hex(32),
            )

        failure = verify_chain(anchor=anchor).failure
        assert failure is not None
        assert (failure.seq, failure.event_id) == (position, forged.pk)
        # Appended after the head, a forged event looks like an edited one.
        expected = {Problem.INSERTED} if position <= last else {Problem.EDITED}
        assert failure.problem in expected

    in_rolled_back_savepoint(check)


@EXAMPLES
@given(data=st.data(), length=st.integers(2, 8))
def test_it_names_the_first_reordered_event(data: st.DataObject, length: int) -> None:
    def check() -> None:
        events = make_chain(length)
        anchor = chain_head()
        seqs = [event.seq for event in events]
        order = data.draw(st.permutations(seqs).filter(lambda p: list(p) != seqs), label="order")
        new_seq_of = {old: new for old, new in zip(seqs, order, strict=True) if old != new}

        with triggers_dropped():
            _renumber(new_seq_of)

        first_moved = min(new_seq_of.values())
        moved_there = next(e for e in events if new_seq_of.get(e.seq) == first_moved)
        failure = verify_chain(anchor=anchor).failure
        assert failure is not None
        assert (failure.seq, failure.event_id, failure.problem) == (
            first_moved,
            moved_there.pk,
            Problem.REORDERED,
        )

    in_rolled_back_savepoint(check)


def test_it_finds_swapped_contents_even_when_the_numbers_stay() -> None:
    # Given a chain, when two events trade everything but their seq and id
    events = make_chain(4)
    a, b = events[1], events[2]
    columns = ["occurred_at", "actor_id", "actor_label", "action", "object_id", "fields"]
    with triggers_dropped():
        sql(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["f" * 64, a.pk])  # noqa: S608
        for source, target in ((a, b), (b, a)):
            AuditEvent.objects.filter(pk=target.pk).update(
                prev_hash=source.prev_hash,
                hash=source.hash,
                **{column: getattr(source, column) for column in columns},
            )

    # then the first of them is named
    failure = verify_chain().failure
    assert failure is not None
    assert (failure.seq, failure.event_id, failure.problem) == (a.seq, a.pk, Problem.REORDERED)


def test_an_anchor_from_another_chain_is_refused() -> None:
    events = make_chain(3)

    failure = verify_chain(anchor=Anchor(events[1].seq, "a" * 64)).failure

    assert failure is not None
    assert (failure.seq, failure.problem) == (events[1].seq, Problem.ANCHOR_MISMATCH)


def test_an_anchor_parses_as_printed() -> None:
    anchor = Anchor(12, "ab" * 32)

    assert Anchor.parse(str(anchor)) == anchor
    with pytest.raises(ValueError):
        Anchor.parse("12")
