"""A version's way to a decree: status, new version, comparison, issuance, the decree's
files, and the public check of a decree's hash."""

import hmac
import re
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import Status as HttpStatus
from pydantic import WithJsonSchema

from sipakatau.accounts.access import acting

from .. import diff, queries, services
from ..codes import Status
from ..documents import labels
from ..models import Decree, MechanismVersion
from .common import base_url, decree_out, router, version_out
from .schemas import (
    CodeOut,
    CodesOut,
    DecreeOut,
    DiffOut,
    IssueIn,
    TransitionIn,
    VerifyOut,
    VersionOut,
)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# What decree_verify takes (trimmed and lower-cased first), for the OpenAPI document.
SHA256_GIVEN = r"^\s*[0-9a-fA-F]{64}\s*$"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _issued_decree(request: HttpRequest, version_id: int) -> tuple[MechanismVersion, Decree]:
    version = queries.version_for(acting(request), version_id)
    decree = queries.decree_of(version)
    if decree is None:
        raise Http404  # not issued (yet): there is no decree to show
    return version, decree


def _filename(version: MechanismVersion, decree: Decree, extension: str) -> str:
    """sk-lurah-400-2-2-01-kel-ws-2026.pdf, sk-kepala-desa-….pdf for a desa."""
    kind = slugify(labels.decree_short(version.mechanism.area))
    return f"{kind}-{slugify(decree.number.replace('/', '-'))}.{extension}"


@router.post(
    "/versions/{version_id}/transition",
    response=VersionOut,
    summary="Open or close the discussion, approve, or send back",
    description="`to`: `in_discussion` (from a draft, or back from approved), `draft` "
    "(from discussion) or `approved` (from discussion, with every comment resolved). A "
    "kelurahan officer opens and closes the discussion; approving, and sending an "
    "approved version back, is for the Lurah (the signatory) only. A move that the "
    "status does not allow answers 422. Issuing is POST …/issue.",
)
def version_transition(
    request: HttpRequest, version_id: int, payload: TransitionIn
) -> dict[str, Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    version = services.version_transition(actor=membership, version=version, to=payload.to)
    return version_out(request, version)


@router.post(
    "/versions/{version_id}/new-version",
    response={201: VersionOut},
    summary="Start a new version from this one",
    description="A new draft copying this version in full (usually the active one), to "
    "propose changes. One version is worked on at a time: with a draft, discussed or "
    "approved version already open, this answers 422. Kelurahan officers only.",
)
def version_new(request: HttpRequest, version_id: int) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    new = services.version_new(actor=membership, based_on=version)
    return HttpStatus(201, version_out(request, new))


@router.get(
    "/versions/{version_id}/diff",
    response=DiffOut,
    summary="What changed between two versions",
    description="The changes from the older of the two versions to the newer, section by "
    "section, in words a reader without technical training follows. `other` is the "
    "version to compare with (of the same mechanism); without it, the version this one "
    "was based on (else the one numbered before it). Every stakeholder may read it.",
)
def version_diff(request: HttpRequest, version_id: int, other: int | None = None) -> dict[str, Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    if other is None:
        previous = queries.previous_version(version)
        if previous is None:
            raise ValidationError(
                {"other": _("This is the first version: choose a version to compare with.")}
            )
        other = previous.pk
    compared = queries.version_for(membership, other)
    if compared.mechanism_id != version.mechanism_id:
        raise ValidationError({"other": _("Choose a version of the same mechanism.")})
    old, new = sorted((version, compared), key=lambda v: v.number)
    changes = diff.version_diff(queries.version_in_full(old), queries.version_in_full(new))
    return {
        "old_version_id": old.pk,
        "new_version_id": new.pk,
        "changes": [
            {
                "section": str(change.section),
                "label": str(change.label),
                "kind": change.kind,
                "before": change.before,
                "after": change.after,
            }
            for change in changes
        ],
    }


@router.post(
    "/versions/{version_id}/issue",
    response={201: DecreeOut},
    summary="Issue an approved version as the SK Lurah",
    description="Gives the decree its number, renders and keeps the PDF with its SHA-256 "
    "and the QR code of the public verification address, makes this version the "
    "kelurahan's active mechanism and supersedes the one before. Only the Lurah (the "
    "signatory) may; a version that is not approved, or a decree number with a part "
    "missing (`classification_code`, `office_code` in `detail`), answers 422.",
)
def decree_issue(request: HttpRequest, version_id: int, payload: IssueIn) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    decree = services.decree_issue(
        actor=membership,
        version=version,
        issued_on=payload.issued_on,
        signer_name=payload.signer_name,
        signer_nip=payload.signer_nip,
        signer_rank=payload.signer_rank,
        signer_title=payload.signer_title,
        base_url=base_url(request),
    )
    return HttpStatus(201, decree_out(request, decree))


@router.get(
    "/versions/{version_id}/decree",
    response=DecreeOut,
    summary="The decree that issued a version",
    description="Number, date, place, signatory, the PDF's SHA-256 and the public "
    "verification address. 404 while the version is not issued. Every stakeholder may "
    "read it.",
)
def decree_detail(request: HttpRequest, version_id: int) -> dict[str, Any]:
    _version, decree = _issued_decree(request, version_id)
    return decree_out(request, decree)


@router.get(
    "/versions/{version_id}/decree.pdf",
    response={200: bytes},
    summary="The decree's PDF, exactly as issued",
    description="The stored bytes: their SHA-256 is the one the verification confirms. "
    "Every stakeholder may download it.",
    openapi_extra={
        "responses": {200: {"description": "The decree", "content": {"application/pdf": {}}}}
    },
)
def decree_pdf(request: HttpRequest, version_id: int) -> HttpResponse:
    version, decree = _issued_decree(request, version_id)
    pdf = Decree.objects.filter(pk=decree.pk).values_list("pdf", flat=True).get()
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(version, decree, "pdf")}"'
    return response


@router.get(
    "/versions/{version_id}/decree.docx",
    response={200: bytes},
    summary="The decree as a Word document",
    description="For offices that must retype or archive it. The PDF is the issued "
    "document; this copy carries no hash. Every stakeholder may download it.",
    openapi_extra={"responses": {200: {"description": "The decree", "content": {DOCX: {}}}}},
)
def decree_docx(request: HttpRequest, version_id: int) -> HttpResponse:
    # Imported here, like decree_pdf in the services: the documents pull in WeasyPrint
    # and python-docx, which no other endpoint needs.
    from ..documents import decree_docx as render

    version, decree = _issued_decree(request, version_id)
    data = render(version=queries.version_in_full(version), decree=decree)
    response = HttpResponse(bytes(data), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(version, decree, "docx")}"'
    return response


@router.get(
    "/decrees/verify",
    response=VerifyOut,
    auth=None,
    summary="Check a decree (public, no sign-in)",
    description="`token` is the one in the decree's QR code; `sha256` the hash of the PDF "
    "in hand (64 hexadecimal characters). Answers the decree's number, date, kelurahan, "
    "title and status, and whether the hash matches the PDF as issued. An unknown token "
    "answers 404.",
    # Public, so the 404 the document adds to signed-in operations is not added for it.
    openapi_extra={
        "responses": {
            404: {
                "description": "No decree has this token (code `not_found`)",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}
                },
            }
        }
    },
)
def decree_verify(
    request: HttpRequest,
    token: str,
    # The rule the check below applies, after trimming and lower-casing, stated for clients.
    sha256: Annotated[str, WithJsonSchema({"type": "string", "pattern": SHA256_GIVEN})],
) -> dict[str, Any]:
    given = sha256.strip().lower()
    if not SHA256.match(given):
        raise ValidationError({"sha256": _("A SHA-256 is 64 characters, 0-9 and a-f.")})
    decree = queries.decree_by_token(token[:64])
    if decree is None:
        raise Http404
    version = decree.version
    return {
        "number": decree.number,
        "issued_on": decree.issued_on,
        "kelurahan": version.mechanism.area.name,
        "title": version.title,
        "status": version.status,
        "sha256": decree.pdf_sha256,
        "match": hmac.compare_digest(given, decree.pdf_sha256),
    }


@router.get(
    "/codes",
    response=CodesOut,
    summary="The code lists of the mechanism, with their labels",
    description="Statuses, triggers, case actions, deadline units, risk levels, "
    "responsible parties, comment sections and statuses, genders and services, in the "
    "caller's language. Any signed-in user may read them.",
)
def codes(request: HttpRequest) -> dict[str, list[CodeOut]]:
    from sipakatau.directory.codes import ServiceType

    from .. import codes as c

    def listed(choices: Any) -> list[CodeOut]:
        return [CodeOut(code=code, label=str(label)) for code, label in choices.choices]

    return {
        "status": listed(Status),
        "trigger": listed(c.Trigger),
        "action": listed(c.TrackedAction),
        "deadline_unit": listed(c.DeadlineUnit),
        "risk_level": listed(c.RiskLevel),
        "responsible": listed(c.Responsible),
        "section": listed(c.Section),
        "comment_status": listed(c.CommentStatus),
        "gender": listed(c.Gender),
        "service_type": listed(ServiceType),
    }
