"""Public pages (no sign-in) and the unit's inbox of public reports.

Public pages use their own base template: no HTMX, a quick-exit link first in tab order,
neutral titles. Nothing typed by a reporter ever goes into a URL: forms are POSTed and
the code and PIN reach the "done" page through the session, for that page only.
"""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import HANDLE_PUBLIC_REPORTS
from sipakatau.directory.queries import public_providers
from sipakatau.lib.access import staff_view
from sipakatau.lib.client_address import client_address
from sipakatau.lib.forms import apply_service_errors, show_refusal

from . import places, queries, services
from .challenge import Challenge
from .forms import (
    CloseForm,
    EasyReportForm,
    FloodForm,
    LinkForm,
    MessageForm,
    ReportForm,
    TrackForm,
)
from .models import ContactPreference, PublicReport, ReportStatus
from .services import decisions
from .tracking import TrackingRefused
from .urgency import CALL_NOW

SESSION_DONE = "public_report_done"
SESSION_TRACKED = "public_report_tracked"

# What a reporter reads about her report: plain words, and nothing that tells whoever
# looks over her shoulder more than she already knows.
STATUS_WORDS = {
    ReportStatus.RECEIVED: gettext_lazy("Your report has arrived. A worker will read it soon."),
    ReportStatus.HANDLING: gettext_lazy("A worker is handling your report."),
    ReportStatus.REFERRED: gettext_lazy("Your report was passed to another service that can help."),
    ReportStatus.CLOSED: gettext_lazy("The work on your report is finished."),
    ReportStatus.NOT_OURS: gettext_lazy(
        "This report is not for this service. Please call SAPA 129 for help."
    ),
    ReportStatus.SPAM: gettext_lazy("The work on your report is finished."),
    ReportStatus.FLOOD: gettext_lazy("The work on your report is finished."),
}


# --- Public pages ---------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    providers = public_providers().select_related("area").prefetch_related("services")[:50]
    units = queries.public_units()[:50]
    return render(request, "public/home.html", {"providers": providers, "units": units})


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The place first, then the story: the picker's steps (``?wilayah=<area code>``),
    then the form for the place chosen (``?tempat=<kelurahan code>``). Only area codes go
    into these URLs; the form itself is POSTed."""
    return _report_page(request, ReportForm, "public/report.html", easy=False)


@require_http_methods(["GET", "POST"])
def report_easy(request: HttpRequest) -> HttpResponse:
    """The easy-read form: fewer, shorter questions, large type, the same service."""
    return _report_page(request, EasyReportForm, "public/report_easy.html", easy=True)


@require_GET
def hotlines(request: HttpRequest) -> HttpResponse:
    """Where "My place is not in the list" leads: the numbers that help anywhere."""
    return render(request, "public/hotlines.html", {"hotlines": CALL_NOW})


def _place_step(request: HttpRequest, *, easy: bool) -> HttpResponse:
    code = request.GET.get("wilayah", "")[:32]
    context = {"step": places.place_step(code or None), "easy": easy, "hotlines": CALL_NOW}
    return render(request, "public/place.html", {**context, "again": bool(code)})


def _report_page(
    request: HttpRequest, form_class: type[ReportForm], template: str, *, easy: bool
) -> HttpResponse:
    if request.method != "POST":
        code = request.GET.get("tempat", "")[:32]
        if not code:
            return _place_step(request, easy=easy)
        place = places.served_place(code)
        if place is None:
            context = {"hotlines": CALL_NOW, "unserved": True, "easy": easy}
            return render(request, "public/hotlines.html", context)
        form = form_class(initial={"kelurahan": place.code})
        return render(request, template, {"form": form, "place": place})
    form = form_class(request.POST, request.FILES)
    # For the page's heading and links only: the service decides where the report goes.
    place = places.served_place(str(request.POST.get("kelurahan", ""))[:32])
    if request.POST.get("website"):
        # The honeypot was filled in: a robot. Nothing is stored; a person who somehow
        # got here is told where to go instead.
        form.is_valid()
        form.add_error(
            None,
            _("Your report could not be sent. Please try again, or call SAPA 129 (free)."),
        )
        return render(request, template, {"form": form, "place": place}, status=400)
    challenge: Challenge | None = None
    if form.is_valid():
        data = form.cleaned_data
        photo = data.get("photo")
        try:
            submitted = services.public_report_submit(
                idempotency_key=data["idempotency_key"],
                kelurahan_code=data["kelurahan"],
                about_self=data["about"] == "self",
                what_happened=data["what_happened"],
                when=data.get("when") or "",
                danger_now=data["danger_now"] == "yes",
                contact=data.get("contact") or ContactPreference.NONE,
                contact_phone=data.get("contact_phone") or "",
                contact_times=data.get("contact_times") or "",
                contact_safe=bool(data.get("contact_safe")),
                rt=data.get("rt") or "",
                rw=data.get("rw") or "",
                photo_name=photo.name if photo else "",
                photo_data=photo.read() if photo else None,
                address=client_address(request),
                challenge_token=data["challenge_token"],
                challenge_answer=data["challenge_answer"],
                challenge_work=data["challenge_work"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "not_served":
                # Nobody here serves the place (a forged code, or the unit closed since
                # the form was opened): nothing is stored; the numbers that help anywhere.
                refused = {"hotlines": CALL_NOW, "refusal": " ".join(error.messages), "easy": easy}
                return render(request, "public/hotlines.html", refused, status=400)
            apply_service_errors(form, error)
            if isinstance(error, services.ChallengeRefused):
                # Over a flood limit: a fresh question, whatever was posted before.
                challenge = error.challenge
        else:
            request.session[SESSION_DONE] = {
                "code": submitted.report.tracking_code,
                "pin": submitted.pin or "",
                "urgent": submitted.report.danger_now,
            }
            return redirect("public:report_done")
    context = {"form": form, "challenge": challenge, "place": place}
    return render(request, template, context, status=429 if challenge else 400)


@require_GET
def report_done(request: HttpRequest) -> HttpResponse:
    """Shown once: the code and PIN leave the session as the page is drawn."""
    done = request.session.pop(SESSION_DONE, None)
    if not done:
        return redirect("public:track")
    urgent = bool(done.get("urgent"))
    context = {
        "code": services.format_code(done["code"]),
        "pin": done["pin"],
        "urgent": urgent,
        # Someone is in danger now: the numbers to call come first, before the code.
        "call_now": CALL_NOW if urgent else (),
    }
    return render(request, "public/done.html", context)


def _tracked(request: HttpRequest) -> PublicReport | None:
    pk = request.session.get(SESSION_TRACKED)
    return queries.report_tracked(pk)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.public_report_track(
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                address=client_address(request),
            )
        except TrackingRefused as refusal:
            # Too early after wrong tries: the message says how many seconds to wait.
            form.add_error(None, str(refusal))
            response = render(request, "public/track.html", {"form": form}, status=429)
            response["Retry-After"] = str(refusal.seconds)
            return response
        except ValidationError as slip:  # a malformed code: not counted as a guess
            form.add_error(None, slip)
        else:
            if found is None:
                form.add_error(
                    None, _("The code or the PIN is not right. Please check and try again.")
                )
            else:
                request.session.cycle_key()
                request.session[SESSION_TRACKED] = found.pk
                return redirect("public:track")
    tracked = _tracked(request) if request.method == "GET" else None
    context: dict[str, object] = {"form": form, "report": tracked}
    if tracked is not None:
        context.update(
            {
                "code": services.format_code(tracked.tracking_code),
                "status_words": STATUS_WORDS[queries.tracking_status(tracked)],
                "thread": queries.messages_of(tracked),
                "message_form": MessageForm(),
            }
        )
    return render(request, "public/track.html", context, status=400 if form.errors else 200)


@require_POST
def track_message(request: HttpRequest) -> HttpResponse:
    tracked = _tracked(request)
    if tracked is None:
        return redirect("public:track")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.public_message_add(report=tracked, body=form.cleaned_data["body"])
        except ValidationError as error:
            show_refusal(request, error)
    else:
        messages.error(request, _("The message is empty."))
    return redirect("public:track")


@require_POST
def track_forget(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_TRACKED, None)
    return redirect("root")


# --- The unit's inbox -----------------------------------------------------------------------


# The inbox's filter: ``?tampil=banjir`` lists the reports marked as flood; ``?pilih=semua``
# ticks every box (no JavaScript needed to select a whole flood at once).
SHOW_FLOOD = "banjir"
TICK_ALL = "semua"


@staff_view(*HANDLE_PUBLIC_REPORTS)
@require_GET
def inbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    flood = request.GET.get("tampil") == SHOW_FLOOD
    reports = list(queries.public_inbox(membership, flood=flood))
    context = {
        "reports": reports,
        "flood": flood,
        "flood_count": None if flood else queries.flood_marked_count(membership),
        "tick_all": request.GET.get("pilih") == TICK_ALL,
    }
    return render(request, "public/inbox.html", context)


@staff_view(*HANDLE_PUBLIC_REPORTS)
@require_POST
def inbox_flood(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Mark the ticked reports as flood (or take the mark off). A report of another unit
    among them answers 404, as if it did not exist; nothing is changed then."""
    form = FloodForm(request.POST)
    undo = bool(request.POST.get("undo"))
    back = reverse("public:inbox") + (f"?tampil={SHOW_FLOOD}" if undo else "")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(back)
    try:
        done = decisions.public_reports_mark_flood(
            actor=membership, report_ids=form.cleaned_data["report"], flood=not undo
        )
    except decisions.ReportsNotFound:
        raise Http404 from None
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(back)
    count = len(done.changed) + len(done.unchanged)
    if undo:
        text = ngettext(
            "%(count)s report is back in the inbox.",
            "%(count)s reports are back in the inbox.",
            count,
        )
    else:
        text = ngettext(
            "%(count)s report was marked as flood. It is kept, out of the inbox list.",
            "%(count)s reports were marked as flood. They are kept, out of the inbox list.",
            count,
        )
    messages.success(request, text % {"count": count})
    if done.kept:
        messages.warning(
            request,
            ngettext(
                "%(count)s report is part of a case and was left as it is.",
                "%(count)s reports are part of a case and were left as they are.",
                len(done.kept),
            )
            % {"count": len(done.kept)},
        )
    return redirect(back)


@staff_view()
@require_GET
def inbox_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.public_report_for(membership, pk, record_read=True)
    context = {
        "report": report,
        "thread": queries.messages_of(report),
        "reply_form": MessageForm(),
        "close_form": CloseForm(),
        "link_form": LinkForm(),
        "cases": queries.linkable_cases(membership),
    }
    return render(request, "public/inbox_detail.html", context)


@staff_view()
@require_GET
def inbox_photo(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    report = queries.public_report_photo_for(membership, pk)
    response = HttpResponse(base64.b64decode(report.photo), content_type=report.photo_content_type)
    response["Content-Disposition"] = "inline"
    return response


def _act(request: HttpRequest, membership: Membership, pk: int, action: str) -> HttpResponse:
    report = queries.public_report_for(membership, pk)
    try:
        if action == "promote":
            case = decisions.public_report_promote(actor=membership, report=report)
            messages.success(request, _("A case was opened from this report."))
            return redirect("cases:case_detail", pk=case.pk)
        if action == "link":
            form: LinkForm | CloseForm | MessageForm = LinkForm(request.POST)
            case_found = (
                queries.linkable_case_for(membership, form.cleaned_data["case"])
                if form.is_valid()
                else None
            )
            if case_found is None:
                messages.error(request, _("Choose a case of your unit."))
            else:
                decisions.public_report_link(actor=membership, report=report, case=case_found)
                messages.success(request, _("The report was linked to the case."))
        elif action == "close":
            form = CloseForm(request.POST)
            if form.is_valid():
                decisions.public_report_close(
                    actor=membership, report=report, status=form.cleaned_data["status"]
                )
                messages.success(request, _("The report was closed."))
            else:
                messages.error(request, _("Choose why the report is closed."))
        elif action == "reply":
            form = MessageForm(request.POST)
            if form.is_valid():
                decisions.public_reply_add(
                    actor=membership, report=report, body=form.cleaned_data["body"]
                )
                messages.success(
                    request, _("Your reply was sent. The reporter sees it on the tracking page.")
                )
            else:
                messages.error(request, _("The message is empty."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("public:inbox_detail", pk=report.pk)


@staff_view()
@require_POST
def inbox_promote(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _act(request, membership, pk, "promote")


@staff_view()
@require_POST
def inbox_link(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _act(request, membership, pk, "link")


@staff_view()
@require_POST
def inbox_close(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _act(request, membership, pk, "close")


@staff_view()
@require_POST
def inbox_reply(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _act(request, membership, pk, "reply")
