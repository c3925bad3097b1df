"""The files of a batch: the BNBA (XLSX and PDF) and the musyawarah minutes (PDF). Each
download is a read of personal data and is recorded."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.lib.access import staff_view

from .. import exports, queries
from ..models import Musyawarah, ProposalBatch
from .common import SOCIAL_ROLES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def batch_file(membership: Membership, batch: ProposalBatch, kind: str) -> HttpResponse:
    """Shared by the page and the API, so both refuse and record alike."""
    if not queries.may_export(membership, batch):
        raise PermissionDenied
    stem = f"usulan-{batch.kelurahan.code}-{batch.month:%Y-%m}"
    if kind == "bnba.xlsx":
        content, media, name, fields = exports.bnba_xlsx(batch), XLSX, f"bnba-{stem}.xlsx", ["bnba"]
    elif kind == "bnba.pdf":
        content, media = exports.bnba_pdf(batch), "application/pdf"
        name, fields = f"bnba-{stem}.pdf", ["bnba"]
    else:
        try:
            content = exports.minutes_pdf(batch)
        except Musyawarah.DoesNotExist as exc:
            raise Http404 from exc
        media, name, fields = "application/pdf", f"berita-acara-{stem}.pdf", ["musyawarah"]
    audit.log(membership, "proposal_batch.exported", batch, fields=fields)
    response = HttpResponse(content, content_type=media)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _download(kind: str):  # type: ignore[no-untyped-def]
    @staff_view(*SOCIAL_ROLES)
    @require_GET
    def view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
        return batch_file(membership, queries.batch_for(membership, pk), kind)

    return view


batch_bnba_xlsx = _download("bnba.xlsx")
batch_bnba_pdf = _download("bnba.pdf")
batch_minutes_pdf = _download("minutes.pdf")
