"""Mechanisms and the drafting of a version: its text, steps, pathway and duties."""

import base64
import binascii
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from sipakatau.accounts.access import acting
from sipakatau.areas.models import RegionalCrest
from sipakatau.areas.queries import area_by_code
from sipakatau.directory.queries import providers_for_search
from sipakatau.lib.api_pagination import Pages

from .. import queries, services
from ..codes import Status
from ..models import Mechanism, MechanismVersion, Step
from ..services.drafting import VERSION_FIELDS
from .common import router, version_out
from .schemas import (
    CrestIn,
    CrestOut,
    DutyIn,
    DutyOut,
    MechanismListItemOut,
    MechanismOut,
    MechanismSettingsIn,
    MechanismStartIn,
    MoveIn,
    PathwayEntryIn,
    PathwayEntryOut,
    StepIn,
    StepOut,
    VersionIn,
    VersionListItemOut,
    VersionOut,
)

DRAFTER = "Only a kelurahan officer of the kelurahan may do this (403 for other readers)."


def _with_current_versions(mechanisms: QuerySet[Mechanism]) -> QuerySet[Mechanism]:
    """Each mechanism with its active and working versions in one extra query, however
    many rows (superseded versions are history, listed per mechanism)."""
    current = (
        MechanismVersion.objects.exclude(status=Status.SUPERSEDED)
        .select_related("decree")
        .defer("decree__pdf")
        .order_by("-number")
    )
    return mechanisms.prefetch_related(Prefetch("versions", queryset=current))


def _deadlines(payload: StepIn) -> list[services.DeadlineInput]:
    return [
        services.DeadlineInput(risk_level=d.risk_level, amount=d.amount, unit=d.unit)
        for d in payload.deadlines
    ]


def _step_answer(step: Step) -> Step:
    return Step.objects.prefetch_related("deadlines").get(pk=step.pk)


# --- Mechanisms -----------------------------------------------------------------------------


@router.get(
    "",
    response=list[MechanismListItemOut],
    summary="The mechanisms the user may see",
    description="Every kelurahan mechanism the caller takes part in (the kelurahan office, "
    "its LBK-KK, the city's DP3A and Dinsos …), with the active and the working version. "
    "Auditors and administrators see none.",
)
@paginate(Pages, page_size=50)
def mechanism_list(request: HttpRequest) -> QuerySet[Mechanism]:
    return _with_current_versions(queries.mechanisms_visible_to(acting(request)))


@router.post(
    "",
    response={201: VersionOut},
    summary="Start a kelurahan's mechanism from the template",
    description="Creates the mechanism of the kelurahan `area_code` and its first draft "
    "from the pilot's template. Only a kelurahan officer of that kelurahan may; a second "
    "start answers 422.",
)
def mechanism_start(request: HttpRequest, payload: MechanismStartIn) -> HttpStatus[Any]:
    area = area_by_code(payload.area_code)
    if area is None:
        raise ValidationError({"area_code": _("There is no area with this code.")})
    version = services.mechanism_start(
        actor=acting(request),
        area=area,
        classification_code=payload.classification_code,
        office_code=payload.office_code,
        place=payload.place,
    )
    return HttpStatus(201, version_out(request, version))


@router.get(
    "/{int:mechanism_id}",
    response=MechanismOut,
    summary="One mechanism",
    description="The kelurahan, the decree numbering (its parts, the next number and an "
    "example) and place, the active and the "
    "working version, and what the caller may do. Every stakeholder may read it.",
)
def mechanism_detail(request: HttpRequest, mechanism_id: int) -> Mechanism:
    mechanism = queries.mechanism_for(acting(request), mechanism_id)
    return _with_current_versions(Mechanism.objects.filter(pk=mechanism.pk)).get()


@router.patch(
    "/{int:mechanism_id}",
    response=MechanismOut,
    summary="Change the decree numbering and place of issue",
    description="A number is `classification_code/NN/office_code/year`, e.g. "
    "`400.2.2/03/Kel-WS/2026`; `next_number` is where this year's register continues "
    "(never at or below a number already given). What is not sent keeps its value. " + DRAFTER,
)
def mechanism_settings(
    request: HttpRequest, mechanism_id: int, payload: MechanismSettingsIn
) -> Mechanism:
    membership = acting(request)
    mechanism = queries.mechanism_for(membership, mechanism_id)
    sent = payload.dict(exclude_none=True)
    services.mechanism_settings_update(
        actor=membership,
        mechanism=mechanism,
        classification_code=sent.get("classification_code", mechanism.classification_code),
        office_code=sent.get("office_code", mechanism.office_code),
        place=sent.get("place", mechanism.place),
        next_number=sent.get("next_number"),
        office_address=sent.get("office_address"),
        office_phone=sent.get("office_phone"),
        office_postcode=sent.get("office_postcode"),
        office_email=sent.get("office_email"),
    )
    return _with_current_versions(Mechanism.objects.filter(pk=mechanism.pk)).get()


@router.put(
    "/{int:mechanism_id}/crest",
    response=CrestOut,
    summary="Upload the regional crest printed in the letterhead",
    description="The crest (lambang daerah) of the city or regency the mechanism's village "
    "lies in, printed at the left of the kop of the decree and the meeting documents of "
    "every village office there; it replaces the one before. A PNG or JPG of at most 1 MB, "
    "checked like every upload and stored re-encoded as PNG without metadata; a refused "
    "file answers 422 and changes nothing. " + DRAFTER,
)
def crest_upload(request: HttpRequest, mechanism_id: int, payload: CrestIn) -> RegionalCrest:
    membership = acting(request)
    mechanism = queries.mechanism_for(membership, mechanism_id)
    if not queries.may_draft(membership, mechanism):
        raise PermissionDenied  # before the body is read: a reader learns nothing of it
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"content_base64": _("The file could not be read.")}) from None
    return services.regional_crest_set(
        actor=membership, mechanism=mechanism, filename=payload.filename, data=data
    )


@router.get(
    "/{int:mechanism_id}/versions",
    response=list[VersionListItemOut],
    summary="Every version of a mechanism, newest first",
    description="Drafts, the active version and the superseded ones, each with its decree "
    "number once issued. Every stakeholder may read it.",
)
def version_list(request: HttpRequest, mechanism_id: int) -> QuerySet[MechanismVersion]:
    mechanism = queries.mechanism_for(acting(request), mechanism_id)
    return mechanism.versions.select_related("decree").defer("decree__pdf").order_by("-number")


# --- One version ----------------------------------------------------------------------------


@router.get(
    "/versions/{version_id}",
    response=VersionOut,
    summary="One version in full",
    description="Its text sections, steps with their deadlines, the referral pathway with "
    "the providers' contacts, the duties, the status and, once issued, the decree. Every "
    "stakeholder may read it.",
)
def version_detail(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = queries.version_for(acting(request), version_id)
    return version_out(request, version)


@router.patch(
    "/versions/{version_id}",
    response=VersionOut,
    summary="Change the text of a draft",
    description="Title, considerations (Menimbang), legal bases (Mengingat), reporting "
    "schedule, funding, monitoring and copies (Tembusan); what is not sent keeps its "
    "value. A decree keeps at least one consideration and one legal basis that is not "
    "blank (422). Only a draft or a version in discussion changes; an approved or issued "
    "one answers 422. " + DRAFTER,
)
def version_edit(request: HttpRequest, version_id: int, payload: VersionIn) -> dict[str, Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    # PATCH: what is not sent keeps its value (the service takes the whole set).
    values = {field: getattr(version, field) for field in VERSION_FIELDS}
    values.update(payload.dict(exclude_none=True))
    services.version_update(actor=membership, version=version, **values)
    return version_out(request, version)


# --- Steps ----------------------------------------------------------------------------------


@router.post(
    "/versions/{version_id}/steps",
    response={201: StepOut},
    summary="Add a step",
    description="At the end, or at `position`. A step with deadlines needs the `trigger` "
    "they count from; a step recorded in the case (`action`) needs a deadline. " + DRAFTER,
)
def step_add(request: HttpRequest, version_id: int, payload: StepIn) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    step = services.step_save(
        actor=membership,
        version=version,
        **payload.dict(exclude={"deadlines"}),
        deadlines=_deadlines(payload),
    )
    return HttpStatus(201, _step_answer(step))


@router.put(
    "/steps/{step_id}",
    response=StepOut,
    summary="Change a step",
    description="The whole step, its deadlines included (they replace the old ones). " + DRAFTER,
)
def step_edit(request: HttpRequest, step_id: int, payload: StepIn) -> Step:
    membership = acting(request)
    step = queries.step_for(membership, step_id)
    services.step_save(
        actor=membership,
        version=step.version,
        step=step,
        **payload.dict(exclude={"deadlines"}),
        deadlines=_deadlines(payload),
    )
    return _step_answer(step)


@router.delete(
    "/steps/{step_id}",
    response={204: None},
    summary="Remove a step",
    description="The steps after it move up. " + DRAFTER,
)
def step_remove(request: HttpRequest, step_id: int) -> HttpStatus[None]:
    membership = acting(request)
    step = queries.step_for(membership, step_id)
    services.step_delete(actor=membership, step=step)
    return HttpStatus(204, None)


@router.post(
    "/steps/{step_id}/move",
    response=StepOut,
    summary="Move a step to another position",
    description="Position 1 is the first step; a larger number than there are steps puts "
    "it last. " + DRAFTER,
)
def step_move(request: HttpRequest, step_id: int, payload: MoveIn) -> Step:
    membership = acting(request)
    step = queries.step_for(membership, step_id)
    services.step_move(actor=membership, step=step, position=payload.position)
    return _step_answer(step)


# --- Pathway and duties ---------------------------------------------------------------------


@router.post(
    "/versions/{version_id}/pathway",
    response={201: PathwayEntryOut},
    summary="Add a provider to the referral pathway",
    description="For one service, an active provider from the directory (`provider_id`) "
    "that serves the kelurahan, with the contact person agreed with it. " + DRAFTER,
)
def pathway_add(request: HttpRequest, version_id: int, payload: PathwayEntryIn) -> HttpStatus[Any]:
    actor = acting(request)
    version = queries.version_for(actor, version_id)
    # A reader who may not draft is refused before the provider id is looked at, so the
    # answer does not depend on what the directory holds.
    if not queries.may_draft(actor, version.mechanism):
        raise PermissionDenied
    # The providers the page offers: active ones that serve the kelurahan.
    providers = providers_for_search(area=version.mechanism.area)
    provider = providers.filter(pk=payload.provider_id).first()
    if provider is None:
        raise ValidationError({"provider": _("Choose a provider from the directory.")})
    entry = services.pathway_entry_add(
        actor=actor,
        version=version,
        service_type=payload.service_type,
        provider=provider,
        contact=payload.contact,
    )
    return HttpStatus(201, entry)


@router.delete(
    "/pathway/{entry_id}",
    response={204: None},
    summary="Remove a provider from the referral pathway",
    description=DRAFTER,
)
def pathway_remove(request: HttpRequest, entry_id: int) -> HttpStatus[None]:
    membership = acting(request)
    entry = queries.pathway_entry_for(membership, entry_id)
    services.pathway_entry_remove(actor=membership, entry=entry)
    return HttpStatus(204, None)


@router.post(
    "/versions/{version_id}/duties",
    response={201: DutyOut},
    summary="Add the duties of a party",
    description="A party (Lurah, LBK-KK, LPMK, RT/RW …) and what it does. " + DRAFTER,
)
def duty_add(request: HttpRequest, version_id: int, payload: DutyIn) -> HttpStatus[Any]:
    membership = acting(request)
    version = queries.version_for(membership, version_id)
    duty = services.duty_save(
        actor=membership, version=version, party=payload.party, duties=payload.duties
    )
    return HttpStatus(201, duty)


@router.put(
    "/duties/{duty_id}",
    response=DutyOut,
    summary="Change the duties of a party",
    description=DRAFTER,
)
def duty_edit(request: HttpRequest, duty_id: int, payload: DutyIn) -> Any:
    membership = acting(request)
    duty = queries.duty_for(membership, duty_id)
    return services.duty_save(
        actor=membership,
        version=duty.version,
        duty=duty,
        party=payload.party,
        duties=payload.duties,
    )


@router.delete(
    "/duties/{duty_id}",
    response={204: None},
    summary="Remove the duties of a party",
    description=DRAFTER,
)
def duty_remove(request: HttpRequest, duty_id: int) -> HttpStatus[None]:
    membership = acting(request)
    duty = queries.duty_for(membership, duty_id)
    services.duty_delete(actor=membership, duty=duty)
    return HttpStatus(204, None)
