"""The SK Lurah as PDF: the issued decree, or the draft preview of a version.

Paper: F4 (215 x 330 mm), the folio that Indonesian regional offices keep in their
printers and files for decrees; a decree with its Lampiran runs long, and F4 gives the
steps table more rows a page. A4 is one line away (``@page size`` in the template) for an
office that files on A4. Margins 3 cm left (binding) and 2 cm elsewhere, 12 pt serif,
bold centred headings, as the tata naskah dinas lays a decree out. DejaVu Serif is the
installed serif closest to the Bookman Old Style offices use; no web font is fetched.
"""

from django.utils.safestring import mark_safe

from sipakatau.lib.pdf import html_to_pdf
from sipakatau.lib.qr import qr_svg

from ..models import Decree, MechanismVersion
from .content import DRAFT_MARK, decree_content
from .diagram import flow_svg


def decree_pdf(*, version: MechanismVersion, decree: Decree | None, verify_url: str) -> bytes:
    """With ``decree``: the SK as issued (number, date, signer, QR code to ``verify_url``).
    Without: the draft preview — no number, no QR code, marked "DRAF — belum berlaku" on
    every page, so that a printed preview cannot pass for the decree."""
    content = decree_content(version=version, decree=decree, verify_url=verify_url)
    qr = qr_svg(content.verify_url, size_mm=30, border=2) if content.verify_url else ""
    context = {
        "c": content,
        "draft_mark": DRAFT_MARK,
        "flow_svg": mark_safe(flow_svg(content.steps)),  # noqa: S308 (escaped in diagram.py)
        "qr_svg": mark_safe(qr),  # noqa: S308 (generated here from our own address)
    }
    return html_to_pdf("mechanisms/documents/decree.html", context)
