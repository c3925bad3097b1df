"""The page of a file being prepared (a progress bar that reloads itself, no JavaScript
needed) and its one download. Only the membership that asked reaches either: 404 for
everyone else."""

import base64

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view

from . import queries, services
from .models import PreparedFile

# How often the page of an unfinished file reloads itself.
REFRESH_SECONDS = 3


@staff_view()
@require_GET
def file_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    prepared = queries.prepared_file_for(membership, pk)
    return render(
        request,
        "jobs/file_detail.html",
        {"file": prepared, "refresh_seconds": REFRESH_SECONDS},
    )


@staff_view()
@require_GET
def file_download(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The file, once: it is deleted from the server as it is handed over."""
    queries.prepared_file_for(membership, pk)
    prepared = services.prepared_file_download(actor=membership, pk=pk)
    if prepared is None:
        messages.error(request, _("This file is no longer here. Ask for it again."))
        return redirect("jobs:file_detail", pk=pk)
    return attachment(prepared)


def attachment(prepared: PreparedFile) -> HttpResponse:
    """The response that hands over a file (its name is ours: no value from the data)."""
    response = HttpResponse(base64.b64decode(prepared.content), content_type=prepared.content_type)
    response["Content-Disposition"] = f'attachment; filename="{prepared.file_name}"'
    return response
