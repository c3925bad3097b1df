"""The auditor's pages: search the trail, and take the result away as CSV."""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sipakatau.lib.access import staff_view

from .forms import EventSearchForm
from .models import AuditEvent
from .queries import AUDITOR, EventFilter, events_for_auditor
from .services import actor_from_request, audit_record

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
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _search(request: HttpRequest) -> tuple[EventSearchForm, EventFilter | None]:
    form = EventSearchForm(request.GET)
    return form, form.to_filter() if form.is_valid() else None


@staff_view(AUDITOR)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, search = _search(request)
    events = events_for_auditor(request.membership, search or EventFilter())  # type: ignore[attr-defined]
    if search is None:
        # A search that cannot be read shows nothing rather than everything.
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark makes Excel read the file as UTF-8 instead of the local code page.
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for event in events:
        yield writer.writerow(
            [
                _cell(value)
                for value in (
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
                )
            ]
        )


@staff_view(AUDITOR)
@require_GET
def event_export(request: HttpRequest) -> HttpResponseBase:
    form, search = _search(request)
    if search is None:
        return render(request, "audit/event_list.html", {"form": form, "page": None}, status=400)
    events = events_for_auditor(request.membership, search)  # type: ignore[attr-defined]
    # Recorded before the first byte leaves, so an interrupted download is still on record.
    exported = audit_record(
        action="audit.exported",
        actor=actor_from_request(request),
        object_type="audit.auditevent",
        fields=EXPORT_COLUMNS,
    )
    # The file shows the trail as it stood when asked for, without its own export event.
    rows = events.filter(seq__lt=exported.seq).order_by("seq").iterator(chunk_size=2000)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(exported.occurred_at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
