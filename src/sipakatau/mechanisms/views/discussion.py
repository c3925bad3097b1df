"""The discussion of a draft: comments and answers (every stakeholder), resolving them
(the kelurahan), and the record of each meeting with its attendance list."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.lib.forms import show_refusal

from .. import queries, services
from ..codes import Section, Status
from ..forms import AttendeeFormSet, CommentForm, MeetingForm
from ..models import Comment
from .common import save_once, to_version
from .detail import version_page


@staff_view()
@require_POST
def comment_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A comment on a section or a step, or an answer (``reply_to``). When the text is
    missing the version page comes back with the message next to the form."""
    version = queries.version_for(membership, pk)
    form = CommentForm(request.POST, steps=version.steps.all())
    if form.is_valid():
        data = form.cleaned_data
        reply_to: Comment | None = None
        if data["reply_to"]:
            reply_to = queries.comment_for(membership, data["reply_to"])

        def save() -> HttpResponse:
            comment = services.comment_add(
                actor=membership,
                version=version,
                text=data["text"],
                section=data["section"],
                step=data["step"] if data["section"] == Section.STEP else None,
                reply_to=reply_to,
            )
            if reply_to is not None:
                messages.success(request, _("Your answer was added."))
            else:
                messages.success(request, _("Your comment was added."))
            return to_version(version, f"comment-{comment.reply_to_id or comment.pk}")

        if (done := save_once(request, form, version, save)) is not None:
            return done
    response = version_page(request, membership, version, comment_form=form)
    response.status_code = 400
    return response


@staff_view()
@require_POST
def comment_resolve(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    comment = queries.comment_for(membership, pk)
    try:
        services.comment_resolve(actor=membership, comment=comment)
        messages.success(request, _("The comment is marked resolved."))
    except ValidationError as error:
        show_refusal(request, error)
    return to_version(comment.version_id, f"comment-{comment.pk}")


def _more_rows(data: Any, prefix: str, extra: int = 10) -> Any:
    """The same send with ten more empty attendee rows (no JavaScript needed)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(min(int(data.get(key) or 0) + extra, 60))
    return data


@staff_view()
@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    if not queries.may_draft(membership, version.mechanism):
        raise PermissionDenied
    if version.status == Status.SUPERSEDED:
        messages.error(
            request, _("This version has been replaced: record the meeting on the new one.")
        )
        return to_version(version)
    data = request.POST if request.method == "POST" else None
    if data is not None and "more_rows" in data:
        data = _more_rows(data, AttendeeFormSet().prefix or "form")
    form = MeetingForm(data)
    attendees = AttendeeFormSet(data)
    sent = data is not None and "more_rows" not in request.POST
    if sent and form.is_valid() and attendees.is_valid():
        people = [a for a in (f.as_input() for f in attendees.forms) if a is not None]
        values = form.cleaned_data

        def save() -> HttpResponse:
            meeting = services.meeting_record(
                actor=membership,
                version=version,
                held_on=values["held_on"],
                place=values["place"],
                agenda=values["agenda"],
                minutes=values["minutes"],
                decisions=values["decisions"],
                attendees=people,
            )
            messages.success(request, _("The meeting was recorded."))
            return redirect("mechanisms:meeting_detail", pk=meeting.pk)

        if (done := save_once(request, form, version, save)) is not None:
            return done
    context = {"version": version, "form": form, "attendees": attendees}
    return render(request, "mechanisms/meeting_form.html", context)


@staff_view()
@require_GET
def meeting_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    meeting = queries.meeting_for(membership, pk)
    people = list(meeting.attendees.all())
    context = {
        "meeting": meeting,
        "version": meeting.version,
        "attendees": people,
        "women": sum(1 for p in people if p.gender == "P"),
        "men": sum(1 for p in people if p.gender == "L"),
        "with_disability": sum(1 for p in people if p.has_disability),
    }
    return render(request, "mechanisms/meeting_detail.html", context)
