"""Turning the documents' HTML into PDF, and the QR code, without fetching anything."""

import re
from typing import Any

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string


def qr_svg(data: str, size_mm: int = 30) -> str:
    """The QR code as inline SVG (a path, no image file), ``size_mm`` wide."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg: str = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    return re.sub(
        r'width="[^"]*" height="[^"]*"',
        f'width="{size_mm}mm" height="{size_mm}mm"',
        svg,
        count=1,
    )


def html_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which the rest of the app does
    # not need.
    import weasyprint
    from weasyprint.urls import URLFetcher

    class _NoFetch(URLFetcher):
        """The documents embed their CSS, SVG and QR code and use the system's fonts:
        they fetch nothing, so no third party learns that a decree was printed and no
        file is read by URL from data a drafter typed."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("the mechanism's documents fetch nothing")

    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return bytes(document.write_pdf())
