"""Start-up checks of the notification settings (``manage.py check``)."""

from typing import Any

from django.conf import settings
from django.core import checks

from .templates import reveals


def check_neutral_sender(**kwargs: Any) -> list[checks.CheckMessage]:
    # Found here rather than when a message is queued: there it would make the staff
    # action that queues it (accepting a referral, say) fail for a configuration mistake.
    sender = settings.SIPAKATAU_NEUTRAL_SENDER
    found = reveals(sender)
    if not sender.strip() or len(sender) > 40 or found:
        return [
            checks.Error(
                "SIPAKATAU_NEUTRAL_SENDER must be a neutral name of at most 40 characters"
                + (f" (it says {', '.join(found)})" if found else ""),
                hint="Whoever reads a survivor's phone sees it; the default is 'Info Layanan'.",
                id="sipakatau.E101",
            )
        ]
    return []


def check_base_url(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.PRODUCTION and not settings.SIPAKATAU_BASE_URL:
        return [
            checks.Warning(
                "SIPAKATAU_BASE_URL is not set: links in emails and SMS will be incomplete.",
                hint="Set it to the address users open, e.g. https://sipakatau.example.go.id",
                id="sipakatau.W101",
            )
        ]
    return []
