"""The decree's own words for the mechanism's codes, dates and ordinals.

A decree is an Indonesian legal document whatever language the person who prints it reads
the site in, so these labels are Bahasa Indonesia data, not interface text: the UI's
gettext labels ("LBK-KK caseworker") must never leak into an SK Lurah.
"""

from datetime import date
from typing import TYPE_CHECKING

from sipakatau.areas.models import Area, Level

if TYPE_CHECKING:
    from ..models import Mechanism

RESPONSIBLE = {
    "kader": "Kader LBK-KK",
    "caseworker": "Pendamping LBK-KK",
    "coordinator": "Koordinator LBK-KK",
    "lurah": "Lurah",
    "sekretaris_lurah": "Sekretaris Lurah",
    "rt_rw": "Ketua RT/RW",
    "lpmk": "LPMK",
    "bhabinkamtibmas": "Bhabinkamtibmas",
    "babinsa": "Babinsa",
    "uptd_ppa": "DP3A/UPTD PPA",
    "dinsos": "Dinas Sosial",
    "puskesmas": "Puskesmas",
    "police_ppa": "Unit PPA Kepolisian",
    "legal_aid": "Lembaga Bantuan Hukum",
}

DEADLINE_UNIT = {"hours": "jam", "days": "hari", "working_days": "hari kerja"}

# In the order a reader scans them: the most urgent first.
RISK_LEVEL = {
    "": "semua tingkat risiko",
    "HIGH": "risiko tinggi",
    "MEDIUM": "risiko sedang",
    "LOW": "risiko rendah",
    "UNASSESSED": "belum dinilai",
}

# The same levels in a table cell, where "risiko" is already said by the column.
RISK_SHORT = {
    "HIGH": "Tinggi",
    "MEDIUM": "Sedang",
    "LOW": "Rendah",
    "UNASSESSED": "Belum dinilai",
}

TRIGGER = {
    "case_opened": "Sejak kasus dicatat",
    "sexual_violence": "Sejak kekerasan seksual tercatat",
    "case_active": "Selama kasus aktif (berulang)",
}

SERVICE_TYPE = {
    "PENGADUAN": "Layanan pengaduan",
    "KESEHATAN": "Layanan kesehatan",
    "BANTUAN_HUKUM": "Bantuan hukum",
    "PENEGAKAN_HUKUM": "Penegakan hukum",
    "REHABILITASI_SOSIAL": "Rehabilitasi sosial",
    "REINTEGRASI_SOSIAL": "Reintegrasi sosial",
    "PEMULANGAN": "Pemulangan",
    "PENDAMPINGAN_TOKOH_AGAMA": "Pendampingan tokoh agama",
    "PSIKOSOSIAL": "Layanan psikososial",
    "RUMAH_AMAN": "Rumah aman / penampungan sementara",
    "DOKUMEN_KEPENDUDUKAN": "Dokumen kependudukan (KTP, KK, akta kelahiran)",
    "BANSOS": "Program bantuan sosial",
    "JAMINAN_KESEHATAN": "Jaminan kesehatan (BPJS PBI)",
}

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

# Diktum are numbered in words (tata naskah dinas): KESATU, KEDUA, … A decree with more
# than twenty diktum would be unusual; past that the number is written in digits.
ORDINALS = [
    "KESATU",
    "KEDUA",
    "KETIGA",
    "KEEMPAT",
    "KELIMA",
    "KEENAM",
    "KETUJUH",
    "KEDELAPAN",
    "KESEMBILAN",
    "KESEPULUH",
    "KESEBELAS",
    "KEDUA BELAS",
    "KETIGA BELAS",
    "KEEMPAT BELAS",
    "KELIMA BELAS",
    "KEENAM BELAS",
    "KETUJUH BELAS",
    "KEDELAPAN BELAS",
    "KESEMBILAN BELAS",
    "KEDUA PULUH",
]


def label(mapping: dict[str, str], code: str) -> str:
    """The Indonesian word for a code; a code added later still prints (as itself)."""
    return mapping.get(code, code)


def ordinal(n: int) -> str:
    return ORDINALS[n - 1] if 0 < n <= len(ORDINALS) else f"KE-{n}"


def letter(n: int) -> str:
    """a, b, … z, aa, ab … for the points of Menimbang."""
    out = ""
    n += 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def tanggal(day: date) -> str:
    """2 November 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def hari_tanggal(day: date) -> str:
    """Senin, 2 November 2026."""
    return f"{DAYS[day.weekday()]}, {tanggal(day)}"


def deadline_lines(deadlines: list[tuple[str, int, str]]) -> list[str]:
    """One line per risk level, most urgent first: "Risiko tinggi: 2 jam"; a deadline
    for every level reads as the amount alone."""
    order = list(RISK_LEVEL)
    lines = []
    for risk, amount, unit in sorted(
        deadlines, key=lambda d: order.index(d[0]) if d[0] in order else len(order)
    ):
        # A no-break space: "6 jam" never splits over two lines of a narrow cell.
        text = f"{amount}\u00a0{label(DEADLINE_UNIT, unit)}"
        lines.append(text if not risk else f"{label(RISK_SHORT, risk)}: {text}")
    return lines


def nip(value: str) -> str:
    """An 18-digit NIP as it is printed under a signature: birth date, start of service,
    sex, number (19800101 200501 1 001). Anything else is printed as entered."""
    digits = value.replace(" ", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return value


def is_desa(village: Area) -> bool:
    """Whether the village is a desa rather than a kelurahan. In the Kemendagri area codes
    the village part (the fourth segment, 73.72.03.1003) starts with 1 for a kelurahan and
    with 2 for a desa (11.01.01.2001). The wording of every document follows: a desa is
    led by a Kepala Desa (UU 6/2014 tentang Desa), a kelurahan by a Lurah (PP 73/2005)."""
    return village.is_desa


def village_unit(village: Area) -> str:
    """ "Kelurahan" or "Desa", as in "di Kelurahan Watang Soreang"."""
    return "Desa" if is_desa(village) else "Kelurahan"


def village_head(village: Area) -> str:
    """ "Lurah" or "Kepala Desa": who leads the village and signs its decrees."""
    return "Kepala Desa" if is_desa(village) else "Lurah"


def decree_short(village: Area) -> str:
    """ "SK Lurah" or "SK Kepala Desa": the decree's short name, in download names."""
    return f"SK {village_head(village)}"


def signer_title(village: Area) -> str:
    """LURAH WATANG SOREANG / KEPALA DESA LOMPO RIAJA: above the signature, and after the
    title of the decree ("KEPALA DESA LOMPO RIAJA,")."""
    return f"{village_head(village)} {village.name}".upper()


# A desa has its own names for the village's parties (UU 6/2014, Permendagri 18/2018 on
# village community institutions): the Kepala Desa, the Sekretaris Desa, the LPM.
DESA_RESPONSIBLE = {
    "lurah": "Kepala Desa",
    "sekretaris_lurah": "Sekretaris Desa",
    "lpmk": "LPM Desa",
}


def responsible_labels(village: Area) -> dict[str, str]:
    return {**RESPONSIBLE, **DESA_RESPONSIBLE} if is_desa(village) else RESPONSIBLE


def region_name(city: Area) -> str:
    """Kota Parepare / Kabupaten Barru: a city-level area named without its kind is a
    city (the Parepare code list names it "Kota Parepare" already)."""
    name = city.name
    if city.level == Level.CITY and not name.upper().startswith(("KOTA ", "KABUPATEN ")):
        name = f"Kota {name}"
    return name


def region_head(city: Area) -> str:
    """Wali Kota Parepare / Bupati Barru."""
    name = region_name(city)
    if name.upper().startswith("KABUPATEN "):
        return f"Bupati {name[len('Kabupaten ') :]}"
    if name.upper().startswith("KOTA "):
        return f"Wali Kota {name[len('Kota ') :]}"
    return name


def letterhead(kelurahan: Area) -> list[str]:
    """The kop: PEMERINTAH KOTA PAREPARE / KECAMATAN SOREANG / KELURAHAN WATANG SOREANG
    (or DESA …), from the village's parents in the area code list."""
    kecamatan = kelurahan.parent
    city = kecamatan.parent if kecamatan is not None else None
    lines = []
    if city is not None:
        lines.append(f"PEMERINTAH {region_name(city).upper()}")
    if kecamatan is not None:
        lines.append(f"KECAMATAN {kecamatan.name.upper()}")
    lines.append(f"{village_unit(kelurahan)} {kelurahan.name}".upper())
    return lines


def kop_contact(mechanism: "Mechanism") -> str:
    """The kop's line under the office's name, from what the office filled in:
    "Jl. Bau Massepe No. 10 Telp. (0421) 21000 Kode Pos 91131 Email: …"; empty when
    nothing is set, and the kop is then the names alone."""
    parts = [mechanism.office_address.strip()]
    if mechanism.office_phone.strip():
        parts.append(f"Telp. {mechanism.office_phone.strip()}")
    if mechanism.office_postcode.strip():
        parts.append(f"Kode Pos {mechanism.office_postcode.strip()}")
    if mechanism.office_email.strip():
        parts.append(f"Email: {mechanism.office_email.strip()}")
    return " ".join(part for part in parts if part)
