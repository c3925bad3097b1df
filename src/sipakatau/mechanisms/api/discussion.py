"""The discussion of a version: comments and answers, their resolution, and meetings."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status as HttpStatus

from sipakatau.accounts.access import acting

from .. import queries, services
from ..models import Comment, Meeting
from .common import router
from .schemas import CommentIn, CommentOut, MeetingIn, MeetingOut


def _comment_answer(comment: Comment) -> Comment:
    return (
        Comment.objects.select_related("author", "organisation", "step", "resolved_by")
        .prefetch_related("replies__author", "replies__organisation")
        .get(pk=comment.pk)
    )


@router.get(
    "/versions/{version_id}/comments",
    response=list[CommentOut],
    summary="The comments on a version, with their answers",
    description="Top-level comments in the order they were made, each with its answers, "
    "section, step, status and who resolved it. Every stakeholder may read them.",
)
def comment_list(request: HttpRequest, version_id: int) -> QuerySet[Comment]:
    version = queries.version_for(acting(request), version_id)
    return queries.comments_of(version)


@router.post(
    "/versions/{version_id}/comments",
    response={201: CommentOut},
    summary="Comment on a version, or answer a comment",
    description="`section` says what the comment is about (`step` with a `step_id` of "
    "this version); `reply_to_id` answers a comment, taking its section. Every "
    "stakeholder who sees the version may comment while it is a draft or in discussion; "
    "afterwards this answers 422.",
)
def comment_add(request: HttpRequest, version_id: int, payload: CommentIn) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    step = reply_to = None
    if payload.step_id is not None:
        step = version.steps.filter(pk=payload.step_id).first()
        if step is None:
            raise ValidationError({"step": _("This step is not part of this version.")})
    if payload.reply_to_id is not None:
        reply_to = version.comments.select_related("step").filter(pk=payload.reply_to_id).first()
        if reply_to is None:
            raise ValidationError({"reply_to": _("Answer a comment on this version.")})
    comment = services.comment_add(
        actor=membership,
        version=version,
        text=payload.text,
        section=payload.section,
        step=step,
        reply_to=reply_to,
    )
    return HttpStatus(201, _comment_answer(comment))


@router.post(
    "/comments/{comment_id}/resolve",
    response=CommentOut,
    summary="Mark a comment resolved",
    description="It was taken into the text or answered. A version is approved only when "
    "every comment is resolved. Kelurahan officers of the kelurahan only (403 for other "
    "readers).",
)
def comment_resolve(request: HttpRequest, comment_id: int) -> Comment:
    membership = acting(request)
    comment = queries.comment_for(membership, comment_id)
    services.comment_resolve(actor=membership, comment=comment)
    return _comment_answer(comment)


@router.get(
    "/versions/{version_id}/meetings",
    response=list[MeetingOut],
    summary="The meetings held on a version",
    description="Date, place, agenda, minutes, decisions and the attendance list with the "
    "number of women, men and people with a disability. Every stakeholder may read them.",
)
def meeting_list(request: HttpRequest, version_id: int) -> QuerySet[Meeting]:
    version = queries.version_for(acting(request), version_id)
    return queries.meetings_of(version)


@router.post(
    "/versions/{version_id}/meetings",
    response={201: MeetingOut},
    summary="Record a meeting held on a version",
    description="After it took place (a future date answers 422), with the attendance "
    "list: name, organisation or group, position, gender (P/L) and disability. Kelurahan "
    "officers of the kelurahan only (403 for other readers).",
)
def meeting_add(request: HttpRequest, version_id: int, payload: MeetingIn) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    meeting = services.meeting_record(
        actor=membership,
        version=version,
        held_on=payload.held_on,
        place=payload.place,
        agenda=payload.agenda,
        minutes=payload.minutes,
        decisions=payload.decisions,
        attendees=[services.AttendeeInput(**a.dict()) for a in payload.attendees],
    )
    return HttpStatus(201, queries.meeting_for(membership, meeting.pk))


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingOut,
    summary="One meeting",
    description="Every stakeholder who sees its version may read it.",
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> Meeting:
    return queries.meeting_for(acting(request), meeting_id)
