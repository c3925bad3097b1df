"""The decree as an office would sign it, read back from the PDF: every part in its
order, for a kelurahan (KEPUTUSAN LURAH) and for a desa (KEPUTUSAN KEPALA DESA), with the
bases each one needs and the area's own words throughout."""

import io
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.areas.services import areas_import
from sipakatau.mechanisms import documents, services
from sipakatau.mechanisms.documents import labels
from sipakatau.mechanisms.documents.content import decree_content
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.factories import load_areas, make_organisation

from .docsupport import ARTIFACTS, PDFTOPPM, PDFTOTEXT

pytestmark = pytest.mark.django_db

# A desa of a regency: the village part of its code starts with 2 (Kemendagri). The
# regency, kecamatan and desa are test data shaped like the real code list.
REGENCY = "73.11"
DESA = "73.11.01.2001"


@pytest.fixture
def desa_office(db: None) -> Organisation:
    load_areas()
    areas_import(
        rows=[
            {"code": REGENCY, "level": "city", "name": "Kabupaten Barru", "parent_code": "73"},
            {
                "code": "73.11.01",
                "level": "kecamatan",
                "name": "Tanete Riaja",
                "parent_code": REGENCY,
            },
            {"code": DESA, "level": "kelurahan", "name": "Lompo Riaja", "parent_code": "73.11.01"},
        ],
        source="test",
    )
    return make_organisation(
        "Kantor Desa Lompo Riaja", type=OrganisationType.KELURAHAN, area_code=DESA
    )


def layout_text(pdf: bytes) -> str:
    """``pdftotext -layout``, one space between words: a line that wraps is still found,
    also where it wraps at the hyphen of "Undang-Undang"."""
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"(?<=\w)- (?=[A-Z]\w)", "-", " ".join(out.split()))


def first_page_png(pdf: bytes, name: str) -> None:
    """Page 1 at 60 dpi under test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)],
        check=True,
    )


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part is found, after the one before it."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at}: {text[at : at + 300]!r}"
        at = found + len(part)


def test_a_kelurahan_decree_has_every_part_in_order(kelurahan_ws: Organisation) -> None:
    version: MechanismVersion = builders.issued_version(kelurahan_ws)
    decree = version.decree
    first_page_png(bytes(decree.pdf), "fidelity-kelurahan")
    text = layout_text(bytes(decree.pdf))
    assert_in_order(
        text,
        [
            "PEMERINTAH KOTA PAREPARE KECAMATAN SOREANG KELURAHAN WATANG SOREANG",
            "KEPUTUSAN LURAH WATANG SOREANG",
            f"NOMOR {decree.number}",
            "TENTANG MEKANISME PENANGANAN KORBAN KEKERASAN",
            "DI KELURAHAN WATANG SOREANG",
            "LURAH WATANG SOREANG,",
            "Menimbang : a. bahwa",
            "perlu menetapkan Keputusan Lurah tentang",
            "Mengingat : 1. Undang-Undang Nomor 29 Tahun 1959 tentang Pembentukan",
            "Undang-Undang Nomor 23 Tahun 2002 tentang Perlindungan Anak",
            "diubah terakhir dengan Undang-Undang Nomor 17 Tahun 2016",
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
            "diubah terakhir dengan Undang-Undang Nomor 6 Tahun 2023",
            "Peraturan Pemerintah Nomor 73 Tahun 2005 tentang Kelurahan",
            "Peraturan Pemerintah Nomor 17 Tahun 2018 tentang Kecamatan (Lembaran Negara "
            "Republik Indonesia Tahun 2018 Nomor 73, Tambahan Lembaran Negara Republik "
            "Indonesia Nomor 6206)",
            "Nomor 4 Tahun 2018 tentang Pedoman Pembentukan Unit Pelaksana Teknis Daerah "
            "Perlindungan Perempuan dan Anak (Berita Negara Republik Indonesia Tahun 2018 "
            "Nomor 532)",
            "MEMUTUSKAN:",
            "Menetapkan : KEPUTUSAN LURAH WATANG SOREANG TENTANG",
            "KESATU :",
            "KEDUA :",
            "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
            "Ditetapkan di Parepare pada tanggal 2 November 2026",
            "LURAH WATANG SOREANG,",
            "Andi Lurah",
            "NIP. 19800101 200501 1 001",
            "LAMPIRAN KEPUTUSAN LURAH WATANG SOREANG",
        ],
    )
    assert "Kota Parepare pada tanggal" not in text
    assert not re.search(r"\{\w+\}", text), re.findall(r".{30}\{\w+\}.{30}", text)
    assert "Tentang Desa" not in text and "KEPALA DESA" not in text


def test_a_desa_decree_speaks_of_the_desa_and_its_kepala_desa(
    desa_office: Organisation,
) -> None:
    version: MechanismVersion = builders.issued_version(desa_office)
    decree = version.decree
    first_page_png(bytes(decree.pdf), "fidelity-desa")
    text = layout_text(bytes(decree.pdf))
    assert_in_order(
        text,
        [
            "PEMERINTAH KABUPATEN BARRU KECAMATAN TANETE RIAJA DESA LOMPO RIAJA",
            "KEPUTUSAN KEPALA DESA LOMPO RIAJA",
            f"NOMOR {decree.number}",
            "TENTANG MEKANISME PENANGANAN KORBAN KEKERASAN",
            "DI DESA LOMPO RIAJA",
            "KEPALA DESA LOMPO RIAJA,",
            "Menimbang : a. bahwa",
            "perlu menetapkan Keputusan Kepala Desa tentang",
            "Mengingat : 1. Undang-Undang Nomor 23 Tahun 2002 tentang Perlindungan Anak",
            "Undang-Undang Nomor 6 Tahun 2014 tentang Desa",
            "diubah terakhir dengan Undang-Undang Nomor 3 Tahun 2024",
            "Peraturan Pemerintah Nomor 43 Tahun 2014",
            "Peraturan Menteri Dalam Negeri Nomor 111 Tahun 2014",
            "MEMUTUSKAN:",
            "Menetapkan : KEPUTUSAN KEPALA DESA LOMPO RIAJA TENTANG",
            "KESATU :",
            "tanpa identitas korban kepada Kepala Desa,",
            "anggaran Desa Lompo Riaja",
            "Kepala Desa bersama LBK-KK, LPM Desa dan DP3A",
            "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
            "Ditetapkan di Barru pada tanggal 2 November 2026",
            "KEPALA DESA LOMPO RIAJA,",
            "Andi Lurah",  # the builder's signer: a name, not a title
            "Bupati Barru",
            "LAMPIRAN KEPUTUSAN KEPALA DESA LOMPO RIAJA",
            "Kepala Desa",  # the duties table names the village's parties
        ],
    )
    # The builder's signer is called "Andi Lurah": apart from that name, no word of a
    # kelurahan and no basis of one (PP 73/2005, the city's formation law).
    rest = text.replace("Andi Lurah", "")
    assert not re.search(r"lurah|kelurahan|lpmk", rest, re.IGNORECASE), re.findall(
        r".{40}(?:lurah|kelurahan|LPMK).{40}", rest, re.IGNORECASE
    )
    assert "Nomor 73 Tahun 2005" not in text and "Nomor 29 Tahun 1959" not in text
    # Every placeholder of the template was filled in.
    assert not re.search(r"\{\w+\}", text), re.findall(r".{30}\{\w+\}.{30}", text)


def test_the_desa_docx_says_the_same(desa_office: Organisation) -> None:
    version = builders.issued_version(desa_office)
    data = documents.decree_docx(version=version, decree=version.decree)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "DESA LOMPO RIAJA" in paragraphs
    assert "KEPUTUSAN KEPALA DESA LOMPO RIAJA" in paragraphs
    assert "KEPALA DESA LOMPO RIAJA," in paragraphs
    assert "Ditetapkan di Barru" in paragraphs


def test_the_docx_keeps_the_closing_with_the_last_diktum(kelurahan_ws: Organisation) -> None:
    version = builders.issued_version(kelurahan_ws)
    doc = Document(io.BytesIO(documents.decree_docx(version=version, decree=version.decree)))
    # The last diktum sits in a table of its own whose paragraphs keep with the next.
    content = decree_content(version=version, decree=version.decree)
    assert content.last_diktum is not None
    ordinal = content.last_diktum.ordinal
    last = next(t for t in doc.tables if t.rows and t.rows[0].cells[0].text.strip() == ordinal)
    assert len(last.rows) == 1
    assert all(p.paragraph_format.keep_with_next for c in last.rows[0].cells for p in c.paragraphs)
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Ditetapkan di Parepare")
    end = texts.index("NIP. 19800101 200501 1 001")
    block = doc.paragraphs[start : end + 1]
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    assert all(p.paragraph_format.keep_together for p in block)


@pytest.mark.parametrize(
    ("code", "desa"),
    [("73.72.03.1003", False), ("11.01.01.2001", True), ("73.72.03", False)],
)
def test_the_area_code_decides_desa_or_kelurahan(code: str, desa: bool) -> None:
    from sipakatau.areas.models import Area, Level

    level = Level.KELURAHAN if code.count(".") == 3 else Level.KECAMATAN
    assert labels.is_desa(Area(code=code, name="X", level=level)) is desa


def _set_contact(organisation: Organisation, **contact: str) -> MechanismVersion:
    version = builders.draft_version(organisation)
    mechanism = version.mechanism
    services.mechanism_settings_update(
        actor=builders.officer(organisation),
        mechanism=mechanism,
        classification_code=mechanism.classification_code,
        office_code=mechanism.office_code,
        place=mechanism.place,
        office_address=contact.get("office_address"),
        office_phone=contact.get("office_phone"),
        office_postcode=contact.get("office_postcode"),
        office_email=contact.get("office_email"),
    )
    return version


def test_the_kop_carries_the_offices_address_line_when_set(kelurahan_ws: Organisation) -> None:
    version = _set_contact(
        kelurahan_ws,
        office_address="Jl. Bau Massepe No. 10",
        office_phone="(0421) 21001",
        office_postcode="91131",
        office_email="kel-ws@example.org",
    )
    pdf = documents.decree_pdf(version=version, decree=None, verify_url="")
    first_page_png(pdf, "fidelity-kop")
    line = "Jl. Bau Massepe No. 10 Telp. (0421) 21001 Kode Pos 91131 Email: kel-ws@example.org"
    assert_in_order(layout_text(pdf), ["KELURAHAN WATANG SOREANG", line, "KEPUTUSAN LURAH"])
    doc = Document(io.BytesIO(documents.decree_docx(version=version, decree=None)))
    texts = [p.text for p in doc.paragraphs]
    assert texts.index(line) == texts.index("KELURAHAN WATANG SOREANG") + 1


def test_without_a_contact_the_kop_is_the_names_alone(kelurahan_ws: Organisation) -> None:
    version = builders.draft_version(kelurahan_ws)
    text = layout_text(documents.decree_pdf(version=version, decree=None, verify_url=""))
    assert "KELURAHAN WATANG SOREANG KEPUTUSAN LURAH WATANG SOREANG" in text
    assert "Telp." not in text.split("KEPUTUSAN")[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("office_postcode", "9113"), ("office_phone", "call us"), ("office_email", "kel-ws")],
)
def test_a_malformed_contact_is_refused(kelurahan_ws: Organisation, field: str, value: str) -> None:
    with pytest.raises(ValidationError) as error:
        _set_contact(kelurahan_ws, **{field: value})
    assert field in error.value.message_dict
    mechanism = builders.draft_version(kelurahan_ws).mechanism
    mechanism.refresh_from_db()
    assert getattr(mechanism, field) == ""


def words_by_page(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (xMin, yMin, xMax, yMax), from ``pdftotext -bbox``."""
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages = []
    for page in re.findall(r"<page .*?</page>", out, re.DOTALL):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        )
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words])
    return pages


def assert_no_word_overprints_another(pdf: bytes) -> None:
    """No two words on one printed line overlap: each table cell keeps its text."""
    for number, words in enumerate(words_by_page(pdf), start=1):
        for left in words:
            for right in words:
                same_line = abs(left[1] - right[1]) < 1 and abs(left[3] - right[3]) < 1
                if left is right or not same_line or not left[0] < right[0]:
                    continue
                assert left[2] <= right[0] + 0.5, (
                    f"page {number}: {left[4]!r} runs into {right[4]!r}"
                )


def test_no_word_of_the_lampiran_runs_into_the_next_cell(kelurahan_ws: Organisation) -> None:
    # Given the template's steps, whose titles are long single words in a narrow column
    # ("Pendampingan korban", bold): a word wider than its cell overprinted its neighbour.
    version = builders.issued_version(kelurahan_ws)
    assert_no_word_overprints_another(bytes(version.decree.pdf))
