"""The template questionnaire for needs mapping (pemetaan kebutuhan), in Indonesian.

One respondent per visit, placed by RW/RT only. Sections: the respondent's groups,
the Washington Group Short Set (six domains, four answers; disability = any domain "a lot
of difficulty" or "cannot do at all"), civil documents held, social-protection coverage,
access to health / legal / psychosocial services, knowing where to report violence,
barriers, and priorities. Free text is kept to one optional note (stored encrypted).
"""

import io

FORM_ID = "pemetaan_kebutuhan"
VERSION = "2026120101"

WG_DOMAINS = [
    ("wg_melihat", "Apakah Anda kesulitan melihat, meskipun memakai kacamata?"),
    ("wg_mendengar", "Apakah Anda kesulitan mendengar, meskipun memakai alat bantu dengar?"),
    ("wg_berjalan", "Apakah Anda kesulitan berjalan atau naik tangga?"),
    ("wg_mengingat", "Apakah Anda kesulitan mengingat atau memusatkan perhatian?"),
    (
        "wg_merawat_diri",
        "Apakah Anda kesulitan mengurus diri sendiri, seperti mandi atau berpakaian?",
    ),
    (
        "wg_berkomunikasi",
        "Dengan bahasa sehari-hari, apakah Anda kesulitan berkomunikasi, "
        "misalnya memahami atau dipahami orang lain?",
    ),
]

SURVEY: list[dict[str, str]] = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "today", "name": "today"},
    {"type": "begin group", "name": "lokasi", "label": "Lokasi"},
    {
        "type": "integer",
        "name": "rw",
        "label": "Nomor RW",
        "required": "yes",
        "constraint": ". >= 1 and . <= 99",
    },
    {
        "type": "integer",
        "name": "rt",
        "label": "Nomor RT",
        "required": "yes",
        "constraint": ". >= 1 and . <= 99",
    },
    {"type": "end group", "name": "lokasi"},
    {"type": "begin group", "name": "responden", "label": "Tentang responden"},
    {
        "type": "note",
        "name": "izin",
        "label": (
            "Jelaskan tujuan pemetaan. Nama tidak dicatat. Responden boleh berhenti kapan saja."
        ),
    },
    {"type": "select_one jk", "name": "jk", "label": "Jenis kelamin", "required": "yes"},
    {
        "type": "integer",
        "name": "umur",
        "label": "Umur (tahun)",
        "required": "yes",
        "constraint": ". >= 10 and . <= 120",
    },
    {
        "type": "select_multiple kelompok",
        "name": "kelompok",
        "label": "Responden termasuk kelompok mana? (boleh lebih dari satu)",
        "required": "yes",
    },
    {"type": "end group", "name": "responden"},
    {"type": "begin group", "name": "wg", "label": "Kesulitan fungsi (Washington Group)"},
    *[
        {"type": "select_one wg", "name": name, "label": label, "required": "yes"}
        for name, label in WG_DOMAINS
    ],
    {"type": "end group", "name": "wg"},
    {"type": "begin group", "name": "dokumen", "label": "Dokumen kependudukan"},
    {
        "type": "select_multiple dokumen",
        "name": "dokumen_dimiliki",
        "label": "Dokumen apa yang Anda punya?",
        "required": "yes",
    },
    {"type": "end group", "name": "dokumen"},
    {"type": "begin group", "name": "perlindungan_sosial", "label": "Bantuan sosial"},
    {
        "type": "select_multiple program",
        "name": "program",
        "label": "Bantuan apa yang keluarga Anda terima sekarang?",
        "required": "yes",
    },
    {"type": "end group", "name": "perlindungan_sosial"},
    {"type": "begin group", "name": "layanan", "label": "Akses layanan"},
    {
        "type": "select_one akses",
        "name": "akses_kesehatan",
        "label": "Layanan kesehatan (Puskesmas, BPJS)",
        "required": "yes",
    },
    {
        "type": "select_one akses",
        "name": "akses_hukum",
        "label": "Bantuan hukum",
        "required": "yes",
    },
    {
        "type": "select_one akses",
        "name": "akses_psikososial",
        "label": "Pendampingan psikologis / konseling",
        "required": "yes",
    },
    {"type": "end group", "name": "layanan"},
    {"type": "begin group", "name": "kekerasan", "label": "Melapor kekerasan"},
    {
        "type": "select_one ya_tidak",
        "name": "tahu_tempat_lapor",
        "label": "Apakah Anda tahu ke mana melapor jika ada kekerasan?",
        "required": "yes",
    },
    {
        "type": "select_multiple lapor",
        "name": "tempat_lapor",
        "label": "Ke mana?",
        "relevant": "${tahu_tempat_lapor} = 'ya'",
    },
    {"type": "end group", "name": "kekerasan"},
    {"type": "begin group", "name": "hambatan_grup", "label": "Hambatan"},
    {
        "type": "select_multiple hambatan",
        "name": "hambatan",
        "label": "Apa yang menyulitkan Anda mendapat layanan?",
        "required": "yes",
    },
    {"type": "end group", "name": "hambatan_grup"},
    {"type": "begin group", "name": "prioritas", "label": "Kebutuhan"},
    {
        "type": "select_multiple kebutuhan",
        "name": "kebutuhan",
        "label": "Apa saja yang paling Anda butuhkan?",
        "required": "yes",
    },
    {
        "type": "select_one kebutuhan",
        "name": "kebutuhan_utama",
        "label": "Dari itu, mana yang paling penting?",
        "required": "yes",
    },
    {"type": "text", "name": "catatan", "label": "Catatan lain (tanpa nama orang)"},
    {"type": "end group", "name": "prioritas"},
]

CHOICES: dict[str, list[tuple[str, str]]] = {
    "jk": [("L", "Laki-laki"), ("P", "Perempuan")],
    "ya_tidak": [("ya", "Ya"), ("tidak", "Tidak")],
    "kelompok": [
        ("perempuan", "Perempuan"),
        ("anak", "Anak (di bawah 18 tahun)"),
        ("disabilitas", "Penyandang disabilitas"),
        ("lansia", "Lansia (60 tahun ke atas)"),
        ("keluarga_miskin", "Keluarga miskin"),
        ("tidak_ada", "Tidak ada"),
    ],
    "wg": [
        ("1", "Tidak ada kesulitan"),
        ("2", "Ada sedikit kesulitan"),
        ("3", "Banyak kesulitan"),
        ("4", "Tidak bisa sama sekali"),
    ],
    "dokumen": [
        ("ktp", "KTP-el"),
        ("kk", "Kartu Keluarga (KK)"),
        ("akta_lahir", "Akta kelahiran"),
        ("akta_nikah", "Buku nikah / akta perkawinan"),
        ("kia", "Kartu Identitas Anak (KIA)"),
        ("kartu_bpjs", "Kartu BPJS Kesehatan / KIS"),
        ("tidak_ada", "Tidak punya satu pun"),
    ],
    "program": [
        ("pkh", "PKH"),
        ("bpnt", "BPNT / Sembako"),
        ("pbi_jk", "PBI-JK (BPJS dibayar pemerintah)"),
        ("atensi", "ATENSI"),
        ("bantuan_lansia", "Bantuan lansia"),
        ("bpjs_daerah", "BPJS gratis dari daerah"),
        ("tidak_ada", "Tidak menerima bantuan"),
    ],
    "akses": [
        ("mudah", "Mudah didapat"),
        ("sulit", "Sulit didapat"),
        ("tidak_tahu", "Tidak tahu ada layanannya"),
        ("tidak_perlu", "Tidak perlu"),
    ],
    "lapor": [
        ("rt_rw", "Ketua RT / RW"),
        ("lbk_kk", "LBK-KK / kader"),
        ("kelurahan", "Kantor kelurahan"),
        ("uptd_ppa", "UPTD PPA / DP3A"),
        ("polisi", "Polisi (Unit PPA)"),
        ("puskesmas", "Puskesmas"),
        ("sapa129", "SAPA 129"),
    ],
    "hambatan": [
        ("biaya", "Biaya"),
        ("jarak", "Jarak atau transportasi"),
        ("dokumen", "Tidak punya dokumen"),
        ("tidak_tahu", "Tidak tahu tempatnya"),
        ("takut_malu", "Takut atau malu"),
        ("pendamping", "Tidak ada yang menemani"),
        ("aksesibilitas", "Tempat layanan tidak ramah disabilitas"),
        ("waktu", "Tidak ada waktu"),
        ("tidak_ada", "Tidak ada hambatan"),
    ],
    "kebutuhan": [
        ("dokumen", "Dokumen kependudukan"),
        ("bansos", "Bantuan sosial"),
        ("kesehatan", "Layanan kesehatan"),
        ("hukum", "Bantuan hukum"),
        ("psikososial", "Pendampingan psikologis"),
        ("pendidikan", "Pendidikan anak"),
        ("ekonomi", "Pekerjaan atau usaha"),
        ("aksesibilitas", "Alat bantu atau akses disabilitas"),
        ("pengasuhan", "Pengasuhan anak atau lansia"),
    ],
}

SETTINGS = {
    "form_title": "Pemetaan Kebutuhan Kelompok Konstituen",
    "form_id": FORM_ID,
    "version": VERSION,
    "default_language": "Indonesian (id)",
}

SURVEY_COLUMNS = ["type", "name", "label", "required", "relevant", "constraint"]


def build_xlsx() -> bytes:
    """The template as an XLSForm workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(SURVEY_COLUMNS)
    for row in SURVEY:
        sheet.append(
            [
                row.get(c, "") if not (c == "name" and row["type"].startswith("end ")) else ""
                for c in SURVEY_COLUMNS
            ]
        )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for list_name, items in CHOICES.items():
        for value, label in items:
            choices.append([list_name, value, label])
    settings = book.create_sheet("settings")
    settings.append(list(SETTINGS))
    settings.append(list(SETTINGS.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
