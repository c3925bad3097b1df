"""The decree number, from the parts an office names in words (Permendagri 1/2023 on
official documents): the archive classification code from the office's own list
(kode klasifikasi arsip, e.g. 400.2.2), the decree's sequence in the year, the office
code and the year of issue — 400.2.2/03/Kel-WS/2026.

A number is complete only when every part is real: "400.x" (a placeholder someone meant
to fill in) or an empty office code is refused at issuance, so no sealed decree ever
carries a placeholder.
"""

import re

from django.utils.translation import gettext as _

from sipakatau.areas.models import Area

# Three digits (the main class: 000 … 900), then dotted sub-classes: 400, 400.2.2,
# 100.3.3.2. Digits and dots only.
CLASSIFICATION = re.compile(r"^\d{3}(\.\d{1,4})*$")
# Letters, digits, dots and hyphens, e.g. Kel-WS, Kel.WS, KWS. No slash: it separates parts.
OFFICE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?$")
# The prefixes of a city or regency name that the place of issue leaves out
# ("Ditetapkan di Parepare", not "di Kota Parepare").
REGION_PREFIXES = ("Kota ", "Kabupaten ", "Kab. ")


def decree_number(*, classification_code: str, sequence: int, office_code: str, year: int) -> str:
    return f"{classification_code}/{sequence:02d}/{office_code}/{year}"


def classification_problem(code: str) -> str:
    """Why the classification code cannot go on a decree ("" when it can)."""
    if not code:
        return _(
            "Fill in the archive classification code (kode klasifikasi arsip) from the "
            "office's list, e.g. 400.2.2."
        )
    if not CLASSIFICATION.match(code):
        return _(
            "The archive classification code “%(code)s” is not complete: use the code from "
            "the office's list, digits and dots only, e.g. 400.2.2 (no “x”)."
        ) % {"code": code}
    return ""


def office_problem(code: str) -> str:
    """Why the office code cannot go on a decree ("" when it can)."""
    if not code:
        return _("Fill in the office code, e.g. Kel-WS.")
    if not OFFICE.match(code):
        return _(
            "The office code “%(code)s” may have letters, digits, dots and hyphens only, "
            "e.g. Kel-WS."
        ) % {"code": code}
    return ""


def number_problems(classification_code: str, office_code: str) -> dict[str, str]:
    """What is missing from the number, by setting ({} when the number is complete)."""
    problems = {
        "classification_code": classification_problem(classification_code),
        "office_code": office_problem(office_code),
    }
    return {field: message for field, message in problems.items() if message}


# The office code's prefix by the kind of village: "Kel" for a kelurahan office, "Ds" for a
# desa office, the abbreviations the offices' own numbers use (Kel-WS, Ds-LR).
OFFICE_PREFIX = {False: "Kel", True: "Ds"}


def default_office_code(village: str, *, desa: bool = False) -> str:
    """The initials of the village after its kind: Watang Soreang → Kel-WS, Desa Lompo
    Riaja → Ds-LR."""
    initials = "".join(word[0] for word in village.split() if word[:1].isalpha())
    return f"{OFFICE_PREFIX[desa]}-{initials.upper()}" if initials else ""


def place_name(city: str) -> str:
    """Kota Parepare → Parepare; Kabupaten Barru → Barru."""
    for prefix in REGION_PREFIXES:
        if city.startswith(prefix):
            return city[len(prefix) :].strip()
    return city.strip()


def default_place(kelurahan: Area) -> str:
    """The city or regency the kelurahan lies in, without "Kota"/"Kabupaten"."""
    kecamatan = kelurahan.parent
    city = kecamatan.parent if kecamatan is not None else None
    return place_name(city.name if city is not None else kelurahan.name)
