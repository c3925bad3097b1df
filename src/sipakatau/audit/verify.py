"""Checking the audit chain end to end.

The walk streams the events in ``seq`` order and keeps only the previous event and one
event of look-ahead in memory, so it costs the same memory for a hundred events as for
ten million. It stops at the first bad event: everything after a broken link is
unproven anyway, and an operator needs one place to start looking.

Dropping the newest events leaves a chain that is still consistent; only a copy of the
head kept somewhere else (an "anchor", see ``audit_head``) can show that. Pass it as
``anchor`` to catch that case too. ``audit_verify`` and ``audit_head`` keep the newest
head they saw in a file outside the database (``kept_anchor``), so every later check
catches a cut tail by default.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import AuditEvent
from .services import GENESIS, chain_hash

CHUNK_SIZE = 2000


class Problem(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    ANCHOR_MISMATCH = "anchor_mismatch"


@dataclass(frozen=True)
class Anchor:
    """A head (seq and hash) written down somewhere the database cannot change."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        """``SEQ:HASH``, as ``audit_head`` prints it."""
        seq, sep, digest = text.strip().partition(":")
        if not sep or not seq.isdigit() or len(digest) != 64:
            raise ValueError(_("An anchor looks like 1234:<64 hex digits>."))
        return cls(seq=int(seq), hash=digest.lower())

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True)
class Failure:
    """The first bad event: where it is and what is wrong with it."""

    problem: Problem
    seq: int
    event_id: int | None  # None when the event at ``seq`` is missing altogether
    detail: str

    def __str__(self) -> str:
        where = (
            _("event #%(seq)s (id %(id)s)") % {"seq": self.seq, "id": self.event_id}
            if self.event_id is not None
            else _("event #%(seq)s") % {"seq": self.seq}
        )
        return _("%(where)s: %(detail)s") % {"where": where, "detail": self.detail}


@dataclass(frozen=True)
class VerifyResult:
    count: int
    head: Anchor | None
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def _events() -> QuerySet[AuditEvent]:
    # id as tie-breaker: should a duplicate seq ever exist, the walk sees it in a fixed order.
    return AuditEvent.objects.order_by("seq", "id")


def _with_lookahead(events: Iterator[AuditEvent]) -> Iterator[tuple[AuditEvent, AuditEvent | None]]:
    current = next(events, None)
    while current is not None:
        following = next(events, None)
        yield current, following
        current = following


def _diagnose(
    event: AuditEvent, previous: AuditEvent | None, following: AuditEvent | None
) -> Failure | None:
    """What is wrong with ``event``, judged against its neighbours in seq order.

    Without the key nobody can write an event whose hash matches, so every tampering
    shows up as a mismatch or a broken link; the neighbours tell which tampering it was.
    """
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS
    if previous is not None and event.seq == previous.seq:
        return Failure(
            Problem.INSERTED,
            event.seq,
            event.pk,
            _("a second event with the same sequence number was added"),
        )
    if event.seq != expected_seq:
        return Failure(
            Problem.DELETED,
            expected_seq,
            None,
            _("missing: the events from #%(first)s to #%(last)s were removed")
            % {"first": expected_seq, "last": event.seq - 1},
        )
    own_hash_ok = chain_hash(event.prev_hash, event) == event.hash
    linked = event.prev_hash == expected_prev
    if own_hash_ok and linked:
        return None
    # The event links to one that now sits elsewhere in the chain: rows were moved.
    if not linked and (
        (following is not None and following.hash == event.prev_hash)
        or AuditEvent.objects.filter(hash=event.prev_hash).exclude(seq=event.seq - 1).exists()
    ):
        return Failure(
            Problem.REORDERED,
            event.seq,
            event.pk,
            _("it was moved: it belongs after another event"),
        )
    # The next event links straight to the previous one, so this one was slipped in.
    if following is not None and following.prev_hash == expected_prev:
        return Failure(
            Problem.INSERTED,
            event.seq,
            event.pk,
            _("it was added later: the next event links to the one before it"),
        )
    if own_hash_ok:
        return Failure(
            Problem.REORDERED,
            event.seq,
            event.pk,
            _("its link to the previous event is broken"),
        )
    return Failure(
        Problem.EDITED,
        event.seq,
        event.pk,
        _("its content does not match its hash: it was changed, or written without the key"),
    )


def verify_chain(*, anchor: Anchor | None = None) -> VerifyResult:
    """Walk the whole chain; report the count, the head, and the first bad event if any."""
    previous: AuditEvent | None = None
    count = 0
    anchor_seen = False
    for event, following in _with_lookahead(_events().iterator(chunk_size=CHUNK_SIZE)):
        failure = _diagnose(event, previous, following)
        if failure is None and anchor is not None and event.seq == anchor.seq:
            anchor_seen = True
            if event.hash != anchor.hash:
                failure = Failure(
                    Problem.ANCHOR_MISMATCH,
                    event.seq,
                    event.pk,
                    _("its hash differs from the anchor kept elsewhere: the chain was rebuilt"),
                )
        if failure is not None:
            return VerifyResult(count=count, head=_head_of(previous), failure=failure)
        previous = event
        count += 1
    if anchor is not None and not anchor_seen:
        first_missing = previous.seq + 1 if previous else 1
        failure = Failure(
            Problem.DELETED,
            first_missing,
            None,
            _("missing: the anchor names event #%(anchor)s but the chain ends before it")
            % {"anchor": anchor.seq},
        )
        return VerifyResult(count=count, head=_head_of(previous), failure=failure)
    return VerifyResult(count=count, head=_head_of(previous))


def _head_of(event: AuditEvent | None) -> Anchor | None:
    return Anchor(seq=event.seq, hash=event.hash) if event else None


def chain_head() -> Anchor | None:
    """The newest event as an anchor; one indexed lookup, no walk."""
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    return _head_of(last)


# --- The kept anchor ---------------------------------------------------------------------
# A file, not a table: whoever can delete events from the database (triggers dropped) can
# change any table too, but not a file the database server cannot write. Next to the
# audit key by default, which must be kept apart from the database anyway.


@dataclass(frozen=True)
class KeptAnchor:
    """The newest head seen, with the hash of the chain's first event: a head of another
    chain (a new database, tests) says nothing about this one."""

    head: Anchor
    first_hash: str


def anchor_file() -> Path:
    configured = getattr(settings, "AUDIT_ANCHOR_FILE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit_anchor"


def kept_anchor() -> KeptAnchor | None:
    """The anchor kept by the last check, or None (never kept, or unreadable)."""
    try:
        head_line, first_line = anchor_file().read_text().split()[:2]
        head = Anchor.parse(head_line)
    except (OSError, ValueError):
        return None
    return KeptAnchor(head=head, first_hash=first_line.lower())


def first_hash() -> str | None:
    first = AuditEvent.objects.order_by("seq").only("hash").first()
    return first.hash if first else None


def applicable_anchor(kept: KeptAnchor | None) -> Anchor | None:
    """The kept head if it belongs to this chain: its first event is the one the anchor
    names (nobody can write another first event without the key), or the chain is empty
    (every event deleted)."""
    if kept is None:
        return None
    current_first = first_hash()
    if current_first is None or current_first == kept.first_hash:
        return kept.head
    return None


def keep_anchor(head: Anchor | None) -> bool:
    """Keep ``head`` unless the kept one of this chain is newer; True when written."""
    current_first = first_hash()
    if head is None or current_first is None:
        return False
    kept = kept_anchor()
    if kept is not None and kept.first_hash == current_first:
        if kept.head.seq >= head.seq:
            return False
        # A tail cut and grown again past the kept head must not overwrite the evidence:
        # move on only from a kept head that is still in the chain.
        if not AuditEvent.objects.filter(seq=kept.head.seq, hash=kept.head.hash).exists():
            return False
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(f"{head} {current_first}\n")
    os.replace(partial, path)  # a crash leaves the old anchor or the new one, never half
    return True


def forget_anchor() -> None:
    anchor_file().unlink(missing_ok=True)
