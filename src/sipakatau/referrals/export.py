"""The inbox export: every referral the organisation received, with the shared fields
and the answers only, as a CSV for a spreadsheet. Built by a job (``tasks.export_inbox``):
at 100,000 referrals it takes seconds, too long for a page to wait."""

from collections.abc import Callable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.lib.csv_response import csv_lines

from . import queries
from .codes import SharedField
from .models import Referral
from .projection import projection_items

# Rows between two progress reports: the page sees the bar move, the database is not
# written at every row.
PROGRESS_EVERY = 500


def inbox_header() -> list[object]:
    return [
        _("Referral number"),
        _("Sent"),
        _("From"),
        _("Service"),
        _("Urgency"),
        _("Status"),
        _("Answer due"),
        *[str(label) for _code, label in SharedField.choices],
        _("Why declined"),
        _("Service given"),
        _("Feedback"),
    ]


def inbox_row(referral: Referral) -> list[object]:
    shared = {
        item.field: item.text
        for item in projection_items(referral.shared_fields, referral.projection)
    }
    return [
        referral.register_number,
        timezone.localtime(referral.created_at).strftime("%Y-%m-%d %H:%M"),
        referral.sender,
        referral.get_service_type_display(),
        referral.get_urgency_display(),
        referral.get_status_display(),
        timezone.localtime(referral.due_at).strftime("%Y-%m-%d %H:%M"),
        *[shared.get(code, "") for code, _label in SharedField.choices],
        referral.decline_reason,
        referral.service_given,
        referral.feedback,
    ]


def inbox_csv(membership: Membership, progress: Callable[[int, int], None]) -> bytes:
    """The file, read through the inbox's scoped query (which records the export)."""
    referrals = queries.referrals_to_export(membership)
    total = len(referrals)
    progress(0, total)

    def rows() -> Iterator[list[object]]:
        for number, referral in enumerate(referrals, start=1):
            yield inbox_row(referral)
            if number % PROGRESS_EVERY == 0:
                progress(number, total)

    return "".join(csv_lines(inbox_header(), rows())).encode("utf-8")


def inbox_file_name() -> str:
    return f"rujukan-{timezone.localdate().isoformat()}.csv"
