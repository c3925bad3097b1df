"""Responses entered in the app, one screen at a time (issue 15, "data entry on a phone"):
start a draft, save a screen of it, send it, throw it away.

The draft is saved on the server after every screen, so a dropped network loses at most
the screen being typed. Sending is idempotent: the draft row is re-read under
``select_for_update`` (an immediate transaction on SQLite) and the submission carries the
draft's key as its ``source_key``, so a double tap or a resend stores one response."""

import uuid
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit

from .. import screens
from ..kobo import _rt_rw
from ..models import DraftStatus, Questionnaire, ResponseDraft, Submission, SubmissionSource
from ..queries import may_edit_draft, may_enter_response
from .common import require


def layout_for(questionnaire: Questionnaire) -> screens.Layout:
    return screens.layout_of(questionnaire.definition, questionnaire.title)


def _place(rw: Any, rt: Any) -> tuple[str, str]:
    rw_code, rt_code = _rt_rw(str(rw or "")), _rt_rw(str(rt or ""))
    errors = {}
    if not rw_code:
        errors["rw"] = [_("Write the RW number (1 to 999).")]
    if not rt_code:
        errors["rt"] = [_("Write the RT number (1 to 999).")]
    if errors:
        raise ValidationError(errors)
    return rw_code, rt_code


def _locked(draft: ResponseDraft) -> ResponseDraft:
    return (
        # Only the draft's own row is locked. Its submission is not joined: a row joined
        # here would be read as it was before the lock was granted (PostgreSQL re-reads only
        # the locked row), so a second tap would see the draft sent but no submission.
        ResponseDraft.objects.select_for_update(of=("self",))
        .select_related("questionnaire__kelurahan")
        .get(pk=draft.pk)
    )


def _still_open(draft: ResponseDraft) -> None:
    if draft.status != DraftStatus.OPEN:
        raise ValidationError(_("This response was already sent. It cannot be changed here."))


@transaction.atomic
def draft_start(
    *,
    actor: Membership,
    questionnaire: Questionnaire,
    rw: Any,
    rt: Any,
    household_id: int | None = None,
    key: str = "",
) -> ResponseDraft:
    """A new response to ``questionnaire``, placed by RT/RW (and at most a household's
    number, never a name). A ``key`` sent again returns the draft it started."""
    require(may_enter_response(actor, questionnaire))
    key = key.strip()[:100]
    if key:
        existing = ResponseDraft.objects.filter(key=key).first()
        if existing is not None:
            if existing.enumerator_id != actor.user_id or (
                existing.questionnaire_id != questionnaire.pk
            ):
                raise ValidationError({"key": [_("This key is already used.")]})
            return existing
    rw_code, rt_code = _place(rw, rt)
    now = timezone.now()
    layout = layout_for(questionnaire)
    try:
        with transaction.atomic():
            draft = ResponseDraft.objects.create(
                questionnaire=questionnaire,
                enumerator=actor.user,
                organisation=actor.organisation,
                key=key or uuid.uuid4().hex,
                rw=rw_code,
                rt=rt_code,
                household_id=household_id,
                position=screens.first_screen(layout, {}, rw_code, rt_code) or 0,
                saved_at=now,
            )
    except IntegrityError:
        # The same key sent twice at once: the first one made it.
        return ResponseDraft.objects.get(key=key, enumerator_id=actor.user_id)
    audit.log(actor, "mapping.draft_started", draft, fields=["rw", "rt", "household_id"])
    return draft


@transaction.atomic
def draft_save(
    *,
    actor: Membership,
    draft: ResponseDraft,
    answers: dict[str, Any],
    screen: int | None = None,
    move: int = 0,
    shown: Collection[str] | None = None,
    partial: bool = False,
    place: tuple[Any, Any, int | None] | None = None,
) -> ResponseDraft:
    """What was typed on a screen (``answers``: path → typed value, a repeat's path →
    a list of such maps). Refused with the errors by question (``screens.error_key``)
    and nothing saved, unless ``partial`` (going back a screen): then what is right is
    kept and the rest left as it was. ``place`` changes RW, RT and the household number.

    ``screen`` and ``move`` (-1, 0, +1) set where the enumerator comes back to: the next
    screen that is asked, or the same one when the answers made a question appear on it
    that was not ``shown`` yet (no JavaScript: the page grows on the next visit)."""
    draft = _locked(draft)
    require(may_edit_draft(actor, draft))
    _still_open(draft)
    fields = ["answers", "position", "saved_at"]
    if place is not None:
        draft.rw, draft.rt = _place(place[0], place[1])
        draft.household_id = place[2]
        fields += ["rw", "rt", "household_id"]
    layout = layout_for(draft.questionnaire)
    merged, errors = screens.apply(layout, draft.answers, answers, draft.rw, draft.rt)
    if errors and not partial:
        raise ValidationError({key: [message] for key, message in errors.items()})
    for key in errors:
        if key in draft.answers:  # a mistyped answer does not wipe the one saved before
            merged[key] = draft.answers[key]
    draft.answers = merged
    if screen is not None:
        draft.position = _position(layout, draft, screen, move, shown)
    draft.saved_at = timezone.now()
    draft.save(update_fields=fields)
    audit.log(actor, "mapping.draft_saved", draft, fields=["answers"])
    return draft


def _position(
    layout: screens.Layout,
    draft: ResponseDraft,
    index: int,
    move: int,
    shown: Collection[str] | None,
) -> int:
    """Where the enumerator goes next; ``len(layout.screens)`` is the review page."""
    index = max(0, min(index, len(layout.screens)))
    if move == 0 or index == len(layout.screens):
        return index
    if move > 0 and shown is not None:
        here = layout.screens[index]
        visible = screens.visible_items(layout, here, draft.answers, draft.rw, draft.rt)
        if any(item.path not in shown for item in visible if not item.is_note):
            return index
    following = screens.step(layout, draft.answers, draft.rw, draft.rt, index, move)
    if following is None:
        return len(layout.screens) if move > 0 else index
    return following


@transaction.atomic
def draft_submit(*, actor: Membership, draft: ResponseDraft) -> Submission:
    """The draft as one submission, every answer checked once more. Sending a draft that
    was already sent returns its submission (a double tap, a resend after a timeout)."""
    draft = _locked(draft)
    if draft.status == DraftStatus.SUBMITTED and draft.enumerator_id == actor.user_id:
        assert draft.submission_id is not None  # set in the same save as the status
        return Submission.objects.get(pk=draft.submission_id)
    require(may_edit_draft(actor, draft))
    _still_open(draft)
    layout = layout_for(draft.questionnaire)
    done = screens.finish(layout, draft.answers, draft.rw, draft.rt)
    if done.problems:
        raise ValidationError(
            [f"{label}: {reason}" if label else reason for _index, label, reason in done.problems]
        )
    submission = Submission.objects.create(
        questionnaire=draft.questionnaire,
        rw=draft.rw,
        rt=draft.rt,
        household_id=draft.household_id,
        enumerator=actor.user,
        submitted_at=timezone.now(),
        source=SubmissionSource.APP,
        source_key=draft.key,
        answers=done.answers,
        private=done.private,
    )
    # The answers now live in the submission; the draft keeps no second copy of them.
    draft.status = DraftStatus.SUBMITTED
    draft.submission = submission
    draft.answers = {}
    draft.saved_at = submission.submitted_at
    draft.save(update_fields=["status", "submission", "answers", "saved_at"])
    audit.log(actor, "mapping.submission_recorded", submission, fields=["answers", "private"])
    return submission


@transaction.atomic
def draft_discard(*, actor: Membership, draft: ResponseDraft) -> None:
    """Throw away an unsent draft (a visit started by mistake, a respondent who stopped)."""
    draft = _locked(draft)
    require(may_edit_draft(actor, draft))
    _still_open(draft)
    audit.log(actor, "mapping.draft_discarded", draft, fields=["answers"])
    draft.delete()
