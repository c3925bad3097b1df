"""The Parepare service directory for the demo: the offices of the demo that give services,
linked to their organisations (so referrals reach their inbox), and two outside services.

Made through the real services by the city administrator (``kota.admin``), so call it
after the demo accounts exist. Addresses are indicative and every telephone number is
fictional (the 555 range) except the national hotlines (SAPA 129, police 110): check them
before any real use. Running it again changes nothing.
"""

from dataclasses import dataclass, field

from django.db import transaction

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.areas.models import Area
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.directory.services import provider_create

CITY = "73.72"


@dataclass(frozen=True)
class DemoProvider:
    name: str
    area_code: str
    organisation: str | None  # the demo organisation's full name, or None for outside
    address: str
    phone: str
    hours: str
    cost: str
    services: dict[str, str]
    whatsapp: str = ""
    email: str = ""
    areas_served: list[str] = field(default_factory=list)
    wheelchair_access: bool = False
    sign_language: bool = False
    is_public: bool = True


PROVIDERS = [
    DemoProvider(
        name="UPTD PPA Kota Parepare",
        area_code=CITY,
        organisation="UPTD Perlindungan Perempuan dan Anak Kota Parepare",
        address="Jl. Jenderal Sudirman, Kota Parepare",
        phone="0421 5550101",
        whatsapp="0812 5550 0101",
        hours="Senin-Jumat 08.00-16.00; darurat 24 jam lewat SAPA 129",
        cost="Gratis",
        services={
            ServiceType.PENGADUAN: "Menerima pengaduan dan mengelola kasus",
            ServiceType.PSIKOSOSIAL: "Konseling oleh psikolog",
            ServiceType.BANTUAN_HUKUM: "Pendampingan ke polisi dan pengadilan",
            # The shelter's address is never in the directory: an abuser could read it.
            ServiceType.RUMAH_AMAN: "Rumah aman sementara; lokasi dirahasiakan",
            ServiceType.PEMULANGAN: "",
            ServiceType.REINTEGRASI_SOSIAL: "",
        },
        wheelchair_access=True,
    ),
    DemoProvider(
        name="Dinas Sosial Kota Parepare",
        area_code=CITY,
        organisation="Dinas Sosial Kota Parepare",
        address="Jl. Bau Massepe, Kota Parepare",
        phone="0421 5550102",
        hours="Senin-Jumat 08.00-16.00",
        cost="Gratis",
        services={
            ServiceType.REHABILITASI_SOSIAL: "Rehabilitasi sosial dan pendampingan pekerja sosial",
            ServiceType.BANSOS: "Usulan PKH, BPNT dan bantuan sosial lain (DTKS)",
            ServiceType.JAMINAN_KESEHATAN: "Usulan BPJS Kesehatan PBI",
            ServiceType.PEMULANGAN: "Pemulangan korban ke daerah asal",
            ServiceType.REINTEGRASI_SOSIAL: "",
        },
    ),
    DemoProvider(
        name="Puskesmas Lakessi",
        area_code="73.72.03.1001",
        organisation="Puskesmas Lakessi",
        address="Kelurahan Lakessi, Kecamatan Soreang",
        phone="0421 5550103",
        hours="Senin-Kamis 08.00-14.00, Jumat 08.00-11.00, Sabtu 08.00-12.00; UGD 24 jam",
        cost="Gratis dengan BPJS atau KTP Parepare",
        services={
            ServiceType.KESEHATAN: "Pemeriksaan dan perawatan luka; rujukan ke rumah sakit",
            ServiceType.PSIKOSOSIAL: "Konseling dasar",
        },
        areas_served=["73.72.03"],
        wheelchair_access=True,
    ),
    DemoProvider(
        name="Unit PPA Satreskrim Polres Parepare",
        area_code=CITY,
        organisation="Unit PPA Satreskrim Polres Parepare",
        address="Jl. Jenderal Sudirman, Kota Parepare",
        phone="110",
        hours="24 jam",
        cost="Gratis",
        services={
            ServiceType.PENGADUAN: "Laporan polisi; ruang pemeriksaan khusus perempuan dan anak",
            ServiceType.PENEGAKAN_HUKUM: "Penyidikan; permintaan visum et repertum",
        },
    ),
    DemoProvider(
        name="Pos Bantuan Hukum Parepare",
        area_code=CITY,
        organisation="Pos Bantuan Hukum Parepare",
        address="Pengadilan Negeri Parepare",
        phone="0421 5550105",
        hours="Senin-Jumat 08.00-15.00",
        cost="Gratis bagi warga tidak mampu (SKTM)",
        services={
            ServiceType.BANTUAN_HUKUM: (
                "Konsultasi hukum, pembuatan surat gugatan, pendampingan sidang"
            ),
        },
    ),
    DemoProvider(
        name="RSUD Andi Makkasau",
        area_code="73.72.04.1006",
        organisation=None,
        address="Jl. Nurussamawati, Bumi Harapan, Bacukiki Barat",
        phone="0421 5550106",
        hours="Poliklinik Senin-Jumat 08.00-14.00; IGD 24 jam",
        cost="BPJS atau umum; visum atas permintaan penyidik",
        services={
            ServiceType.KESEHATAN: "IGD, visum et repertum, perawatan inap",
            ServiceType.PSIKOSOSIAL: "Poli jiwa dan psikolog klinis",
        },
        areas_served=[CITY],
        wheelchair_access=True,
    ),
    DemoProvider(
        name="Disdukcapil Kota Parepare",
        area_code=CITY,
        organisation=None,
        address="Jl. Jenderal Sudirman, Kota Parepare",
        phone="0421 5550107",
        hours="Senin-Jumat 08.00-15.00",
        cost="Gratis",
        services={
            ServiceType.DOKUMEN_KEPENDUDUKAN: (
                "KTP-el, Kartu Keluarga, akta kelahiran; layanan jemput bola untuk penyandang "
                "disabilitas dan lansia"
            ),
        },
    ),
]


def demo_directory() -> int:
    """Add the demo providers that are missing; returns how many were added."""
    admin = Membership.objects.select_related("organisation__area", "user").get(
        user__username="kota.admin", is_active=True
    )
    added = 0
    with transaction.atomic():
        for entry in PROVIDERS:
            area = Area.objects.get(code=entry.area_code)
            organisation = (
                Organisation.objects.filter(name=entry.organisation).first()
                if entry.organisation
                else None
            )
            known = Provider.objects.filter(name__iexact=entry.name, area=area)
            if known.exists() or (
                organisation is not None
                and Provider.objects.filter(organisation=organisation).exists()
            ):
                continue
            provider_create(
                actor=admin,
                name=entry.name,
                area=area,
                organisation=organisation,
                address=entry.address,
                phone=entry.phone,
                whatsapp=entry.whatsapp,
                email=entry.email,
                hours=entry.hours,
                wheelchair_access=entry.wheelchair_access,
                sign_language=entry.sign_language,
                cost=entry.cost,
                is_public=entry.is_public,
                areas_served=list(Area.objects.filter(code__in=entry.areas_served)),
                services={str(code): text for code, text in entry.services.items()},
            )
            added += 1
    return added
