"""Importing the directory from a spreadsheet (CSV or XLSX, read by ``lib.tables``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.models import Area
from sipakatau.audit import services as audit
from sipakatau.lib.services import model_update

from ..codes import ServiceType
from ..models import Provider
from ..queries import may_import_directory, may_place_provider
from .providers import (
    FLAG_FIELDS,
    TEXT_FIELDS,
    clean_details,
    clean_name,
    set_areas_served,
    write_services,
)

IMPORT_COLUMNS = (
    "name",
    "address",
    "area_code",
    "phone",
    "whatsapp",
    "email",
    "hours",
    "services",
    "wheelchair_access",
    "sign_language",
    "cost",
    "is_public",
)
# Optional: area codes separated by ";" (empty: the provider's own area and below).
OPTIONAL_COLUMNS = ("areas_served",)
REQUIRED_COLUMNS = ("name", "area_code")
_TRUE = {"1", "y", "ya", "yes", "true", "benar", "x", "✓"}
_FALSE = {"", "0", "n", "t", "tidak", "no", "false", "salah", "-"}
MAX_ERRORS = 50


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    providers: list[Provider] = field(default_factory=list)


@dataclass
class _Planned:
    line: int
    name: str
    area: Area
    values: dict[str, Any]
    services: dict[str, str] | None
    areas_served: list[Area] | None


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _plan_row(
    actor: Membership | None, row: Mapping[str, str], areas: Mapping[str, Area]
) -> tuple[str, Area, dict[str, Any], dict[str, str] | None, list[Area] | None]:
    """One row checked and turned into values; ValidationError lists what is wrong."""
    problems: list[str] = []
    if "" in row:
        problems.append(_("there are more values than column names (a comma in a text?)"))
    try:
        name = clean_name(row.get("name", ""))
    except ValidationError:
        name = ""
        problems.append(_("the name is empty"))
    code = row.get("area_code", "").strip()
    area = areas.get(code)
    if area is None:
        problems.append(_("there is no area with code %(code)r") % {"code": code})
    elif actor is not None and not may_place_provider(actor, area):
        problems.append(_("area %(code)s is outside your area") % {"code": code})
    flags: dict[str, Any] = {}
    for column in FLAG_FIELDS:
        if column in row:
            value = _flag(row[column])
            if value is None:
                problems.append(
                    _("%(column)s must be ya or tidak, not %(value)r")
                    % {"column": column, "value": row[column]}
                )
            flags[column] = bool(value)
    try:
        values = clean_details({**{k: row[k] for k in TEXT_FIELDS if k in row}, **flags})
    except ValidationError as error:
        values = {}
        for column, messages in error.message_dict.items():
            problems.extend(f"{column}: {message}" for message in messages)
    services: dict[str, str] | None = None
    if "services" in row:
        codes = [code.upper() for code in _codes(row["services"])]
        unknown = [code for code in codes if code not in ServiceType.values]
        if unknown:
            problems.append(_("unknown service codes: %(codes)s") % {"codes": ", ".join(unknown)})
        services = {code: "" for code in codes}
    served: list[Area] | None = None
    if "areas_served" in row:
        served = []
        for served_code in _codes(row["areas_served"]):
            served_area = areas.get(served_code)
            if served_area is None:
                problems.append(_("there is no area with code %(code)r") % {"code": served_code})
            else:
                served.append(served_area)
    if problems:
        raise ValidationError(problems)
    assert area is not None
    return name, area, values, services, served


def directory_import(
    *, actor: Membership | None, rows: Sequence[Mapping[str, str]], source: str = ""
) -> ImportResult:
    """Create or update providers from spreadsheet rows (``IMPORT_COLUMNS``; ``services``
    and ``areas_served`` hold codes separated by ``;``). ``rows`` are in file order after
    the header, a blank row as an empty mapping, so row *i* is line *i + 2*.

    All or nothing: every line is checked first and any problem refuses the whole file,
    naming each line. A provider with the same name in the same area is updated, so
    importing the same file twice changes nothing the second time. Services listed in a
    row replace the provider's services (their details are kept).

    ``actor`` None is the operator at the command line, who may import anywhere.
    """
    if actor is not None and not may_import_directory(actor):
        raise PermissionDenied
    columns = {name for row in rows for name in row if name}
    unknown = sorted(columns - set(IMPORT_COLUMNS) - set(OPTIONAL_COLUMNS))
    missing = [name for name in REQUIRED_COLUMNS if rows and name not in columns]
    if unknown or missing:
        raise ValidationError(
            [_("Unknown column: %(name)s.") % {"name": name} for name in unknown]
            + [_("The column %(name)s is missing.") % {"name": name} for name in missing]
        )
    codes = {row.get("area_code", "").strip() for row in rows}
    for row in rows:
        codes.update(_codes(row.get("areas_served", "")))
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}

    errors: list[str] = []
    planned: list[_Planned] = []
    first_line: dict[tuple[str, int], int] = {}
    for index, row in enumerate(rows):
        line = index + 2
        if not any(value.strip() for value in row.values()):
            continue
        try:
            name, area, values, services, served = _plan_row(actor, row, areas)
        except ValidationError as error:
            errors.extend(
                _("Line %(line)d: %(problem)s.") % {"line": line, "problem": message.rstrip(".")}
                for message in error.messages
            )
            continue
        key = (name.lower(), area.pk)
        if key in first_line:
            errors.append(
                _("Line %(line)d: the same provider is already on line %(first)d.")
                % {"line": line, "first": first_line[key]}
            )
            continue
        first_line[key] = line
        planned.append(_Planned(line, name, area, values, services, served))
    if not planned and not errors:
        raise ValidationError(_("The file has no providers."))
    if errors:
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = [*errors[:MAX_ERRORS], _("… and %(count)d more.") % {"count": more}]
        raise ValidationError(errors)

    result = ImportResult()
    with transaction.atomic():
        for plan in planned:
            existing = (
                Provider.objects.select_for_update()
                .filter(name__iexact=plan.name, area=plan.area)
                .first()
            )
            if existing is None:
                provider = Provider.objects.create(name=plan.name, area=plan.area, **plan.values)
                if plan.areas_served:
                    provider.areas_served.set(plan.areas_served)
                write_services(provider, plan.services or {})
                audit.log(
                    actor,
                    "provider.created",
                    provider,
                    fields=["name", "area", *plan.values, "areas_served", "services"],
                )
                result.created += 1
            else:
                provider = existing
                # The name as written in the file wins (it may fix the capitals).
                values = {"name": plan.name, **plan.values}
                provider, changed = model_update(instance=provider, fields=values, data=values)
                if plan.areas_served is not None and set_areas_served(provider, plan.areas_served):
                    changed.append("areas_served")
                if plan.services is not None:
                    kept = {row.service_type: row.description for row in provider.services.all()}
                    wanted = {code: kept.get(code, "") for code in plan.services}
                    if write_services(provider, wanted):
                        changed.append("services")
                if changed:
                    audit.log(actor, "provider.updated", provider, fields=changed)
                    result.updated += 1
                else:
                    result.unchanged += 1
            result.providers.append(provider)
        if result.created or result.updated:
            audit.log(
                actor,  # None: the operator, whom the trail names "system"
                "directory.imported",
                ("directory.provider", source[:64]),
                fields=IMPORT_COLUMNS,
            )
    return result
