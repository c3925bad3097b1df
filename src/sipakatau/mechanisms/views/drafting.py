"""PLACEHOLDER: being written (issue 7)."""

from django.http import Http404, HttpRequest, HttpResponse


def mechanism_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def mechanism_start(request: HttpRequest) -> HttpResponse:
    raise Http404


def mechanism_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def mechanism_settings(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def pathway_add(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def pathway_remove(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def duty_add(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
