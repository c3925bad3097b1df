"""The documents of a mechanism (the draft preview, the issued SK Lurah as PDF and DOCX,
the meeting attendance list and minutes) and the public page that verifies a decree.

Staff views start with one scoped fetch (queries.py) and answer 404 out of scope. The
verification page is public: anyone holding the decree's QR code may confirm it.
"""

import hashlib
import hmac
import io
import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view

from .. import documents, queries
from ..codes import Status
from ..documents import labels
from ..models import Decree, MechanismVersion

MAX_UPLOAD = 10 * 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _file_name(version: MechanismVersion, extension: str, *, draft: bool = False) -> str:
    """SK-Lurah-Watang-Soreang-v2.pdf, SK-Kepala-Desa-Lompo-Riaja-v1.pdf, Draf-SK-…: ASCII
    only, so every browser keeps the name."""
    area = version.mechanism.area
    prefix = ("Draf " if draft else "") + labels.decree_short(area)
    name = re.sub(r"[^A-Za-z0-9]+", "-", f"{prefix} {area.name}").strip("-")
    return f"{name}-v{version.number}.{extension}"


def _document(
    content: bytes, content_type: str, name: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _issued_decree(version: MechanismVersion) -> Decree:
    decree: Decree | None = getattr(version, "decree", None)
    if decree is None:
        raise Http404
    return decree


# --- Staff: the decree and the meetings ---------------------------------------------------


@staff_view()
@require_GET
def decree_preview(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The draft as it would be issued, whatever its status: no number, no QR code, and
    marked "DRAF — belum berlaku" on every page."""
    version = queries.version_for(membership, pk)
    pdf = documents.decree_pdf(version=version, decree=None, verify_url="")
    return _document(pdf, "application/pdf", _file_name(version, "pdf", draft=True), inline=True)


@staff_view()
@require_GET
def decree_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The PDF exactly as issued: never re-rendered, so its SHA-256 stays the one the
    verification page confirms."""
    version = queries.version_for(membership, pk)
    decree = _issued_decree(version)
    return _document(bytes(decree.pdf), "application/pdf", _file_name(version, "pdf"))


@staff_view()
@require_GET
def decree_docx(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    version = queries.version_for(membership, pk)
    if version.status not in (Status.ISSUED, Status.SUPERSEDED):
        raise Http404
    decree = _issued_decree(version)
    content = documents.decree_docx(version=version, decree=decree)
    return _document(
        content,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _file_name(version, "docx"),
    )


@staff_view()
@require_GET
def meeting_attendance_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    meeting = queries.meeting_for(membership, pk)
    name = f"Daftar-hadir-{meeting.held_on:%Y-%m-%d}-{meeting.pk}.pdf"
    return _document(documents.meeting_attendance_pdf(meeting), "application/pdf", name)


@staff_view()
@require_GET
def meeting_minutes_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    meeting = queries.meeting_for(membership, pk)
    name = f"Notulen-{meeting.held_on:%Y-%m-%d}-{meeting.pk}.pdf"
    return _document(documents.meeting_minutes_pdf(meeting), "application/pdf", name)


# --- Public: verifying a decree -----------------------------------------------------------


class HashedUpload(UploadedFile):
    """What is left of an uploaded PDF: its name, size and SHA-256 — not its bytes."""

    def __init__(self, *, name: str, size: int, sha256: str, content_type: str) -> None:
        # An empty buffer stands in for the bytes, so closing the request closes nothing.
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=size)
        self.sha256 = sha256


class HashingUploadHandler(FileUploadHandler):
    """Hashes an uploaded file as it streams in and keeps nothing, in memory or on disk:
    the page promises that a checked document is never stored. Past MAX_UPLOAD it stops
    reading and the form says the file is too large."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_large = False
        self.digest = hashlib.sha256()
        self.size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > MAX_UPLOAD:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.digest.update(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        return HashedUpload(
            name=self.file_name or "document.pdf",
            size=file_size,
            sha256=self.digest.hexdigest(),
            content_type=self.content_type or "application/octet-stream",
        )


def _sha256_of(upload: UploadedFile) -> str:
    if isinstance(upload, HashedUpload):
        return upload.sha256
    # Another handler took the upload (the request was read before this view): hash it
    # from Django's own buffer, which is thrown away after the request.
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


class VerifyForm(forms.Form):
    sha256 = forms.CharField(
        label=_("SHA-256 of the document"),
        help_text=_("64 characters, 0-9 and a-f. Leave empty if you choose the file below."),
        required=False,
        max_length=200,
    )
    document = forms.FileField(
        label=_("Or choose the PDF file of the decree"),
        help_text=_("Up to 10 MB. The file is only checked here, never stored."),
        required=False,
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_sha256(self) -> str:
        value = "".join(str(self.cleaned_data.get("sha256") or "").split()).lower()
        if value and not SHA256.match(value):
            raise forms.ValidationError(
                _("A SHA-256 has exactly 64 characters, only the digits 0-9 and the letters a-f.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.too_large:
            self.add_error("document", _("The file is larger than 10 MB."))
            return data
        upload = data.get("document")
        if upload:
            data["digest"] = _sha256_of(upload)
        elif data.get("sha256"):
            data["digest"] = data["sha256"]
        elif not self.errors:
            raise forms.ValidationError(
                _("Paste the SHA-256 of the document, or choose its PDF file.")
            )
        return data


@csrf_exempt
def decree_verify(request: HttpRequest, pk: str) -> HttpResponse:
    # Our upload handler must be in place before anything reads the body, which the CSRF
    # check does: so the check runs inside (Django's documented pattern).
    handler = HashingUploadHandler(request)
    try:
        request.upload_handlers = [handler]
    except AttributeError:
        handler.too_large = False  # the body was read already; _sha256_of copes
    return _decree_verify(request, pk, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _decree_verify(request: HttpRequest, pk: str, handler: HashingUploadHandler) -> HttpResponse:
    decree = queries.decree_by_token(pk)
    if decree is None:
        raise Http404
    version = decree.version
    if request.method == "GET" and request.GET.get("unduh") == "1":
        # The original, for whoever holds the QR code: the decree is a public rule.
        pdf = Decree.objects.values_list("pdf", flat=True).get(pk=decree.pk)
        return _document(bytes(pdf), "application/pdf", _file_name(version, "pdf"))

    result = None
    form = VerifyForm()
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES, too_large=handler.too_large)
        if form.is_valid():
            result = hmac.compare_digest(form.cleaned_data["digest"], decree.pdf_sha256)
    later = None
    if version.status == Status.SUPERSEDED:
        current = queries.active_version_for_area(version.mechanism.area)
        later = getattr(current, "decree", None) if current else None
    return render(
        request,
        "mechanisms/verify.html",
        {
            "decree": decree,
            "version": version,
            "in_force": version.status == Status.ISSUED,
            "later": later,
            "form": form,
            "result": result,
        },
    )
