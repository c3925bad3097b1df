"""The auditor's pages: search the trail, and take the result away as CSV."""

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sipakatau.lib.access import staff_view
from sipakatau.lib.csv_response import csv_streaming_response

from .forms import EventSearchForm
from .models import AuditEvent
from .queries import AUDITOR, Auditor, EventFilter, events_for_auditor
from .services import log

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "seq",
    "time",
    "actor_id",
    "actor",
    "role",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "hash",
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
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[object]]:
    for event in events:
        yield [
            event.seq,
            _local(event.occurred_at),
            event.actor_id,
            event.actor_label,
            event.role,
            event.organisation_id,
            event.action,
            event.object_type,
            event.object_id,
            " ".join(event.fields),
            event.hash,
        ]


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
    rows = events.filter(seq__lt=exported.seq).order_by("seq").iterator(chunk_size=2000)
    stamp = timezone.localtime(exported.occurred_at).strftime("%Y%m%d-%H%M%S")
    return csv_streaming_response(
        filename=f"audit-{stamp}.csv", header=EXPORT_COLUMNS, rows=_rows(rows)
    )
