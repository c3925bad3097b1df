"""The Parepare demo: the pilot units, the offices around them, one account per role.

The demo sits on the top floor: it calls every app's services, and nothing imports it.
Demo accounts exist only in demo mode (SIPAKATAU_DEMO), never in production.
"""

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure, totp_device_install, user_ensure
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
from sipakatau.social import demo as social_demo

from .cases import demo_cases
from .directory import demo_directory
from .mechanisms import demo_mechanisms
from .referrals import demo_referrals

# Public on purpose: these accounts exist only on demo installations.
DEMO_PASSWORD = "Coba-Sipakatau-2026"  # noqa: S105

CITY = "73.72"
WATANG_SOREANG = "73.72.03.1003"
WATANG_BACUKIKI = "73.72.01.1005"

# Where the pilot units receive people, shown on the public home page, and the unit's
# telephone and email printed on its referral letters (made-up demo data; example.org is
# reserved for examples, so a demo letter never names a real mailbox).
POSKO = {
    "bahagia": {
        "posko_address": "Kantor Kelurahan Watang Soreang, Jl. Bau Massepe, Parepare",
        "service_hours": "Senin-Jumat 08.00-16.00; Sabtu 08.00-12.00",
        "phone": "0812-5550-4101",
        "email": "lbkk.bahagia@example.org",
    },
    "ikhlas": {
        "posko_address": "Kantor Kelurahan Watang Bacukiki, Jl. Jend. Sudirman, Parepare",
        "service_hours": "Senin-Jumat 08.00-15.00",
        "phone": "0812-5550-4102",
        "email": "lbkk.ikhlas@example.org",
    },
}

# key, name, short name, type, area code, parent key
ORGANISATIONS = [
    (
        "kota",
        "Tim Pengelola Sipakatau Kota Parepare",
        "Tim Sipakatau Parepare",
        OrganisationType.OTHER,
        CITY,
        None,
    ),
    (
        "bahagia",
        "LBK-KK Bahagia Kelurahan Watang Soreang",
        "LBK-KK Bahagia",
        OrganisationType.LBK_KK,
        WATANG_SOREANG,
        None,
    ),
    (
        "ikhlas",
        "LBK-KK Ikhlas Kelurahan Watang Bacukiki",
        "LBK-KK Ikhlas",
        OrganisationType.LBK_KK,
        WATANG_BACUKIKI,
        None,
    ),
    (
        "kel_ws",
        "Kantor Kelurahan Watang Soreang",
        "Kel. Watang Soreang",
        OrganisationType.KELURAHAN,
        WATANG_SOREANG,
        None,
    ),
    (
        "kel_wb",
        "Kantor Kelurahan Watang Bacukiki",
        "Kel. Watang Bacukiki",
        OrganisationType.KELURAHAN,
        WATANG_BACUKIKI,
        None,
    ),
    (
        "dp3a",
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kota Parepare",
        "DP3A Parepare",
        OrganisationType.DP3A,
        CITY,
        None,
    ),
    (
        "uptd",
        "UPTD Perlindungan Perempuan dan Anak Kota Parepare",
        "UPTD PPA Parepare",
        OrganisationType.UPTD_PPA,
        CITY,
        "dp3a",
    ),
    (
        "dinsos",
        "Dinas Sosial Kota Parepare",
        "Dinsos Parepare",
        OrganisationType.DINSOS,
        CITY,
        None,
    ),
    (
        "puskesmas",
        "Puskesmas Lakessi",
        "Puskesmas Lakessi",
        OrganisationType.PUSKESMAS,
        "73.72.03",
        None,
    ),
    (
        "polres",
        "Unit PPA Satreskrim Polres Parepare",
        "Unit PPA Polres",
        OrganisationType.POLICE_PPA,
        CITY,
        None,
    ),
    (
        "lbh",
        "Pos Bantuan Hukum Parepare",
        "Posbakum Parepare",
        OrganisationType.LEGAL_AID,
        CITY,
        None,
    ),
]

# username, full name, organisation key, role, signs decrees
ACCOUNTS = [
    ("kota.admin", "Admin Kota Parepare", "kota", Role.ADMIN, False),
    ("kota.auditor", "Auditor Kota Parepare", "kota", Role.AUDITOR, False),
    ("bahagia.kader", "Kader Bahagia", "bahagia", Role.VOLUNTEER, False),
    ("bahagia.pendamping", "Pendamping Bahagia", "bahagia", Role.CASEWORKER, False),
    ("bahagia.koordinator", "Koordinator Bahagia", "bahagia", Role.COORDINATOR, False),
    ("bahagia.admin", "Admin Bahagia", "bahagia", Role.ADMIN, False),
    ("ikhlas.kader", "Kader Ikhlas", "ikhlas", Role.VOLUNTEER, False),
    ("ikhlas.pendamping", "Pendamping Ikhlas", "ikhlas", Role.CASEWORKER, False),
    ("ikhlas.koordinator", "Koordinator Ikhlas", "ikhlas", Role.COORDINATOR, False),
    ("ikhlas.admin", "Admin Ikhlas", "ikhlas", Role.ADMIN, False),
    ("ws.lurah", "Lurah Watang Soreang", "kel_ws", Role.VILLAGE_OFFICER, True),
    ("ws.staf", "Staf Kelurahan Watang Soreang", "kel_ws", Role.VILLAGE_OFFICER, False),
    ("wb.lurah", "Lurah Watang Bacukiki", "kel_wb", Role.VILLAGE_OFFICER, True),
    ("wb.staf", "Staf Kelurahan Watang Bacukiki", "kel_wb", Role.VILLAGE_OFFICER, False),
    ("dp3a.kepala", "Kepala DP3A", "dp3a", Role.AGENCY_MANAGER, False),
    ("uptd.petugas", "Petugas UPTD PPA", "uptd", Role.AGENCY_OFFICER, False),
    ("dinsos.kepala", "Kepala Dinas Sosial", "dinsos", Role.AGENCY_MANAGER, False),
    ("dinsos.petugas", "Petugas Dinas Sosial", "dinsos", Role.AGENCY_OFFICER, False),
    ("puskesmas.petugas", "Petugas Puskesmas", "puskesmas", Role.AGENCY_OFFICER, False),
    ("polres.petugas", "Penyidik Unit PPA", "polres", Role.AGENCY_OFFICER, False),
    ("lbh.petugas", "Paralegal Posbakum", "lbh", Role.AGENCY_OFFICER, False),
]


@dataclass
class DemoAccount:
    username: str
    password: str
    totp_secret: str
    role: str
    organisation: str


def demo_totp_key(username: str) -> bytes:
    """A fixed, documented authenticator key per demo account (20 bytes, RFC 4226)."""
    return hashlib.sha256(f"sipakatau-demo-totp:{username}".encode()).digest()[:20]


def demo_load() -> list[DemoAccount]:
    """Load (or complete) the demo. Running it again changes nothing."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo data is refused: SIPAKATAU_DEMO is off.")
    areas_load_parepare()
    with transaction.atomic():
        organisations: dict[str, Organisation] = {}
        for key, name, short_name, type_, area_code, parent_key in ORGANISATIONS:
            organisations[key] = organisation_ensure(
                name=name,
                short_name=short_name,
                type=type_,
                area=Area.objects.get(code=area_code),
                parent=organisations[parent_key] if parent_key else None,
                **POSKO.get(key, {}),
            )
        accounts = []
        for username, full_name, org_key, role, signs in ACCOUNTS:
            user = user_ensure(
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                organisation=organisations[org_key],
                role=role,
                is_signatory=signs,
                validate=False,
            )
            totp_key = demo_totp_key(username)
            totp_device_install(user=user, key_hex=totp_key.hex())
            accounts.append(
                DemoAccount(
                    username=username,
                    password=DEMO_PASSWORD,
                    totp_secret=base64.b32encode(totp_key).decode(),
                    role=str(role),
                    organisation=organisations[org_key].short_name,
                )
            )
    demo_directory()
    demo_cases()
    demo_referrals()
    demo_mechanisms()
    social_demo.load_demo()
    return accounts


def demo_accounts_write(accounts: list[DemoAccount]) -> Path:
    path = Path(settings.VAR_DIR) / "demo-accounts.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump([asdict(account) for account in accounts], handle, indent=2)
    return path
