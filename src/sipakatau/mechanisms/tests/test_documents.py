"""The SK Lurah as PDF and DOCX, read back: what an office prints is what was approved."""

import hashlib
import io
import re

import pytest
from docx import Document

from sipakatau.accounts.models import Organisation
from sipakatau.mechanisms import documents
from sipakatau.mechanisms.documents import labels
from sipakatau.mechanisms.models import MechanismVersion

from .docsupport import issued_with_pathway, keep_pages, pdf_text, pdf_text_raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(kelurahan_ws: Organisation, dp3a: Organisation) -> MechanismVersion:
    return issued_with_pathway(kelurahan_ws, dp3a)


def test_the_issued_decree_reads_like_an_sk_lurah(issued: MechanismVersion) -> None:
    decree = issued.decree
    keep_pages(bytes(decree.pdf), "sk-lurah")
    text = pdf_text(bytes(decree.pdf))
    assert "PEMERINTAH KOTA PAREPARE KECAMATAN SOREANG KELURAHAN WATANG SOREANG" in text
    assert "KEPUTUSAN LURAH WATANG SOREANG" in text
    assert f"NOMOR {decree.number}" in text
    assert "TENTANG MEKANISME PENANGANAN KORBAN KEKERASAN" in text
    assert "LURAH WATANG SOREANG, Menimbang : a. bahwa" in text
    assert "Mengingat : 1. Undang-Undang Nomor 29 Tahun 1959" in text
    assert "MEMUTUSKAN:" in text
    assert "Menetapkan : KEPUTUSAN LURAH WATANG SOREANG TENTANG MEKANISME" in text
    for ordinal in ("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH"):
        assert f"{ordinal} :" in text
    assert "KETUJUH : Keputusan ini mulai berlaku pada tanggal ditetapkan." in text
    assert f"Ditetapkan di {decree.place} pada tanggal 2 November 2026" in text
    assert "NIP. 19800101 200501 1 001" in text
    assert "Tembusan" in text and "Camat Soreang" in text
    assert "DRAF" not in text


def test_the_lampiran_carries_every_step_the_flow_and_the_qr_address(
    issued: MechanismVersion,
) -> None:
    decree = issued.decree
    pages = pdf_text_raw(bytes(decree.pdf), layout=False).split("\f")
    start = next(i for i, page in enumerate(pages) if "LAMPIRAN" in page)
    lampiran = " ".join(" ".join(pages[start:]).split())
    assert "LAMPIRAN KEPUTUSAN LURAH WATANG SOREANG NOMOR" in lampiran
    assert decree.number in lampiran and "2 November 2026" in lampiran
    # Each step is a row of the table (poppler may break a cell's words apart, so the
    # table is checked word by word) and a box of the flow ("7. Pendampingan korban").
    table = lampiran[lampiran.index("LANGKAH-LANGKAH") : lampiran.index("BAGAN ALUR")]
    flow = lampiran[lampiran.index("BAGAN ALUR") :]
    for step in issued.steps.all():
        assert all(word in table for word in step.title.split()), step.title
        assert f"{step.position}. {step.title}" in flow, step.title
    assert "Tinggi: 2 jam" in lampiran and "Rendah: 3 hari kerja" in lampiran
    assert "BAGAN ALUR" in lampiran and "PERAN DAN TUGAS PARA PIHAK" in lampiran
    assert "JALUR RUJUKAN" in lampiran and "Layanan pengaduan" in lampiran
    assert "UPTD PPA Kota Parepare" in lampiran and "Telp. +6242121000" in lampiran
    assert "Ibu Rahma" in lampiran
    assert "Keaslian dokumen dapat diperiksa di http://testserver/sk/" in lampiran
    # A long address may wrap inside its cell.
    url = f"http://testserver/sk/{decree.verification_token}/"
    assert url in re.sub(r"\s", "", lampiran)


def test_the_stored_pdf_is_what_its_hash_says(issued: MechanismVersion) -> None:
    decree = issued.decree
    assert hashlib.sha256(bytes(decree.pdf)).hexdigest() == decree.pdf_sha256


def test_the_preview_is_marked_draft_and_has_no_number_or_qr(issued: MechanismVersion) -> None:
    pdf = documents.decree_pdf(version=issued, decree=None, verify_url="http://x/sk/t/")
    keep_pages(pdf, "sk-draft")
    text = pdf_text(pdf)
    assert "DRAF — belum berlaku" in text
    assert issued.decree.number not in text
    assert "NOMOR …" in text
    assert "Keaslian dokumen" not in text
    assert "MEMUTUSKAN:" in text


def test_empty_clauses_are_skipped_and_the_rest_renumbered(issued: MechanismVersion) -> None:
    issued.reporting_schedule = issued.funding = ""
    pdf = documents.decree_pdf(version=issued, decree=None, verify_url="")
    text = pdf_text(pdf)
    assert "KELIMA : Keputusan ini mulai berlaku pada tanggal ditetapkan." not in text
    # The version is re-read from the database: clauses are the saved version's.
    assert "KETUJUH : Keputusan ini mulai berlaku" in text


def test_the_docx_says_what_the_pdf_says(issued: MechanismVersion) -> None:
    content = documents.decree_docx(version=issued, decree=issued.decree)
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(paragraphs + cells)
    assert "KEPUTUSAN LURAH WATANG SOREANG" in paragraphs
    assert issued.title.upper() in paragraphs
    assert f"NOMOR {issued.decree.number}" in paragraphs
    assert "MEMUTUSKAN:" in paragraphs
    assert "KESATU" in cells and "Menimbang" in cells and "Mengingat" in cells
    for step in issued.steps.all():
        assert step.title in text, step.title
    assert "1. Menerima laporan → 2. Kontak pertama dengan korban" in paragraphs
    assert any(p.startswith("Jalur paralel perlindungan sosial:") for p in paragraphs)
    assert f"/sk/{issued.decree.verification_token}/" in text
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 215 and round(section.page_height.mm) == 330


def test_the_flow_diagram_is_self_contained(issued: MechanismVersion) -> None:
    svg = documents.flow_diagram_svg(issued)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "href" not in svg and "url(" not in svg and "style=" not in svg
    for step in issued.steps.all():
        assert step.title.split()[0] in svg
    # The timed steps are marked (a dot each) and the social track is dashed.
    assert svg.count("<circle") == issued.steps.exclude(action="").count() + 1
    assert "stroke-dasharray" in svg


def test_every_code_has_an_indonesian_label() -> None:
    from sipakatau.directory.codes import ServiceType
    from sipakatau.mechanisms.codes import DeadlineUnit, Responsible, RiskLevel, Trigger

    assert set(Responsible.values) <= set(labels.RESPONSIBLE)
    assert set(DeadlineUnit.values) <= set(labels.DEADLINE_UNIT)
    assert set(RiskLevel.values) <= set(labels.RISK_LEVEL)
    assert set(Trigger.values) <= set(labels.TRIGGER)
    assert set(ServiceType.values) <= set(labels.SERVICE_TYPE)


def test_the_indonesian_helpers() -> None:
    from datetime import date

    assert labels.tanggal(date(2026, 11, 2)) == "2 November 2026"
    assert labels.hari_tanggal(date(2026, 11, 2)) == "Senin, 2 November 2026"
    assert [labels.ordinal(n) for n in (1, 4, 11, 21)] == [
        "KESATU",
        "KEEMPAT",
        "KESEBELAS",
        "KE-21",
    ]
    assert [labels.letter(n) for n in (0, 25, 26)] == ["a", "z", "aa"]
    assert labels.nip("198001012005011001") == "19800101 200501 1 001"
    assert labels.nip("12345") == "12345"


def test_the_pdf_renderer_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from sipakatau.lib import pdf

    # Given a document that names a remote image and a local file as a stylesheet
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="https://example.invalid/tracker.png"><p>Isi</p>'
    )
    monkeypatch.setattr(pdf, "render_to_string", lambda template, context: html)
    asked: list[str] = []
    refuse = pdf._refuse

    def noted(url: str) -> None:
        asked.append(url)
        refuse(url)

    monkeypatch.setattr(pdf, "_refuse", noted)

    # When it is printed, the PDF is made and both addresses were refused
    assert pdf.html_to_pdf("any.html", {}).startswith(b"%PDF")
    assert sorted(asked) == ["file:///etc/passwd", "https://example.invalid/tracker.png"]


def test_the_qr_code_is_inline_svg_of_the_printed_width() -> None:
    from sipakatau.lib.qr import qr_svg

    svg = qr_svg("https://sipakatau.example/sk/abc", size_mm=30)
    assert svg.startswith("<svg") and 'width="30mm" height="30mm"' in svg
