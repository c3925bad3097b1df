"""The documents of a mechanism: the SK Lurah (PDF and DOCX), the draft preview, the
meeting attendance list and minutes. PLACEHOLDER until the documents are written."""

from typing import Any

from ..models import Decree, MechanismVersion


def decree_pdf(*, version: MechanismVersion, decree: Decree | None, verify_url: str) -> bytes:
    import weasyprint

    html = f"<html><body><h1>KEPUTUSAN LURAH</h1><p>{version.title}</p></body></html>"
    document: Any = weasyprint.HTML(string=html, base_url=None)
    return bytes(document.write_pdf())
