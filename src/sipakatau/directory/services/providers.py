"""Every write to the service directory.

Each service checks that the acting membership manages the entry (queries.py says who),
validates, writes the audit event in the same transaction, and only then returns. The
audit names fields, never values: a directory entry is not personal data, but the trail
keeps one rule for everything.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib.phone import PhoneError, normalise_phone
from sipakatau.lib.services import model_update

from ..codes import ServiceType
from ..models import Provider, ProviderService
from ..queries import may_link_organisation, may_manage_provider, may_place_provider

# Hotlines are short (110 police, 112 emergency, 129 SAPA): kept as written.
_SHORT_NUMBER = re.compile(r"^\d{3,6}$")
_SPACES = re.compile(r"\s+")
TEXT_FIELDS = ("address", "phone", "whatsapp", "email", "hours", "cost")
FLAG_FIELDS = ("wheelchair_access", "sign_language", "is_public")


# --- Validation -------------------------------------------------------------------------


def clean_name(name: str) -> str:
    name = _SPACES.sub(" ", name).strip()
    if not name:
        raise ValidationError({"name": _("Fill in the name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("The name is too long (at most 200 characters).")})
    return name


def _clean_phone(raw: str, field_name: str) -> str:
    text = raw.strip()
    if not text or _SHORT_NUMBER.match(text):
        return text
    try:
        return normalise_phone(text)
    except PhoneError as exc:
        raise ValidationError(
            {field_name: _("Write the number starting with 0 or +62, for example 0812 3456 7890.")}
        ) from exc


def clean_details(values: Mapping[str, Any]) -> dict[str, Any]:
    """The contact and access details, cleaned; one message per field that is wrong."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    limits = {"address": 300, "hours": 200, "cost": 200}
    for name in TEXT_FIELDS:
        if name not in values:
            continue
        text = _SPACES.sub(" ", str(values[name] or "")).strip()
        try:
            if name in ("phone", "whatsapp"):
                text = _clean_phone(text, name)
                # Indonesian mobile numbers are +628…; a landline has no WhatsApp.
                landline = text.startswith("+62") and not text.startswith("+628")
                if name == "whatsapp" and text and (landline or not text.startswith("+")):
                    raise ValidationError({name: _("A WhatsApp number must be a mobile number.")})
            elif name == "email" and text:
                try:
                    validate_email(text)
                except ValidationError as exc:
                    raise ValidationError({name: _("This email address is not valid.")}) from exc
            elif name in limits and len(text) > limits[name]:
                raise ValidationError(
                    {name: _("Too long (at most %(count)d characters).") % {"count": limits[name]}}
                )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        cleaned[name] = text
    for name in FLAG_FIELDS:
        if name in values:
            cleaned[name] = bool(values[name])
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_services(services: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for code, description in services.items():
        if code not in ServiceType.values:
            raise ValidationError({"services": _("Unknown service %(code)s.") % {"code": code}})
        text = _SPACES.sub(" ", description or "").strip()
        if len(text) > 300:
            raise ValidationError(
                {"services": _("A service's details are too long (at most 300 characters).")}
            )
        cleaned[code] = text
    return cleaned


def _check_name_free(name: str, area: Area, provider: Provider | None = None) -> None:
    twins = Provider.objects.filter(name__iexact=name, area=area)
    if provider is not None:
        twins = twins.exclude(pk=provider.pk)
    if twins.exists():
        raise ValidationError(
            {"name": _("There is already a provider with this name in this area.")}
        )


def _check_organisation_free(organisation: Organisation | None) -> None:
    if organisation is not None and Provider.objects.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("This organisation already has an entry in the directory.")}
        )


# --- Writes -----------------------------------------------------------------------------


def write_services(provider: Provider, services: Mapping[str, str]) -> bool:
    """Make the provider's services exactly ``services``; True when anything changed."""
    current = {row.service_type: row for row in provider.services.all()}
    removed = [row.pk for code, row in current.items() if code not in services]
    changed = bool(removed)
    if removed:
        ProviderService.objects.filter(pk__in=removed).delete()
    for code, description in services.items():
        row = current.get(code)
        if row is None:
            ProviderService.objects.create(
                provider=provider, service_type=code, description=description
            )
            changed = True
        elif row.description != description:
            row.description = description
            row.save(update_fields=["description"])
            changed = True
    return changed


def provider_create(
    *,
    actor: Membership,
    name: str,
    area: Area,
    organisation: Organisation | None = None,
    address: str = "",
    phone: str = "",
    whatsapp: str = "",
    email: str = "",
    hours: str = "",
    wheelchair_access: bool = False,
    sign_language: bool = False,
    cost: str = "",
    is_public: bool = False,
    areas_served: Sequence[Area] = (),
    services: Mapping[str, str] | None = None,
) -> Provider:
    if not may_place_provider(actor, area) or not may_link_organisation(actor, organisation):
        raise PermissionDenied
    name = clean_name(name)
    details = clean_details(
        {
            "address": address,
            "phone": phone,
            "whatsapp": whatsapp,
            "email": email,
            "hours": hours,
            "cost": cost,
            "wheelchair_access": wheelchair_access,
            "sign_language": sign_language,
            "is_public": is_public,
        }
    )
    wanted = _clean_services(services or {})
    with transaction.atomic():
        _check_name_free(name, area)
        _check_organisation_free(organisation)
        try:
            with transaction.atomic():
                provider = Provider.objects.create(
                    name=name, area=area, organisation=organisation, **details
                )
        except IntegrityError as exc:
            # Someone added the same entry between the checks above and this insert.
            raise ValidationError(_("This provider has just been added by someone else.")) from exc
        provider.areas_served.set(areas_served)
        write_services(provider, wanted)
        audit.log(
            actor,
            "provider.created",
            provider,
            fields=["name", "area", "organisation", *details, "areas_served", "services"],
        )
    return provider


def provider_update(
    *,
    actor: Membership,
    provider: Provider,
    name: str,
    area: Area,
    address: str,
    phone: str,
    whatsapp: str,
    email: str,
    hours: str,
    wheelchair_access: bool,
    sign_language: bool,
    cost: str,
    is_public: bool,
    areas_served: Sequence[Area],
) -> Provider:
    if not may_manage_provider(actor, provider):
        raise PermissionDenied
    if area.pk != provider.area_id and not may_place_provider(actor, area):
        # Moving an entry out of one's own area would hand it to someone else.
        raise PermissionDenied
    values: dict[str, Any] = {"name": clean_name(name), "area": area}
    values |= clean_details(
        {
            "address": address,
            "phone": phone,
            "whatsapp": whatsapp,
            "email": email,
            "hours": hours,
            "cost": cost,
            "wheelchair_access": wheelchair_access,
            "sign_language": sign_language,
            "is_public": is_public,
        }
    )
    with transaction.atomic():
        _check_name_free(values["name"], area, provider)
        provider, changed = model_update(instance=provider, fields=values, data=values)
        if set_areas_served(provider, areas_served):
            changed.append("areas_served")
        if changed:
            audit.log(actor, "provider.updated", provider, fields=changed)
    return provider


def set_areas_served(provider: Provider, areas: Sequence[Area]) -> bool:
    wanted = {area.pk for area in areas}
    if set(provider.areas_served.values_list("pk", flat=True)) == wanted:
        return False
    provider.areas_served.set(areas)
    return True


def provider_set_services(
    *, actor: Membership, provider: Provider, services: Mapping[str, str]
) -> Provider:
    """Make the services the provider gives exactly ``services`` (code → details)."""
    if not may_manage_provider(actor, provider):
        raise PermissionDenied
    wanted = _clean_services(services)
    with transaction.atomic():
        if write_services(provider, wanted):
            provider.save(update_fields=["updated_at"])
            audit.log(actor, "provider.services_changed", provider, fields=["services"])
    return provider


def provider_set_active(*, actor: Membership, provider: Provider, active: bool) -> Provider:
    """A deactivated provider is no longer found in searches nor offered for referrals;
    it is kept (never deleted) because past referrals name it."""
    if not may_manage_provider(actor, provider):
        raise PermissionDenied
    if provider.is_active == active:
        return provider
    with transaction.atomic():
        provider.is_active = active
        provider.save(update_fields=["is_active", "updated_at"])
        audit.log(
            actor,
            "provider.activated" if active else "provider.deactivated",
            provider,
            fields=["is_active"],
        )
    return provider
