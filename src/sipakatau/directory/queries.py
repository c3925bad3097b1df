"""Every read of the service directory that depends on who is asking.

The directory itself is not secret: every signed-in role but the auditor reads all of it
(a kader in Soreang may need the shelter in Makassar). What is scoped is who may change an
entry: an administrator the providers located in its organisation's area (or below it),
an agency manager its own organisation's entry. Outside that, the manage pages answer 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.accounts.permissions import IMPORT_DIRECTORY, MANAGE_PROVIDERS, READ_DIRECTORY
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_and_descendants, area_is_within, codes_with_ancestors

from .models import Provider, ProviderService

_AreasServed = Provider.areas_served.through


def _listed(providers: QuerySet[Provider]) -> QuerySet[Provider]:
    # Everything a list row shows in two queries, however many rows (the test counts them).
    return providers.select_related("area", "organisation").prefetch_related("services")


def providers_for_search(
    *, service_type: str | None = None, area: Area | None = None, text: str | None = None
) -> QuerySet[Provider]:
    """Active providers that give ``service_type`` and serve ``area``, matching ``text``.

    A provider serves every area in its ``areas_served`` and everything below them; with
    none listed it serves its own area and everything below it (a Puskesmas its
    kecamatan, a city office the whole city).
    """
    providers = Provider.objects.filter(is_active=True)
    if service_type:
        providers = providers.filter(
            Exists(
                ProviderService.objects.filter(provider=OuterRef("pk"), service_type=service_type)
            )
        )
    if area is not None:
        codes = codes_with_ancestors(area.code)
        served = _AreasServed.objects.filter(provider=OuterRef("pk"))
        providers = providers.filter(
            Exists(served.filter(area__code__in=codes))
            | (~Exists(served) & Q(area__code__in=codes))
        )
    text = (text or "").strip()
    if text:
        providers = providers.filter(
            Q(name__icontains=text)
            | Q(address__icontains=text)
            | Exists(
                ProviderService.objects.filter(provider=OuterRef("pk"), description__icontains=text)
            )
        )
    return _listed(providers).order_by("name", "pk")


def public_providers(
    *, service_type: str | None = None, area: Area | None = None, text: str | None = None
) -> QuerySet[Provider]:
    """What the public portal may show: only providers that agreed to be listed."""
    return providers_for_search(service_type=service_type, area=area, text=text).filter(
        is_public=True
    )


# --- Who may do what (the services refuse with the same predicates) ---------------------


def may_read_directory(membership: Membership) -> bool:
    return membership.is_active and membership.role in READ_DIRECTORY


def may_manage_providers(membership: Membership) -> bool:
    """Whether the manage pages are open at all: an administrator or an agency manager."""
    return membership.is_active and membership.role in MANAGE_PROVIDERS


def may_import_directory(membership: Membership) -> bool:
    return membership.is_active and membership.role in IMPORT_DIRECTORY


def may_manage_provider(membership: Membership, provider: Provider) -> bool:
    """An administrator the providers located in its organisation's area (or below it),
    an agency manager its own organisation's entry."""
    if not membership.is_active:
        return False
    if membership.role == Role.ADMIN:
        return area_is_within(provider.area, membership.organisation.area)
    if membership.role == Role.AGENCY_MANAGER:
        return provider.organisation_id == membership.organisation_id
    return False


def may_place_provider(membership: Membership, area: Area) -> bool:
    """Whether ``membership`` may have an entry located in ``area``: an administrator
    inside its organisation's area; an agency manager inside its own organisation's area."""
    return may_manage_providers(membership) and area_is_within(area, membership.organisation.area)


def may_link_organisation(membership: Membership, organisation: Organisation | None) -> bool:
    """Linking an entry to an organisation sends that entry's referrals to the
    organisation's inbox, so an administrator links only organisations in its own area
    and an agency manager only its own (and keeps no entry without one)."""
    if organisation is None:
        return membership.role != Role.AGENCY_MANAGER
    if membership.role == Role.AGENCY_MANAGER:
        return organisation.pk == membership.organisation_id
    if membership.role == Role.ADMIN:
        return area_is_within(organisation.area, membership.organisation.area)
    return False


def may_create_provider(membership: Membership) -> bool:
    """An administrator adds entries; an agency manager keeps one, its own organisation's,
    so she adds it only while it is missing."""
    if not may_manage_providers(membership):
        return False
    return (
        membership.role == Role.ADMIN or provider_for_organisation(membership.organisation) is None
    )


# --- Scoped reads -------------------------------------------------------------------------


def managed_providers_visible_to(membership: Membership) -> QuerySet[Provider]:
    """The entries this member keeps (``may_manage_provider`` as a query), active or not:
    a manager must find a deactivated entry to bring it back."""
    if not membership.is_active:
        return Provider.objects.none()
    if membership.role == Role.ADMIN:
        scope = Q(area__in=area_and_descendants(membership.organisation.area))
    elif membership.role == Role.AGENCY_MANAGER:
        scope = Q(organisation_id=membership.organisation_id)
    else:
        return Provider.objects.none()
    return _listed(Provider.objects.filter(scope)).order_by("name", "pk")


def managed_provider_for(membership: Membership, pk: int) -> Provider:
    """One entry to change; outside the member's keeping, 404."""
    provider = managed_providers_visible_to(membership).filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


def provider_for(membership: Membership, pk: int) -> Provider:
    """An active provider for anyone who reads the directory; a deactivated one only for
    whoever manages it (it is no longer offered to caseworkers)."""
    if not may_read_directory(membership):
        raise Http404
    provider = _listed(Provider.objects.filter(pk=pk)).prefetch_related("areas_served").first()
    if provider is None or not (provider.is_active or may_manage_provider(membership, provider)):
        raise Http404
    return provider


def provider_for_organisation(organisation: Organisation) -> Provider | None:
    """The organisation's own entry, if it has one (referrals to it reach its inbox)."""
    return (
        Provider.objects.filter(organisation=organisation)
        .select_related("area")
        .prefetch_related("services")
        .first()
    )


def areas_for_directory(membership: Membership) -> QuerySet[Area]:
    """Areas offered in the directory's forms: the acting organisation's city (or its own
    area when wider), down to the kelurahan — RW and RT are too fine for a provider."""
    code = membership.organisation.area.code
    city = ".".join(code.split(".")[:2])
    return (
        Area.objects.filter(Q(code=city) | Q(code__startswith=city + ".") | Q(code=code))
        .exclude(level__in=[Level.RW, Level.RT])
        .order_by("code")
    )


def areas_placeable(membership: Membership) -> QuerySet[Area]:
    """Where the actor may locate an entry: inside its own organisation's area."""
    return areas_for_directory(membership) & area_and_descendants(membership.organisation.area)


def organisations_linkable(membership: Membership) -> QuerySet[Organisation]:
    """Organisations without an entry yet that the actor may link a new entry to (the
    services check the same): its own for an agency manager, any in its area for an
    administrator."""
    organisations = Organisation.objects.filter(is_active=True, provider__isnull=True)
    if membership.role == Role.AGENCY_MANAGER:
        return organisations.filter(pk=membership.organisation_id)
    if membership.role == Role.ADMIN:
        return organisations.filter(area__in=area_and_descendants(membership.organisation.area))
    return Organisation.objects.none()
