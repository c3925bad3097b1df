"""The printable referral letter: the register number, the date, from and to, the service,
the urgency and the shared fields — nothing else of the case."""

from django.utils import timezone

from sipakatau.lib.pdf import html_to_pdf

from .models import Referral
from .projection import projection_items


def letter_pdf(referral: Referral) -> bytes:
    # html_to_pdf fetches nothing: no third party learns that a letter was printed.
    return html_to_pdf(
        "referrals/letter.html",
        {
            "referral": referral,
            "items": projection_items(referral.shared_fields, referral.projection),
            "printed_at": timezone.now(),
        },
    )
