"""The needs-mapping API (/api/v1/mapping): the questionnaire list here; the rest in
api_entry.py (data entry) and api_analysis.py (questionnaires, imports, analysis)."""

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


# Data entry (drafts, submit): its endpoints live in api_entry.py, on this router;
# questionnaire detail, XLSForm upload/export, imports, analysis in api_analysis.py.
from . import api_analysis, api_entry  # noqa: E402, F401
