"""The printable referral letter: the register number, the date, from and to, the service,
the urgency and the shared fields — nothing else of the case."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Referral
from .projection import projection_items


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """The letter embeds its CSS and uses the system's fonts: it must never fetch anything
    (no third party learns that a letter was printed, and no file is read by URL)."""
    raise ValueError("the referral letter fetches nothing")


def letter_pdf(referral: Referral) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which the rest of the app does
    # not need.
    import weasyprint
    from weasyprint.urls import URLFetcher

    class _NoFetch(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            return _refuse_fetch(url)

    html = render_to_string(
        "referrals/letter.html",
        {
            "referral": referral,
            "items": projection_items(referral.shared_fields, referral.projection),
            "printed_at": timezone.now(),
        },
    )
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=_NoFetch())
    return bytes(document.write_pdf())
