"""What every case view shares."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from ..models import Case


def require(allowed: bool) -> None:
    """403 unless ``allowed`` (a ``queries.may_<verb>``). Asked after the scoped fetch, so
    that an outsider learns nothing but 404."""
    if not allowed:
        raise PermissionDenied


def to_case(case: Case, section: str = "") -> HttpResponse:
    url = reverse("cases:case_detail", args=[case.pk])
    return redirect(f"{url}#{section}" if section else url)
