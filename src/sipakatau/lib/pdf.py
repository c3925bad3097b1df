"""PDFs from HTML templates, without fetching anything (their QR codes: lib/qr.py)."""

from typing import Any

from django.template.loader import render_to_string


def _refuse(url: str) -> Any:
    raise ValueError("a document fetches nothing")


def html_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` and print it to PDF. The templates embed their
    CSS, SVG and QR code and use the system's fonts: nothing is fetched, so no third party
    learns that a document was printed and no file is read by URL from data a user typed."""
    # Imported here: WeasyPrint loads Pango when imported, which the rest of the app does
    # not need.
    import weasyprint
    from weasyprint.urls import URLFetcher

    class _NoFetch(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            return _refuse(url)

    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return bytes(document.write_pdf())
