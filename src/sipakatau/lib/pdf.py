"""PDFs from HTML templates, without fetching anything (their QR codes: lib/qr.py)."""

import base64
import binascii
from typing import Any

from django.template.loader import render_to_string


def _refuse(url: str) -> Any:
    raise ValueError("a document fetches nothing")


# The only URLs a document may name: a PNG or JPEG carried inside the document itself as
# base64 (the regional crest in a letterhead). It is decoded here, never opened by URL.
_EMBEDDED = ("data:image/png;base64,", "data:image/jpeg;base64,")


def _embedded(url: str) -> tuple[str, bytes] | None:
    for prefix in _EMBEDDED:
        if url.startswith(prefix):
            try:
                return prefix[5 : prefix.index(";")], base64.b64decode(url[len(prefix) :])
            except (binascii.Error, ValueError):
                return None
    return None


def html_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` and print it to PDF. The templates embed their
    CSS, SVG and QR code and use the system's fonts: nothing is fetched, so no third party
    learns that a document was printed and no file is read by URL from data a user typed."""
    # Imported here: WeasyPrint loads Pango when imported, which the rest of the app does
    # not need.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _NoFetch(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            embedded = _embedded(url)
            if embedded is None:
                return _refuse(url)
            content_type, body = embedded
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return bytes(document.write_pdf())
