"""The printable referral letter, laid out as a surat dinas so that the office receiving it
files it as it is (Permendagri 1/2023 tentang Tata Naskah Dinas): the referring unit's
letterhead, the place and date, number, nature and subject, the addressee, the shared
fields, where to send the answer, and the sender's name and position. Nothing else of the
case: what it shares is the referral's projection, as on the referral's page.

Like the decree, the letter's own words are Bahasa Indonesia data, not interface text: it
is an official letter whatever language the person printing it reads the site in. The
shared fields keep the reader's language, as on the referral's page.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, OrganisationType
from sipakatau.areas.crest import crest_data_uri
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_time_zone
from sipakatau.lib.pdf import html_to_pdf
from sipakatau.mechanisms.documents import labels as L
from sipakatau.mechanisms.numbering import place_name

from .codes import Urgency
from .models import Referral
from .projection import SharedItem, projection_items

LBK_KK = "LBK-KK"
# With an en dash, as the programme writes the name.
LBK_KK_IN_FULL = "LAYANAN BERBASIS KOMUNITAS \u2013 KELOMPOK KONSTITUEN"

# Sifat: the letter carries a person's data, so it is always Rahasia; the urgency gives
# the speed a letter is marked with (Sangat Segera, Segera; Biasa goes unsaid).
NATURE: dict[str, str] = {
    Urgency.EMERGENCY: "Rahasia, Sangat Segera",
    Urgency.URGENT: "Rahasia, Segera",
    Urgency.ROUTINE: "Rahasia",
}

# The position under the signature: the sender's role in the unit.
POSITION = {
    "coordinator": "Koordinator",
    "caseworker": "Pendamping",
    "volunteer": "Kader",
}

# Indonesia's three time zones as letters name them (Keppres 41/1987).
ZONE_NAME = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


@dataclass(frozen=True)
class LetterContent:
    # The kop, top to bottom, each line with its style: "top" (the government's lines),
    # "kind" (what an LBK-KK is, in full), "main" (the unit's name, printed largest).
    letterhead: list[tuple[str, str]]
    # The posko's address, telephone and email on one line under the names; may be empty.
    letterhead_contact: str
    # "Parepare, 6 Desember 2026": the city or regency without its kind, as the decree's
    # "Ditetapkan di", and the day the referral was sent in the unit's time zone.
    place_date: str
    number: str
    nature: str
    subject: str
    addressee: str
    village: str
    service: str
    answer_by: str
    # Where the answer goes: the unit's name, then its posko, telephone and email.
    answer_unit: str
    answer_to: str
    through_sipakatau: bool
    signer_position: str
    # Empty when the account has no full name: the signer writes it by hand.
    signer_name: str
    items: list[SharedItem]


def _ancestor(area: Area | None, level: str) -> Area | None:
    while area is not None and area.level != level:
        area = area.parent
    return area


def _village(area: Area) -> Area | None:
    """The kelurahan or desa of a unit that works in one (or in one of its RW/RT)."""
    if area.level not in {Level.KELURAHAN, Level.RW, Level.RT}:
        return None
    return _ancestor(area, Level.KELURAHAN)


def unit_name(unit: Organisation) -> str:
    """The unit's name without its village, which the kop says already: "LBK-KK Bahagia
    Kelurahan Watang Soreang" → "LBK-KK Bahagia"."""
    name = (unit.short_name or unit.name).strip()
    village = _village(unit.area)
    if village is not None:
        suffix = f" {L.village_unit(village)} {village.name}"
        if name.lower().endswith(suffix.lower()):
            name = name[: -len(suffix)].strip()
    return name


def letterhead(unit: Organisation) -> list[tuple[str, str]]:
    """The government's lines down to the unit's area (labels.letterhead for a kelurahan
    or desa, the decree's kop), then the unit: an LBK-KK is formed by the village's decree
    and writes under it, its kind spelled out above its name; a kelurahan office is the
    kop's last line itself."""
    village = _village(unit.area)
    if village is not None:
        lines = L.letterhead(village)
        if unit.type == OrganisationType.KELURAHAN:
            return [(line, "top") for line in lines[:-1]] + [(lines[-1], "main")]
    else:
        lines = []
        city = _ancestor(unit.area, Level.CITY)
        if city is not None:
            lines.append(f"PEMERINTAH {L.region_name(city).upper()}")
        kecamatan = _ancestor(unit.area, Level.KECAMATAN)
        if kecamatan is not None:
            lines.append(f"KECAMATAN {kecamatan.name.upper()}")
    kop = [(line, "top") for line in lines]
    name = unit_name(unit).upper()
    if unit.type == OrganisationType.LBK_KK and name.startswith(LBK_KK):
        kop.append((LBK_KK_IN_FULL, "kind"))
    kop.append((name, "main"))
    return kop


def _place(unit: Organisation) -> str:
    city = _ancestor(unit.area, Level.CITY)
    return place_name(city.name if city is not None else unit.area.name)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    """8 Desember 2026 pukul 10.00 WITA."""
    local = timezone.localtime(moment, zone)
    text = f"{L.tanggal(local.date())} pukul {local:%H.%M}"
    return f"{text} {ZONE_NAME[zone.key]}" if zone.key in ZONE_NAME else text


def kop_contact(unit: Organisation) -> str:
    """Sekretariat: Kantor Kelurahan …, Jl. Bau Massepe Telp. 0812-… Email: …"""
    parts = []
    if unit.posko_address.strip():
        parts.append(f"Sekretariat: {unit.posko_address.strip()}")
    # No-break spaces: a line that wraps never leaves "Telp." apart from its number.
    if unit.phone.strip():
        parts.append(f"Telp.\u00a0{unit.phone.strip()}")
    if unit.email.strip():
        parts.append(f"Email:\u00a0{unit.email.strip()}")
    return " ".join(parts)


def _answer_to(unit: Organisation) -> str:
    """Kantor Kelurahan …, telp. …, email …: after the unit's name (LBK-KK Bahagia …)."""
    parts = [unit.posko_address.strip()]
    if unit.phone.strip():
        parts.append(f"telp.\u00a0{unit.phone.strip()}")
    if unit.email.strip():
        parts.append(f"email\u00a0{unit.email.strip()}")
    return ", ".join(part for part in parts if part)


def _service(code: str) -> str:
    """ "layanan kesehatan", "bantuan hukum": the label inside a sentence."""
    text = L.label(L.SERVICE_TYPE, code)
    return text[:1].lower() + text[1:]


def letter_content(referral: Referral) -> LetterContent:
    unit = referral.sender
    zone = ZoneInfo(area_time_zone(unit.area))
    village = _village(unit.area)
    sent_on = timezone.localtime(referral.created_at, zone).date()
    # The sender's role in the unit as it is now (kept after the membership ends).
    role = (
        Membership.objects.filter(user_id=referral.created_by_id, organisation=unit)
        .values_list("role", flat=True)
        .first()
    )
    position = POSITION.get(role or "", "Petugas")
    service = _service(referral.service_type)
    return LetterContent(
        letterhead=letterhead(unit),
        letterhead_contact=kop_contact(unit),
        place_date=f"{_place(unit)}, {L.tanggal(sent_on)}",
        number=referral.register_number,
        nature=NATURE.get(referral.urgency, "Rahasia"),
        subject=f"Rujukan {service}",
        addressee=f"Pimpinan {referral.provider.name}",
        village=f"{L.village_unit(village)} {village.name}" if village is not None else "",
        service=service,
        answer_by=_when(referral.due_at, zone),
        answer_unit=unit.name.strip(),
        answer_to=_answer_to(unit),
        through_sipakatau=referral.recipient_id is not None,
        signer_position=f"{position} {unit_name(unit)}",
        signer_name=referral.created_by.full_name.strip(),
        items=projection_items(referral.shared_fields, referral.projection),
    )


def letter_pdf(referral: Referral) -> bytes:
    # html_to_pdf fetches nothing: no third party learns that a letter was printed.
    # The city's crest, when one was uploaded, beside the kop's names (as on the decree).
    crest = crest_data_uri(referral.sender.area) or None
    return html_to_pdf("referrals/letter.html", {"c": letter_content(referral), "crest": crest})
