"""The ready template a kelurahan adapts: the pilot's process in Kota Parepare (LBK-KK
Bahagia and Ikhlas), written as the decree will read it. It is the decree's own language,
Bahasa Indonesia, and is data the kelurahan edits — not interface text to translate.

Deadlines follow the domain notes: high risk served at once (2 hours), medium within
6 hours, low within 3 working days; assessment within 3 days (Permen PPPA 2/2022);
sexual violence forwarded to the police within 3 x 24 hours (UU 12/2022 TPKS Pasal 41);
follow-up at least every 14 days.
"""

from typing import Any

TITLE = (
    "Mekanisme Penanganan Korban Kekerasan dan Perlindungan Sosial Berbasis Komunitas "
    "di {unit} {kelurahan}"
)

CONSIDERATIONS = [
    "bahwa setiap warga, terutama perempuan, anak, penyandang disabilitas dan lanjut usia, "
    "berhak atas rasa aman dan bebas dari kekerasan serta berhak atas perlindungan sosial;",
    "bahwa penanganan korban kekerasan memerlukan mekanisme yang jelas, cepat, menjaga "
    "kerahasiaan korban dan melibatkan masyarakat serta instansi terkait;",
    "bahwa Layanan Berbasis Komunitas Kelompok Konstituen (LBK-KK) di {unit} {kelurahan} "
    "telah dibentuk untuk menerima laporan, mendampingi dan merujuk korban;",
    "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, huruf b dan huruf c, "
    "perlu menetapkan Keputusan {head} tentang Mekanisme Penanganan Korban Kekerasan dan "
    "Perlindungan Sosial Berbasis Komunitas;",
]

# The Mengingat, ordered as the tata naskah dinas orders them: by kind (Undang-Undang,
# Peraturan Pemerintah, Peraturan Presiden, Peraturan Menteri), then by year. An amended
# law is cited with its last amendment ("sebagaimana telah beberapa kali diubah terakhir
# dengan …"). The Lembaran Negara numbers are given only where they were checked; the
# officer completes the rest, and adds the regional regulations, in the editor.
LN = "Lembaran Negara Republik Indonesia Tahun {year} Nomor {n}"
TLN = "Tambahan Lembaran Negara Republik Indonesia Nomor {n}"


def _ln(year: int, number: int, supplement: int) -> str:
    return f" ({LN.format(year=year, n=number)}, {TLN.format(n=supplement)})"


# A minister's regulation is promulgated in the Berita Negara, not the Lembaran Negara.
BN = "Berita Negara Republik Indonesia Tahun {year} Nomor {n}"


def _bn(year: int, number: int) -> str:
    return f" ({BN.format(year=year, n=number)})"


# The law that formed the city or regency, by its area code: known for the pilot's city.
REGION_LAWS = {
    "73.72": "Undang-Undang Nomor 29 Tahun 1959 tentang Pembentukan Daerah-daerah Tingkat II "
    "di Sulawesi" + _ln(1959, 74, 1822) + ";",
}

CHILD_PROTECTION = (
    "Undang-Undang Nomor 23 Tahun 2002 tentang Perlindungan Anak"
    + _ln(2002, 109, 4235)
    + " sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 17 Tahun "
    "2016 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 1 Tahun 2016 "
    "tentang Perubahan Kedua atas Undang-Undang Nomor 23 Tahun 2002 tentang Perlindungan Anak "
    "menjadi Undang-Undang" + _ln(2016, 237, 5946) + ";"
)
DOMESTIC_VIOLENCE = (
    "Undang-Undang Nomor 23 Tahun 2004 tentang Penghapusan Kekerasan dalam Rumah Tangga"
    + _ln(2004, 95, 4419)
    + ";"
)
VILLAGES = (
    "Undang-Undang Nomor 6 Tahun 2014 tentang Desa"
    + _ln(2014, 7, 5495)
    + " sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 3 Tahun "
    "2024 tentang Perubahan Kedua atas Undang-Undang Nomor 6 Tahun 2014 tentang Desa;"
)
REGIONAL_GOVERNMENT = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah"
    + _ln(2014, 244, 5587)
    + " sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 6 Tahun "
    "2023 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 Tahun 2022 "
    "tentang Cipta Kerja menjadi Undang-Undang" + _ln(2023, 41, 6856) + ";"
)
LAWS_AFTER = [
    "Undang-Undang Nomor 8 Tahun 2016 tentang Penyandang Disabilitas" + _ln(2016, 69, 5871) + ";",
    "Undang-Undang Nomor 12 Tahun 2022 tentang Tindak Pidana Kekerasan Seksual"
    + _ln(2022, 120, 6792)
    + ";",
    "Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi"
    + _ln(2022, 196, 6820)
    + ";",
]
KELURAHAN_REGULATIONS = [
    "Peraturan Pemerintah Nomor 73 Tahun 2005 tentang Kelurahan" + _ln(2005, 159, 4588) + ";",
    "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan" + _ln(2018, 73, 6206) + ";",
]
DESA_REGULATIONS = [
    "Peraturan Pemerintah Nomor 43 Tahun 2014 tentang Peraturan Pelaksanaan Undang-Undang "
    "Nomor 6 Tahun 2014 tentang Desa sebagaimana telah beberapa kali diubah terakhir dengan "
    "Peraturan Pemerintah Nomor 11 Tahun 2019 tentang Perubahan Kedua atas Peraturan "
    "Pemerintah Nomor 43 Tahun 2014 tentang Peraturan Pelaksanaan Undang-Undang Nomor 6 "
    "Tahun 2014 tentang Desa;",
]
REGULATIONS_AFTER = [
    "Peraturan Pemerintah Nomor 78 Tahun 2021 tentang Perlindungan Khusus bagi Anak;",
    "Peraturan Presiden Nomor 55 Tahun 2024 tentang Unit Pelaksana Teknis Daerah "
    "Perlindungan Perempuan dan Anak;",
]
# Permendagri 111/2014: the technical rules for the desa's own legal products, its
# decrees (Keputusan Kepala Desa) included.
DESA_MINISTERIAL = [
    "Peraturan Menteri Dalam Negeri Nomor 111 Tahun 2014 tentang Pedoman Teknis Peraturan di Desa;",
]
MINISTERIAL = [
    "Peraturan Menteri Pemberdayaan Perempuan dan Perlindungan Anak Nomor 4 Tahun 2018 "
    "tentang Pedoman Pembentukan Unit Pelaksana Teknis Daerah Perlindungan Perempuan dan "
    "Anak" + _bn(2018, 532) + ";",
    "Peraturan Menteri Pemberdayaan Perempuan dan Perlindungan Anak Nomor 2 Tahun 2022 "
    "tentang Standar Layanan Perlindungan Perempuan dan Anak;",
]


def legal_bases(*, desa: bool, region_code: str = "") -> list[str]:
    """The default Mengingat of a kelurahan's decree, or of a desa's (UU 6/2014 and its
    rules instead of PP 73/2005 tentang Kelurahan); the region's own formation law when
    it is known for ``region_code`` (the city or regency, e.g. 73.72)."""
    region = [REGION_LAWS[region_code]] if region_code in REGION_LAWS else []
    laws = [CHILD_PROTECTION, DOMESTIC_VIOLENCE]
    laws += [VILLAGES, REGIONAL_GOVERNMENT] if desa else [REGIONAL_GOVERNMENT]
    return [
        *region,
        *laws,
        *LAWS_AFTER,
        *(DESA_REGULATIONS if desa else KELURAHAN_REGULATIONS),
        *REGULATIONS_AFTER,
        *(DESA_MINISTERIAL if desa else []),
        *MINISTERIAL,
    ]


# A kelurahan of Kota Parepare, the pilot.
LEGAL_BASES = legal_bases(desa=False, region_code="73.72")

# position, title, description, responsible, action, trigger, escalate_to,
# social protection, deadlines [(risk level, amount, unit)]
STEPS: list[dict[str, Any]] = [
    {
        "title": "Menerima laporan",
        "description": "Kader LBK-KK menerima laporan langsung, melalui telepon/WhatsApp, "
        "dari pihak ketiga atau dari portal; pelapor boleh tanpa nama. Laporan dicatat pada "
        "hari yang sama dan kerahasiaannya dijaga.",
        "responsible": "kader",
        "escalate_to": "coordinator",
    },
    {
        "title": "Kontak pertama dengan korban",
        "description": "Menghubungi korban melalui saluran yang aman, menanyakan keselamatan "
        "dan kebutuhan mendesak.",
        "responsible": "kader",
        "action": "first_contact",
        "trigger": "case_opened",
        "escalate_to": "coordinator",
        "deadlines": [
            ("HIGH", 2, "hours"),
            ("MEDIUM", 6, "hours"),
            ("UNASSESSED", 6, "hours"),
            ("LOW", 3, "working_days"),
        ],
    },
    {
        "title": "Asesmen risiko dan kebutuhan",
        "description": "Menilai tingkat risiko (tinggi, sedang, rendah) serta kebutuhan fisik, "
        "psikologis, sosial, ekonomi dan pendidikan korban, dengan persetujuan korban.",
        "responsible": "caseworker",
        "action": "assessment",
        "trigger": "case_opened",
        "escalate_to": "coordinator",
        "deadlines": [("", 3, "days")],
    },
    {
        "title": "Tindakan keselamatan dan darurat",
        "description": "Bila korban dalam bahaya: menghubungi 112/110, Bhabinkamtibmas atau "
        "Babinsa, membawa ke Puskesmas atau rumah aman, dan memberi tahu UPTD PPA.",
        "responsible": "caseworker",
        "escalate_to": "lurah",
    },
    {
        "title": "Penerusan laporan kekerasan seksual ke kepolisian",
        "description": "Laporan tindak pidana kekerasan seksual diteruskan ke Unit PPA "
        "kepolisian paling lambat 3 x 24 jam sejak laporan diterima (UU 12/2022 Pasal 41).",
        "responsible": "coordinator",
        "action": "police_forwarding",
        "trigger": "sexual_violence",
        "escalate_to": "lurah",
        "deadlines": [("", 72, "hours")],
    },
    {
        "title": "Rujukan ke layanan",
        "description": "Dengan persetujuan korban, merujuk ke layanan kesehatan, hukum, "
        "kepolisian, psikososial dan perlindungan sosial sesuai jalur rujukan; hanya data "
        "yang disetujui korban yang dibagikan.",
        "responsible": "caseworker",
        "escalate_to": "coordinator",
    },
    {
        "title": "Pendampingan korban",
        "description": "Kader mendampingi korban ke layanan rujukan, pemeriksaan dan "
        "persidangan bila diperlukan.",
        "responsible": "kader",
    },
    {
        "title": "Tindak lanjut dan pemantauan",
        "description": "Menghubungi korban secara berkala, memeriksa hasil rujukan dan "
        "menyesuaikan rencana layanan.",
        "responsible": "kader",
        "action": "follow_up",
        "trigger": "case_active",
        "escalate_to": "coordinator",
        "deadlines": [("", 14, "days")],
    },
    {
        "title": "Penutupan kasus",
        "description": "Kasus ditutup bila tujuan rencana layanan tercapai atau korban "
        "memintanya; penutupan disetujui koordinator LBK-KK.",
        "responsible": "coordinator",
    },
    {
        "title": "Pencatatan dan laporan bulanan",
        "description": "Koordinator menyusun laporan bulanan tanpa identitas korban untuk "
        "{head}, DP3A/UPTD PPA dan Dinas Sosial paling lambat tanggal 5 bulan berikutnya.",
        "responsible": "coordinator",
    },
    {
        "title": "Jalur perlindungan sosial",
        "description": "Memeriksa dokumen kependudukan, kepesertaan BPJS dan program bantuan "
        "sosial; mengusulkan rumah tangga melalui musyawarah {unit_lower} ke Dinas Sosial.",
        "responsible": "kader",
        "escalate_to": "dinsos",
        "is_social_protection": True,
    },
]

DUTIES = [
    (
        "lurah",
        "Menetapkan dan memimpin pelaksanaan mekanisme; menerima laporan bulanan; "
        "mengoordinasikan RT/RW, {lpm}, Bhabinkamtibmas dan Babinsa; memfasilitasi usulan "
        "perlindungan sosial.",
    ),
    (
        "sekretaris_lurah",
        "Mengadministrasikan keputusan, notulen rapat dan laporan; menjadi "
        "penghubung dengan DP3A dan Dinas Sosial.",
    ),
    (
        "coordinator",
        "Mengatur tugas kader, menyetujui penutupan kasus, menyusun laporan "
        "bulanan dan memastikan tenggat dipenuhi.",
    ),
    (
        "kader",
        "Menerima laporan, melakukan kontak pertama, mendampingi korban dan melakukan "
        "tindak lanjut; menjaga kerahasiaan korban.",
    ),
    ("lpmk", "Menyosialisasikan mekanisme kepada warga dan ikut memantau pelaksanaannya."),
    (
        "rt_rw",
        "Meneruskan laporan warga ke LBK-KK dengan menjaga kerahasiaan, dan membantu "
        "pendataan perlindungan sosial.",
    ),
    (
        "bhabinkamtibmas",
        "Membantu tindakan keselamatan dan penerusan laporan ke Unit PPA kepolisian.",
    ),
    ("babinsa", "Membantu tindakan keselamatan dalam keadaan darurat."),
    (
        "uptd_ppa",
        "Menerima rujukan, memberikan layanan pengaduan, penjangkauan, pengelolaan "
        "kasus, penampungan sementara dan pendampingan; membina LBK-KK.",
    ),
    (
        "dinsos",
        "Menerima rujukan rehabilitasi sosial dan usulan bantuan sosial; "
        "memverifikasi dan menetapkan usulan.",
    ),
]

REPORTING_SCHEDULE = (
    "LBK-KK menyampaikan laporan bulanan tanpa identitas korban kepada {head}, DP3A/UPTD PPA "
    "dan Dinas Sosial paling lambat tanggal 5 setiap bulan, dan laporan tahunan paling "
    "lambat bulan Januari tahun berikutnya."
)
FUNDING = (
    "Biaya pelaksanaan Keputusan ini dibebankan pada anggaran {unit} {kelurahan} dan "
    "sumber lain yang sah dan tidak mengikat."
)
MONITORING = (
    "{head} bersama LBK-KK, {lpm} dan DP3A melakukan pemantauan setiap tiga bulan dan "
    "evaluasi setiap tahun; hasilnya menjadi dasar perubahan mekanisme."
)
COPIES_TO = [
    "{region_head} (sebagai laporan);",
    "Camat {kecamatan};",
    "Kepala Dinas Pemberdayaan Perempuan dan Perlindungan Anak {region};",
    "Kepala Dinas Sosial {region};",
    "Kapolsek {kecamatan};",
    "Arsip.",
]

# The services the template's pathway asks for, in the order a referral usually needs them.
PATHWAY_SERVICES = [
    "PENGADUAN",
    "KESEHATAN",
    "PENEGAKAN_HUKUM",
    "BANTUAN_HUKUM",
    "PSIKOSOSIAL",
    "RUMAH_AMAN",
    "REHABILITASI_SOSIAL",
    "DOKUMEN_KEPENDUDUKAN",
    "BANSOS",
]
