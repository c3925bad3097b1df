"""PLACEHOLDER: being written (issue 7)."""

from django.http import Http404, HttpRequest, HttpResponse


def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
