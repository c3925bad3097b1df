"""The auditor's pages: search the trail, and take the result away as CSV."""

from collections.abc import Iterable, Iterator
from datetime import UTC, tzinfo
from itertools import islice

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sipakatau.lib.access import staff_view
from sipakatau.lib.csv_response import csv_streaming_response
from sipakatau.lib.dates import local_datetime
from sipakatau.lib.keyset_pages import keyset_page

from .forms import EventSearchForm
from .labels import EventView, describe
from .models import AuditEvent
from .queries import AUDITOR, Auditor, EventFilter, events_for_auditor
from .services import log
from .templatetags.audit_tags import role_label

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
# Codes for the export's own audit event (the columns it wrote); the file itself has
# Indonesian headers, each label next to the id or code it explains.
EXPORT_COLUMNS = [
    "seq",
    "time_local",
    "time_utc",
    "actor_id",
    "actor",
    "role",
    "organisation_id",
    "organisation",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "object",
    "fields",
    "hash",
]
EXPORT_HEADERS = [
    _("No."),
    _("Time (local)"),
    _("Time (ISO, UTC)"),
    _("User ID"),
    _("Name"),
    _("Role"),
    _("Organisation ID"),
    _("Organisation"),
    _("Action code"),
    _("Action"),
    _("Object type"),
    _("Object ID"),
    _("Object"),
    _("Fields"),
    _("Hash"),
]


def _search(request: HttpRequest) -> tuple[EventSearchForm, EventFilter | None]:
    form = EventSearchForm(request.GET)
    return form, form.to_filter() if form.is_valid() else None


@staff_view(AUDITOR)
@require_GET
def event_list(request: HttpRequest, membership: Auditor) -> HttpResponse:
    form, search = _search(request)
    events = events_for_auditor(membership, search or EventFilter())
    if search is None:
        # A search that cannot be read shows nothing rather than everything.
        events = events.none()
    # By keyset on the sequence, never counted: the trail grows with every read of a
    # case, and a page must cost the same at a million events as at a hundred.
    page = keyset_page(request, events, PAGE_SIZE)
    rows = describe(page.rows)
    context = {**page.context(), "form": form, "page": page.rows, "rows": rows}
    return render(request, "audit/event_list.html", context)


def _row(view: EventView) -> list[object]:
    event = view.event
    return [
        event.seq,
        local_datetime(event.occurred_at),
        event.occurred_at.astimezone(UTC).isoformat(timespec="seconds"),
        event.actor_id,
        view.actor,
        role_label(event.role) if event.role else "",
        event.organisation_id,
        view.organisation,
        event.action,
        view.title,
        event.object_type,
        event.object_id,
        f"{view.object_noun} {view.object_label}".strip() if event.object_type else "",
        " ".join(event.fields),
        event.hash,
    ]


def _rows(events: Iterable[AuditEvent], zone: tzinfo, language: str) -> Iterator[list[object]]:
    # The file is written after the view has returned and the middleware has put the
    # request's zone and language away, so they are taken along.
    with timezone.override(zone), translation.override(language):
        iterator = iter(events)
        # Names are looked up a chunk at a time: a few queries per 2000 rows, not per row.
        while chunk := list(islice(iterator, EXPORT_CHUNK)):
            for view in describe(chunk):
                yield _row(view)


@staff_view(AUDITOR)
@require_GET
def event_export(request: HttpRequest, membership: Auditor) -> HttpResponseBase:
    form, search = _search(request)
    if search is None:
        return render(request, "audit/event_list.html", {"form": form, "page": None}, status=400)
    events = events_for_auditor(membership, search)
    # Recorded before the first byte leaves, so an interrupted download is still on record.
    exported = log(membership, "audit.exported", ("audit.auditevent", ""), fields=EXPORT_COLUMNS)
    # The file shows the trail as it stood when asked for, without its own export event.
    rows = events.filter(seq__lt=exported.seq).order_by("seq").iterator(chunk_size=EXPORT_CHUNK)
    stamp = timezone.localtime(exported.occurred_at).strftime("%Y%m%d-%H%M%S")
    zone, language = timezone.get_current_timezone(), translation.get_language()
    return csv_streaming_response(
        filename=f"audit-{stamp}.csv",
        header=[str(header) for header in EXPORT_HEADERS],
        rows=_rows(rows, zone, language),
    )
