"""The directory API (/api/v1/directory): everything the directory pages do, through the
same services and scoped queries. A role that may not do something answers 403; an entry
outside the manager's scope answers 404; a refused write answers 422."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from sipakatau.accounts.access import acting
from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.areas.models import Area
from sipakatau.areas.queries import area_by_code
from sipakatau.lib.api_pagination import Pages
from sipakatau.lib.api_types import JsonBool, JsonInt
from sipakatau.lib.tables import TableError, read_table
from sipakatau.lib.uploads import max_upload_bytes

from . import queries, services
from .codes import ServiceType
from .models import Provider

router = Router(tags=["directory"])


class ServiceOut(Schema):
    service_type: ServiceType
    description: str


class ProviderOut(Schema):
    id: int
    name: str
    organisation_id: int | None
    address: str
    area_code: str
    area_name: str
    areas_served: list[str] = Field(
        description="Area codes; empty means the provider's own area and everything below it"
    )
    phone: str
    whatsapp: str
    email: str
    hours: str
    wheelchair_access: bool
    sign_language: bool
    cost: str
    is_public: bool
    is_active: bool
    services: list[ServiceOut]

    @staticmethod
    def resolve_area_code(obj: Provider) -> str:
        return obj.area.code

    @staticmethod
    def resolve_area_name(obj: Provider) -> str:
        return obj.area.name

    @staticmethod
    def resolve_areas_served(obj: Provider) -> list[str]:
        return [area.code for area in obj.areas_served.all()]

    @staticmethod
    def resolve_services(obj: Provider) -> list[object]:
        return list(obj.services.all())


class ServiceIn(Schema):
    service_type: ServiceType
    description: str = Field("", max_length=300)


class ProviderIn(Schema):
    name: str = Field(max_length=200)
    area_code: str = Field(max_length=32, description="Where the provider is located")
    organisation_id: JsonInt | None = Field(
        None,
        description="The organisation in Sipakatau that receives this entry's referrals; "
        "an agency manager's own organisation when it creates the entry",
    )
    address: str = ""
    phone: str = ""
    whatsapp: str = ""
    email: str = ""
    hours: str = ""
    wheelchair_access: JsonBool = False
    sign_language: JsonBool = False
    cost: str = ""
    is_public: JsonBool = False
    areas_served: list[str] = Field(default_factory=list, max_length=200)
    services: list[ServiceIn] = Field(default_factory=list, max_length=50)


class ProviderChangeIn(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, max_length=200)
    area_code: str | None = Field(None, max_length=32)
    address: str | None = None
    phone: str | None = None
    whatsapp: str | None = None
    email: str | None = None
    hours: str | None = None
    wheelchair_access: JsonBool | None = None
    sign_language: JsonBool | None = None
    cost: str | None = None
    is_public: JsonBool | None = None
    areas_served: list[str] | None = Field(None, max_length=200)


class ServicesIn(Schema):
    services: list[ServiceIn] = Field(max_length=50)


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


def _reader(request: HttpRequest) -> Membership:
    membership = acting(request)
    if not queries.may_read_directory(membership):
        raise PermissionDenied
    return membership


def _manager(request: HttpRequest) -> Membership:
    """Whoever keeps entries; which entries, ``managed_provider_for`` says (404 outside)."""
    membership = acting(request)
    if not queries.may_manage_providers(membership):
        raise PermissionDenied
    return membership


def _area(code: str, field: str) -> Area:
    area = area_by_code(code.strip())
    if area is None:
        raise ValidationError({field: _("There is no area with code %(code)s.") % {"code": code}})
    return area


def _areas(codes: list[str]) -> list[Area]:
    return [_area(code, "areas_served") for code in codes]


def _services(rows: list[ServiceIn]) -> dict[str, str]:
    return {str(row.service_type): row.description for row in rows}


@router.get(
    "/providers",
    response=list[ProviderOut],
    summary="Active providers that give a service and serve an area",
)
@paginate(Pages, page_size=50)
def provider_search(
    request: HttpRequest,
    service: ServiceType | None = None,
    area: str | None = None,
    q: str | None = None,
) -> object:
    _reader(request)
    return queries.providers_for_search(
        service_type=service,
        area=_area(area, "area") if area else None,
        text=(q or "")[:100],
    ).prefetch_related("areas_served")


@router.get(
    "/providers/managed",
    response=list[ProviderOut],
    summary="Providers this administrator or agency manager manages, active or not",
)
@paginate(Pages, page_size=50)
def provider_managed(request: HttpRequest) -> object:
    return queries.managed_providers_visible_to(_manager(request)).prefetch_related("areas_served")


@router.get("/providers/{provider_id}", response=ProviderOut, summary="One provider")
def provider_detail(request: HttpRequest, provider_id: int) -> Provider:
    return queries.provider_for(_reader(request), provider_id)


@router.post("/providers", response={201: ProviderOut}, summary="Add a provider")
def provider_create(request: HttpRequest, payload: ProviderIn) -> Status[Provider]:
    actor = _manager(request)
    organisation: Organisation | None = None
    if payload.organisation_id is not None:
        organisation = (
            queries.organisations_linkable(actor).filter(pk=payload.organisation_id).first()
        )
        if organisation is None:
            # The same answer for an unknown organisation and one the actor may not link.
            raise ValidationError(
                {"organisation_id": _("Choose an organisation of your area without an entry.")}
            )
    elif actor.role == Role.AGENCY_MANAGER:
        organisation = actor.organisation
    provider = services.provider_create(
        actor=actor,
        name=payload.name,
        area=_area(payload.area_code, "area_code"),
        organisation=organisation,
        address=payload.address,
        phone=payload.phone,
        whatsapp=payload.whatsapp,
        email=payload.email,
        hours=payload.hours,
        wheelchair_access=payload.wheelchair_access,
        sign_language=payload.sign_language,
        cost=payload.cost,
        is_public=payload.is_public,
        areas_served=_areas(payload.areas_served),
        services=_services(payload.services),
    )
    return Status(201, queries.managed_provider_for(actor, provider.pk))


@router.post("/providers/{provider_id}", response=ProviderOut, summary="Change a provider")
def provider_update(request: HttpRequest, provider_id: int, payload: ProviderChangeIn) -> Provider:
    actor = _manager(request)
    provider = queries.managed_provider_for(actor, provider_id)
    # A null is "not changed", as a field left out: a null area code was a 500 (found by
    # the API fuzzing).
    sent = {
        name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None
    }
    services.provider_update(
        actor=actor,
        provider=provider,
        name=sent.get("name", provider.name),
        area=_area(sent["area_code"], "area_code") if "area_code" in sent else provider.area,
        address=sent.get("address", provider.address),
        phone=sent.get("phone", provider.phone),
        whatsapp=sent.get("whatsapp", provider.whatsapp),
        email=sent.get("email", provider.email),
        hours=sent.get("hours", provider.hours),
        wheelchair_access=sent.get("wheelchair_access", provider.wheelchair_access),
        sign_language=sent.get("sign_language", provider.sign_language),
        cost=sent.get("cost", provider.cost),
        is_public=sent.get("is_public", provider.is_public),
        areas_served=_areas(sent["areas_served"])
        if "areas_served" in sent
        else list(provider.areas_served.all()),
    )
    return queries.managed_provider_for(actor, provider.pk)


@router.post(
    "/providers/{provider_id}/services",
    response=ProviderOut,
    summary="Set the services a provider gives (replaces the list)",
)
def provider_set_services(request: HttpRequest, provider_id: int, payload: ServicesIn) -> Provider:
    actor = _manager(request)
    provider = queries.managed_provider_for(actor, provider_id)
    services.provider_set_services(
        actor=actor, provider=provider, services=_services(payload.services)
    )
    return queries.managed_provider_for(actor, provider.pk)


@router.post(
    "/providers/{provider_id}/deactivate",
    response=ProviderOut,
    summary="Stop offering a provider in searches and referrals (it is kept)",
)
def provider_deactivate(request: HttpRequest, provider_id: int) -> Provider:
    actor = _manager(request)
    provider = queries.managed_provider_for(actor, provider_id)
    services.provider_set_active(actor=actor, provider=provider, active=False)
    return queries.managed_provider_for(actor, provider.pk)


@router.post(
    "/providers/{provider_id}/activate",
    response=ProviderOut,
    summary="Offer a deactivated provider again",
)
def provider_activate(request: HttpRequest, provider_id: int) -> Provider:
    actor = _manager(request)
    provider = queries.managed_provider_for(actor, provider_id)
    services.provider_set_active(actor=actor, provider=provider, active=True)
    return queries.managed_provider_for(actor, provider.pk)


@router.post(
    "/import",
    response=ImportOut,
    summary="Import providers from a CSV or XLSX file; all or nothing, safe to repeat",
    description="Columns: " + ", ".join([*services.IMPORT_COLUMNS, "areas_served"]) + ".",
)
def directory_import(request: HttpRequest, file: File[UploadedFile]) -> services.ImportResult:
    actor = acting(request)
    if not queries.may_import_directory(actor):
        raise PermissionDenied
    # One byte over the limit is enough to refuse; the rest is never read into memory.
    data = file.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise ValidationError({"file": _("The file is too big.")})
    try:
        rows = read_table(filename=file.name or "", data=data)
    except TableError as error:
        raise ValidationError({"file": str(error)}) from error
    return services.directory_import(actor=actor, rows=rows, source=file.name or "")
