"""The SK Lurah as DOCX, for offices that must retype, adapt the layout or archive it in
Word. The same content as the PDF (documents/content.py); the flow is written as a list of
"Langkah → Langkah" since a Word file cannot take our SVG. Unlike the PDF it is not the
document the verification page confirms: it is re-rendered on every download."""

import io

from django.urls import reverse
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..models import Decree, MechanismVersion
from .content import DRAFT_MARK, DecreeContent, decree_content

DOTS = "…………………………"
NONE = "\u2013"  # an en dash: "nothing here" in a table cell


def _para(
    doc: WordDocument,
    text: str = "",
    *,
    bold: bool = False,
    center: bool = False,
    underline: bool = False,
    size: float | None = None,
    after: float = 0,
) -> Paragraph:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    run.underline = underline
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _keep(paragraph: Paragraph, *, with_next: bool = True) -> None:
    """Word's own "keep with next" and "keep lines together": how the closing stays on
    the page of the last diktum however the office's Word reflows the text."""
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next


def _clauses(
    doc: WordDocument, rows: list[tuple[str, str, str]], *, keep_with_next: bool = False
) -> None:
    """Menimbang / Mengingat / the diktum as a borderless table of (label, mark, text):
    the hanging indent of a decree that survives retyping. A row without a mark gives
    its text the mark's cell too. With ``keep_with_next`` the rows stay on the page of
    what follows them (the last diktum with the signature block)."""
    table: Table = doc.add_table(rows=0, cols=4)
    widths = (Cm(3.0), Cm(0.5), Cm(0.9), Cm(12.1))
    for label, mark, text in rows:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
        cells[0].text = label
        cells[1].text = ":" if label else ""
        target = cells[3] if mark else cells[2].merge(cells[3])
        if mark:
            cells[2].text = mark
        target.text = text
        target.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if keep_with_next:
            # A row that may not break across pages, and that keeps with the next one.
            row_props = cells[0]._tc.getparent().get_or_add_trPr()
            row_props.append(OxmlElement("w:cantSplit"))
            for cell in cells:
                for paragraph in cell.paragraphs:
                    _keep(paragraph)
    spacer = _para(doc)
    if keep_with_next:
        _keep(spacer)


def _rule_below(paragraph: Paragraph) -> None:
    """The kop's double line, as a paragraph border (no drawing, no image)."""
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "double"), ("sz", "12"), ("space", "4"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _grid(
    doc: WordDocument, headers: list[str], rows: list[list[str]], widths: list[float]
) -> None:
    table: Table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Cm(width)
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        run.font.size = Pt(9)
    for row in rows:
        cells = table.add_row().cells
        for cell, value, width in zip(cells, row, widths, strict=True):
            cell.width = Cm(width)
            cell.text = ""
            cell.paragraphs[0].add_run(value).font.size = Pt(9)
    _para(doc)


def _signature(doc: WordDocument, c: DecreeContent, *, lampiran: bool = False) -> None:
    lines = (
        []
        if lampiran
        else [
            (f"Ditetapkan di {c.place}", False, False),
            (f"pada tanggal {c.issued_on or DOTS}", False, False),
        ]
    )
    lines += [
        (f"{c.signer_title},", True, False),
        ("", False, False),
        ("", False, False),
        ("", False, False),
        (c.signer_name or DOTS, True, True),
    ]
    if c.signer_rank:
        lines.append((c.signer_rank, False, False))
    if c.signer_nip:
        lines.append((f"NIP. {c.signer_nip}", False, False))
    for n, (text, bold, underline) in enumerate(lines, start=1):
        paragraph = _para(doc, text, bold=bold, underline=underline)
        paragraph.paragraph_format.left_indent = Cm(8.5)
        # The block is one unit: never split, never alone at the top of a page.
        _keep(paragraph, with_next=n < len(lines))


def _kop(doc: WordDocument, c: DecreeContent) -> None:
    """The office's names centred, the contact line and the double rule; with a regional
    crest, a borderless table puts the crest at the left of the names, as in the PDF."""
    if c.crest_png:
        table: Table = doc.add_table(rows=1, cols=3)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        crest, names, balance = table.rows[0].cells
        for cell, width in ((crest, Cm(2.6)), (names, Cm(10.8)), (balance, Cm(2.6))):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        crest.paragraphs[0].add_run().add_picture(io.BytesIO(c.crest_png), height=Cm(2.5))
        for i, line in enumerate(c.letterhead):
            paragraph = names.paragraphs[0] if i == 0 else names.add_paragraph()
            run = paragraph.add_run(line)
            run.bold = True
            run.font.size = Pt(15 if i == len(c.letterhead) - 1 else 13)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # The rule runs the width of the page, under the table.
        _rule_below(_para(doc, c.letterhead_contact, center=True, size=9.5))
        return
    for i, line in enumerate(c.letterhead):
        last = i == len(c.letterhead) - 1
        paragraph = _para(doc, line, bold=True, center=True, size=15 if last else 13)
        if last and not c.letterhead_contact:
            _rule_below(paragraph)
    if c.letterhead_contact:
        _rule_below(_para(doc, c.letterhead_contact, center=True, size=9.5))


def _build(doc: WordDocument, c: DecreeContent) -> None:
    if c.is_draft:
        _para(
            doc,
            f"{DRAFT_MARK} — pratinjau rancangan, tanpa nomor dan tanpa tanda tangan",
            bold=True,
            center=True,
            after=6,
        )
    _kop(doc, c)
    _para(doc, after=12)
    _para(doc, c.heading, bold=True, center=True)
    _para(doc, f"NOMOR {c.number or DOTS}", bold=True, center=True, after=12)
    _para(doc, "TENTANG", bold=True, center=True, after=12)
    _para(doc, c.title.upper(), bold=True, center=True, after=12)
    _para(doc, f"{c.head},", bold=True, center=True, after=12)
    _clauses(doc, [("" if i else "Menimbang", m, t) for i, (m, t) in enumerate(c.considerations)])
    _clauses(doc, [("" if i else "Mengingat", m, t) for i, (m, t) in enumerate(c.legal_bases)])
    _para(doc, "MEMUTUSKAN:", bold=True, center=True, after=12)
    _clauses(
        doc,
        [("Menetapkan", "", c.enacts), *((d.ordinal, "", d.text) for d in c.diktum_before_last)],
    )
    # The last diktum and the closing on one page, as in the PDF.
    if c.last_diktum is not None:
        _clauses(doc, [(c.last_diktum.ordinal, "", c.last_diktum.text)], keep_with_next=True)
    _signature(doc, c)
    if c.copies_to:
        _para(doc)
        _para(doc, "Tembusan Keputusan ini disampaikan kepada Yth.:")
        for n, copy in enumerate(c.copies_to, start=1):
            _para(doc, f"{n}. {copy}")

    # The Lampiran on a new page, its reference block on the right.
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for text in (
        "LAMPIRAN",
        c.heading,
        f"NOMOR    : {c.number or DOTS}",
        f"TANGGAL : {c.issued_on or DOTS}",
        f"TENTANG : {c.title.upper()}",
    ):
        paragraph = _para(doc, text, size=11)
        paragraph.paragraph_format.left_indent = Cm(8.0)
    _para(doc)
    _para(doc, c.title.upper(), bold=True, center=True, after=12)
    _para(doc, f"{c.parts['steps']}. LANGKAH-LANGKAH PENANGANAN", bold=True, after=6)
    _grid(
        doc,
        [
            "No",
            "Langkah",
            "Uraian kegiatan",
            "Penanggung jawab",
            "Tenggat waktu",
            "Mulai dihitung",
            "Bila terlambat, dilaporkan kepada",
        ],
        [
            [
                str(s.number),
                s.title
                + (" *" if s.timed else "")
                + (" (jalur perlindungan sosial)" if s.social else ""),
                s.description,
                s.responsible,
                "\n".join(s.deadlines) or NONE,
                s.trigger or NONE,
                s.escalate_to or NONE,
            ]
            for s in c.steps
        ],
        [0.8, 2.8, 4.7, 2.1, 2.4, 1.9, 1.9],
    )
    _para(
        doc,
        "* Langkah berbatas waktu: tenggatnya dipantau, diingatkan dan dieskalasi "
        "melalui Sipakatau untuk setiap kasus.",
        size=9,
        after=6,
    )
    if "flow" in c.parts:
        _para(doc, f"{c.parts['flow']}. BAGAN ALUR", bold=True, after=6)
        for line in c.flow_lines:
            doc.add_paragraph(line, style="List Number")
        _para(doc)
    if "duties" in c.parts:
        _para(doc, f"{c.parts['duties']}. PERAN DAN TUGAS PARA PIHAK", bold=True, after=6)
        _grid(
            doc,
            ["No", "Pihak", "Peran dan tugas"],
            [[str(n), party, duties] for n, (party, duties) in enumerate(c.duties, start=1)],
            [0.8, 3.8, 11.9],
        )
    if "pathway" in c.parts:
        _para(doc, f"{c.parts['pathway']}. JALUR RUJUKAN", bold=True, after=6)
        _grid(
            doc,
            ["No", "Layanan", "Penyedia layanan", "Alamat / telepon", "Narahubung"],
            [
                [
                    str(n),
                    p.service,
                    p.provider,
                    "\n".join(x for x in (p.address, f"Telp. {p.phone}" if p.phone else "") if x)
                    or NONE,
                    p.contact or NONE,
                ]
                for n, p in enumerate(c.pathway, start=1)
            ],
            [0.8, 3.6, 4.0, 4.9, 3.2],
        )
    _signature(doc, c, lampiran=True)
    if c.verify_url:
        _para(doc)
        _para(
            doc,
            "Keaslian keputusan ini dapat diperiksa dengan kode QR pada berkas PDF-nya, atau "
            f"di situs Sipakatau pada alamat {c.verify_url}",
            size=10,
        )


def decree_docx(*, version: MechanismVersion, decree: Decree | None) -> bytes:
    c = decree_content(version=version, decree=decree, verify_url=_verify_path(decree))
    doc = Document()
    section = doc.sections[0]
    # F4 with the decree's margins, like the PDF (documents/decree.py says why).
    section.page_width, section.page_height = Mm(215), Mm(330)
    section.left_margin = Cm(3)
    section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Bookman Old Style"
    style.font.size = Pt(12)
    _build(doc, c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _verify_path(decree: Decree | None) -> str:
    """The verification page's path: the DOCX is made without the request's host, and
    the PDF (which carries the full address and the QR code) is the document of record."""
    if decree is None:
        return ""
    return reverse("mechanisms:decree_verify", args=[decree.verification_token])
