"""What every case view shares."""

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.accounts.services import actor_of
from sipakatau.audit.services import audit_record

from ..models import Case


def membership_of(request: HttpRequest) -> Membership | None:
    return cast("Membership | None", getattr(request, "membership", None))


def actor(request: HttpRequest, roles: Iterable[str] = WORK_ON_CASES) -> Membership:
    """The acting membership, in one of ``roles`` (403 otherwise). Call it after the
    scoped fetch, so that an outsider learns nothing but 404."""
    membership = membership_of(request)
    if membership is None or membership.role not in roles:
        raise PermissionDenied
    return membership


def audit_read(
    request: HttpRequest, action: str, object_type: str, object_id: object, fields: Iterable[str]
) -> None:
    """A read of case content is audited like a write (field names only)."""
    audit_record(
        action=action,
        actor=actor_of(membership_of(request)),
        object_type=object_type,
        object_id=object_id,
        fields=fields,
    )


def to_case(case: Case, section: str = "") -> HttpResponse:
    url = reverse("cases:case_detail", args=[case.pk])
    return redirect(f"{url}#{section}" if section else url)
