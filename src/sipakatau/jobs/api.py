"""/api/v1/files: a file being prepared for the caller (its status and progress), and its
one download. Another caller's file answers 404."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from sipakatau.accounts.access import acting

from . import queries, services
from .models import PreparedFile
from .views import attachment

router = Router(tags=["files"])


def file_out(prepared: PreparedFile) -> dict[str, Any]:
    """A file as the API answers it: what an app's 202 answer returns too."""
    return {
        "id": prepared.pk,
        "url": reverse("api:file_detail", args=[prepared.pk]),
        "kind": prepared.kind,
        "status": prepared.status,
        "done": prepared.done,
        "total": prepared.total,
        "file_name": prepared.file_name,
        "created_at": prepared.created_at,
        "finished_at": prepared.finished_at,
        "expires_at": prepared.expires_at,
        "download_url": (
            reverse("api:file_download", args=[prepared.pk]) if prepared.ready else None
        ),
    }


@router.get(
    "/{file_id}",
    url_name="file_detail",
    summary="A file being prepared for you: its status (QUEUED, RUNNING, DONE, FAILED), "
    "progress and, once DONE, its download url",
)
def file_detail(request: HttpRequest, file_id: int) -> dict[str, Any]:
    return file_out(queries.prepared_file_for(acting(request), file_id))


@router.get(
    "/{file_id}/download",
    url_name="file_download",
    summary="The file, once: it is deleted from the server as it is handed over (409 while "
    "it is being prepared; 410 when it failed, was downloaded or expired)",
)
def file_download(request: HttpRequest, file_id: int) -> HttpResponse:
    membership = acting(request)
    if not queries.prepared_file_for(membership, file_id).finished:
        raise HttpError(409, _("The file is not ready yet."))
    prepared = services.prepared_file_download(actor=membership, pk=file_id)
    if prepared is None:
        raise HttpError(410, _("This file is no longer here. Ask for it again."))
    return attachment(prepared)
