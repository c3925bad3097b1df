"""One case as a PDF for the paper file (the case page links here)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.lib.access import staff_view

from ..services.case_summary import case_summary_export


@staff_view()
@require_GET
def case_summary_pdf(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Out of scope (or a role that sees no case): 404, from the case fetcher."""
    content, name = case_summary_export(actor=membership, case_id=pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
