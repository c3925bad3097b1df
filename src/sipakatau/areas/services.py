"""Writes to the area hierarchy. Areas are reference data loaded from code lists."""

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.audit import services as audit

from .models import PARENT_LEVEL, Area, Level

DATA_DIR = Path(__file__).resolve().parent / "data"
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4}(\.\d{3}(\.\d{3})?)?)?)?)?$")


class AreaImportError(ValueError):
    """A code list that cannot be loaded; the message names the line and the problem."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_area_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _clean_row(number: int, row: Mapping[str, Any]) -> dict[str, Any]:
    code = (row.get("code") or "").strip()
    level = (row.get("level") or "").strip().lower()
    name = (row.get("name") or "").strip()
    parent_code = (row.get("parent_code") or "").strip()
    if not _CODE.match(code):
        raise AreaImportError(
            _("Line %(line)s: code %(code)r is not a valid area code.")
            % {"line": number, "code": code}
        )
    if level not in Level.values:
        raise AreaImportError(
            _("Line %(line)s: unknown level %(level)r.") % {"line": number, "level": level}
        )
    if not name:
        raise AreaImportError(_("Line %(line)s: the name is empty.") % {"line": number})
    if parent_code and not code.startswith(parent_code + "."):
        raise AreaImportError(
            _("Line %(line)s: code %(code)s does not start with its parent's code %(parent)s.")
            % {"line": number, "code": code, "parent": parent_code}
        )
    time_zone = (row.get("time_zone") or "").strip()
    if time_zone:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise AreaImportError(
                _("Line %(line)s: unknown time zone %(tz)r.") % {"line": number, "tz": time_zone}
            ) from exc
    aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
    return {
        "code": code,
        "level": level,
        "name": name,
        "parent_code": parent_code,
        "aliases": aliases,
        "time_zone": time_zone,
    }


def areas_import(*, rows: Iterable[Mapping[str, Any]], source: str = "") -> ImportResult:
    """Create or update areas from code-list rows (columns: code, level, name,
    parent_code, aliases separated by ``;``, optional time_zone).

    All or nothing: any bad line refuses the whole list and changes nothing. Running the
    same list twice changes nothing the second time.
    """
    cleaned = [_clean_row(number, row) for number, row in enumerate(rows, start=2)]
    result = ImportResult()
    with transaction.atomic():
        known = {area.code: area for area in Area.objects.all()}
        for number, row in enumerate(cleaned, start=2):
            parent = known.get(row["parent_code"]) if row["parent_code"] else None
            if row["parent_code"] and parent is None:
                raise AreaImportError(
                    _("Line %(line)s: parent %(parent)s is unknown.")
                    % {"line": number, "parent": row["parent_code"]}
                )
            expected_parent_level = PARENT_LEVEL[Level(row["level"])]
            actual = parent.level if parent else None
            if actual != expected_parent_level:
                raise AreaImportError(
                    _("Line %(line)s: a %(level)s cannot sit under a %(parent_level)s.")
                    % {"line": number, "level": row["level"], "parent_level": actual or "-"}
                )
            values = {
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "aliases": row["aliases"],
                "time_zone": row["time_zone"],
            }
            area = known.get(row["code"])
            if area is None:
                area = Area.objects.create(code=row["code"], **values)
                known[area.code] = area
                result.created += 1
            elif any(getattr(area, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(area, key, value)
                area.save()
                result.updated += 1
            else:
                result.unchanged += 1
        if result.created or result.updated:
            audit.log(
                audit.SYSTEM,  # the operator: code lists are loaded at the command line
                "areas.imported",
                ("areas.area", source[:64]),
                fields=["code", "name", "level", "parent", "aliases", "time_zone"],
            )
    return result


def areas_load_parepare() -> ImportResult:
    """The code list shipped with Sipakatau: Kota Parepare and the pilot RW/RT."""
    rows = read_area_csv(DATA_DIR / "areas_parepare.csv")
    for row in rows:
        if row["level"] == "province":
            row["time_zone"] = "Asia/Makassar"  # WITA, UTC+8
    rows += read_area_csv(DATA_DIR / "pilot_rw_rt.csv")
    return areas_import(rows=rows, source="areas_parepare.csv")
