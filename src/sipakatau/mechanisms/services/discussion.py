"""The discussion of a draft: comments on a section or a step, answers, resolution, and
the record of each meeting with its attendance list."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit

from ..codes import EDITABLE, CommentStatus, Gender, Section, Status
from ..models import Attendee, Comment, MechanismVersion, Meeting, Step
from .common import clean_text, require_drafter, require_stakeholder


@dataclass(frozen=True)
class AttendeeInput:
    name: str
    organisation: str
    gender: str
    position: str = ""
    has_disability: bool = False


def comment_add(
    *,
    actor: Membership,
    version: MechanismVersion,
    text: str,
    section: str = Section.GENERAL,
    step: Step | None = None,
    reply_to: Comment | None = None,
) -> Comment:
    """Any stakeholder who sees the draft comments on it, or answers a comment."""
    require_stakeholder(actor, version)
    if reply_to is not None:
        if reply_to.version_id != version.pk:
            raise PermissionDenied
        if reply_to.reply_to is not None:
            reply_to = reply_to.reply_to  # answers stay one level deep
        section, step = reply_to.section, reply_to.step
    if section not in Section.values:
        raise ValidationError({"section": _("Choose what the comment is about.")})
    if step is not None and step.version_id != version.pk:
        raise ValidationError({"step": _("This step is not part of this version.")})
    if section == Section.STEP and step is None:
        raise ValidationError({"step": _("Choose the step the comment is about.")})
    text = clean_text(text, "text", limit=4000)
    with transaction.atomic():
        status = MechanismVersion.objects.select_for_update().get(pk=version.pk).status
        if status not in EDITABLE:
            raise ValidationError(
                _("The discussion of this version is over: comment on the next version.")
            )
        comment = Comment.objects.create(
            version=version,
            section=section,
            step=step if section == Section.STEP else None,
            reply_to=reply_to,
            author=actor.user,
            organisation=actor.organisation,
            text=text,
        )
        if reply_to is not None and reply_to.status == CommentStatus.OPEN:
            reply_to.status = CommentStatus.ANSWERED
            reply_to.save(update_fields=["status"])
        audit.log(actor, "mechanism_comment.created", comment, fields=["section", "step", "text"])
    return comment


def comment_resolve(*, actor: Membership, comment: Comment) -> Comment:
    """The drafter marks a comment dealt with (taken into the text, or answered)."""
    require_drafter(actor, comment.version.mechanism)
    if comment.reply_to_id is not None:
        raise ValidationError(_("Resolve the comment itself, not an answer to it."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status == CommentStatus.RESOLVED:
            return comment
        comment.status = CommentStatus.RESOLVED
        comment.resolved_by = actor.user
        comment.resolved_at = timezone.now()
        comment.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit.log(actor, "mechanism_comment.resolved", comment, fields=["status"])
    return comment


def meeting_record(
    *,
    actor: Membership,
    version: MechanismVersion,
    held_on: date,
    place: str,
    agenda: str = "",
    minutes: str = "",
    decisions: str = "",
    attendees: Sequence[AttendeeInput] = (),
) -> Meeting:
    require_drafter(actor, version.mechanism)
    if version.status == Status.SUPERSEDED:
        raise ValidationError(
            _("This version has been replaced: record the meeting on the new one.")
        )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A meeting is recorded after it took place.")})
    cleaned = []
    for index, person in enumerate(attendees, start=1):
        name = person.name.strip()
        if not name:
            continue
        if person.gender not in Gender.values:
            raise ValidationError(
                {"attendees": _("Attendee %(number)s: choose woman or man.") % {"number": index}}
            )
        if not person.organisation.strip():
            raise ValidationError(
                {
                    "attendees": _("Attendee %(number)s: give the organisation or group.")
                    % {"number": index}
                }
            )
        cleaned.append(person)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            version=version,
            held_on=held_on,
            place=clean_text(place, "place", limit=200),
            agenda=clean_text(agenda, "agenda", required=False, limit=300),
            minutes=clean_text(minutes, "minutes", required=False),
            decisions=clean_text(decisions, "decisions", required=False),
            recorded_by=actor.user,
        )
        Attendee.objects.bulk_create(
            Attendee(
                meeting=meeting,
                name=p.name.strip()[:200],
                organisation=p.organisation.strip()[:200],
                position=p.position.strip()[:200],
                gender=p.gender,
                has_disability=p.has_disability,
            )
            for p in cleaned
        )
        audit.log(
            actor,
            "mechanism_meeting.created",
            meeting,
            fields=["held_on", "place", "agenda", "minutes", "decisions", "attendees"],
        )
    return meeting
