"""The monitoring page of an issued mechanism: per timed step, how often its deadline was
met in the cases it governs."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.queries import version_for

from ..monitoring import SMALL_CELL, mechanism_compliance


@staff_view()
@require_GET
def mechanism_monitoring(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    # Whoever takes part in the mechanism sees its figures (counts, never a case).
    version = version_for(membership, pk)
    if version.status not in (Status.ISSUED, Status.SUPERSEDED):
        raise Http404  # a draft governs no case
    cases, steps = mechanism_compliance(version)
    return render(
        request,
        "cases/mechanism_monitoring.html",
        {"version": version, "cases": cases, "steps": steps, "small_cell": SMALL_CELL},
    )
