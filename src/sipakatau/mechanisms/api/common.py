"""What every mechanisms endpoint shares: the router and the answers built from a
version and its decree."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from sipakatau.accounts.access import acting

from .. import queries
from ..codes import EDITABLE
from ..models import Decree, MechanismVersion

router = Router(tags=["mechanisms"])


def base_url(request: HttpRequest) -> str:
    """Where the decree's QR code points: the configured public address, else the address
    this request came to (a laptop install without a domain)."""
    configured = str(getattr(settings, "SIPAKATAU_BASE_URL", "") or "")
    return configured.rstrip("/") or f"{request.scheme}://{request.get_host()}"


def decree_out(request: HttpRequest, decree: Decree) -> dict[str, Any]:
    token = decree.verification_token
    return {
        "number": decree.number,
        "issued_on": decree.issued_on,
        "place": decree.place,
        "signer_name": decree.signer_name,
        "signer_nip": decree.signer_nip,
        "signer_rank": decree.signer_rank,
        "signer_title": decree.signer_title,
        "sha256": decree.pdf_sha256,
        "verification_token": token,
        "verification_url": base_url(request) + reverse("mechanisms:decree_verify", args=[token]),
    }


def version_out(request: HttpRequest, version: MechanismVersion) -> dict[str, Any]:
    """Everything about one version, in a fixed number of queries."""
    membership = acting(request)
    full = queries.version_in_full(version)
    mechanism = full.mechanism
    decree = queries.decree_of(full)
    return {
        "id": full.pk,
        "mechanism_id": mechanism.pk,
        "kelurahan_code": mechanism.area.code,
        "kelurahan_name": mechanism.area.name,
        "number": full.number,
        "status": full.status,
        "title": full.title,
        "considerations": list(full.considerations),
        "legal_bases": list(full.legal_bases),
        "reporting_schedule": full.reporting_schedule,
        "funding": full.funding,
        "monitoring": full.monitoring,
        "copies_to": list(full.copies_to),
        "based_on_id": full.based_on_id,
        "created_by_name": str(full.created_by),
        "created_at": full.created_at,
        "updated_at": full.updated_at,
        "approved_by_name": str(full.approved_by) if full.approved_by_id else None,
        "approved_at": full.approved_at,
        "activated_at": full.activated_at,
        "superseded_at": full.superseded_at,
        "steps": list(full.steps.all()),
        "pathway": list(full.pathway.all()),
        "duties": list(full.duties.all()),
        "decree": decree_out(request, decree) if decree else None,
        "may_draft": full.status in EDITABLE and queries.may_draft(membership, mechanism),
        "may_sign": queries.may_sign(membership, mechanism),
    }
