"""PLACEHOLDER: being written (issue 7)."""

from django.http import Http404, HttpRequest, HttpResponse


def decree_preview(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def decree_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def decree_docx(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def decree_verify(request: HttpRequest, pk: str) -> HttpResponse:
    raise Http404


def meeting_attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
