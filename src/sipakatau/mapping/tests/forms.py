"""Hand-written XLSForms for the tests, built cell by cell the way a person types them."""

import io

from openpyxl import Workbook

SURVEY = [
    [
        "type",
        "name",
        "label::Indonesian (id)",
        "label::English (en)",
        "relevant",
        "constraint",
        "required",
    ],
    ["start", "start", "", "", "", "", ""],
    ["begin group", "responden", "Responden", "Respondent", "", "", ""],
    ["select_one sex", "jk", "Jenis kelamin", "Sex", "", "", "yes"],
    ["integer", "umur", "Umur", "Age", "", ". >= 0 and . <= 120", "yes"],
    ["select_multiple kelompok", "kelompok", "Kelompok", "Groups", "", "", ""],
    ["end group", "", "", "", "", "", ""],
    ["select_one yn", "punya_anak", "Punya anak?", "Has children?", "", "", ""],
    ["begin repeat", "anak", "Anak", "Child", "${punya_anak} = 'ya'", "", ""],
    ["integer", "umur_anak", "Umur anak", "Child's age", "", ". < 18", ""],
    ["select_one yn", "akta", "Punya akta lahir?", "Birth certificate?", "", "", ""],
    ["end repeat", "", "", "", "", "", ""],
    ["select_multiple butuh", "kebutuhan", "Kebutuhan", "Needs", "", "", ""],
    [
        "text",
        "kebutuhan_lain",
        "Kebutuhan lain",
        "Other need",
        "selected(${kebutuhan}, 'lain')",
        "",
        "",
    ],
    ["decimal", "penghasilan", "Penghasilan (juta)", "Income (millions)", "", "", ""],
    ["date", "tanggal", "Tanggal", "Date", "", "", ""],
    ["note", "terima_kasih", "Terima kasih", "Thank you", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::Indonesian (id)", "label::English (en)"],
    ["sex", "L", "Laki-laki", "Male"],
    ["sex", "P", "Perempuan", "Female"],
    ["kelompok", "perempuan", "Perempuan", "Women"],
    ["kelompok", "disabilitas", "Disabilitas", "Disability"],
    ["kelompok", "lansia", "Lansia", "Elderly"],
    ["yn", "ya", "Ya", "Yes"],
    ["yn", "tidak", "Tidak", "No"],
    ["butuh", "kesehatan", "Layanan kesehatan", "Health"],
    ["butuh", "hukum", "Bantuan hukum", "Legal aid"],
    ["butuh", "dokumen", "Dokumen kependudukan", "Civil documents"],
    ["butuh", "lain", "Lainnya", "Other"],
]
SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Uji pemetaan", "uji_pemetaan", "2026110101", "Indonesian (id)"],
]


def workbook(
    survey: list[list[str]] = SURVEY,
    choices: list[list[str]] = CHOICES,
    settings: list[list[str]] = SETTINGS,
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
