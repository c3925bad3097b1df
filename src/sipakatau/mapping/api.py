"""The needs-mapping API (/api/v1/mapping). Only the questionnaire list so far."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sipakatau.accounts.access import acting

from . import queries

router = Router(tags=["mapping"])


@router.get("/questionnaires")
def questionnaire_list(request: HttpRequest) -> list[dict[str, Any]]:
    membership = acting(request)
    return [
        {
            "id": q.pk,
            "title": q.title,
            "kelurahan": q.kelurahan.code,
            "form_id": q.form_id,
            "version": q.version,
            "status": q.status,
        }
        for q in queries.questionnaires_visible_to(membership)
    ]
