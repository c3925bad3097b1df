"""Needs-mapping pages: the questionnaire list."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view

from .. import queries


@staff_view(*queries.WORK_ON_MAPPING)
@require_GET
def questionnaire_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    questionnaires = queries.questionnaires_visible_to(membership)
    return render(request, "mapping/questionnaire_list.html", {"questionnaires": questionnaires})
