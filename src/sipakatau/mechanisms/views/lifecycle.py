"""PLACEHOLDER: being written (issue 7)."""

from django.http import Http404, HttpRequest, HttpResponse


def version_transition(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def decree_issue(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
