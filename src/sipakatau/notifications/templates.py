"""The only texts a notification can say, and the only variables they can use.

A survivor's name or what happened must never reach a lock screen, an SMS log or an
email server: templates can only use the allowlisted variables, and a test renders every
template with every variable to prove nothing else can slip in.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# ``username`` and ``count`` are for the security alert to administrators (a staff
# account's username is no secret among its administrators; a survivor's name never is).
ALLOWED_VARIABLES = frozenset(
    {"register_number", "link", "unit_name", "due_at", "username", "count"}
)

# Each text says what happened and to which thing, in one sentence: no path or address
# (the list shows a "Buka" button for the stored ``link``), no survivor, no story.
TEMPLATES: dict[str, Any] = {
    "deadline_overdue": _(
        "Case %(register_number)s at %(unit_name)s has an action that was due %(due_at)s."
    ),
    # The mechanism names the Lurah as the one told when this step is late: the register
    # number and the mechanism's figures only (a kelurahan officer sees no case content).
    "deadline_overdue_kelurahan": _(
        "A step of the kelurahan's mechanism is late in case %(register_number)s at "
        "%(unit_name)s (due %(due_at)s)."
    ),
    # The same for a desa's office: its Kepala Desa is never told of a "kelurahan".
    "deadline_overdue_desa": _(
        "A step of the desa's mechanism is late in case %(register_number)s at "
        "%(unit_name)s (due %(due_at)s)."
    ),
    "case_assigned": _("Case %(register_number)s at %(unit_name)s is now assigned to you."),
    "closure_requested": _(
        "Case %(register_number)s at %(unit_name)s waits for your closure approval."
    ),
    # Referrals (referrals/services/): unit_name is the other side of the referral.
    "referral_received": _(
        "New referral %(register_number)s from %(unit_name)s. Please answer by %(due_at)s."
    ),
    # The answer, when the caller knows which it was; ``referral_answered`` when not.
    "referral_accepted": _("Referral %(register_number)s was accepted by %(unit_name)s."),
    "referral_declined": _("Referral %(register_number)s was declined by %(unit_name)s."),
    "referral_completed": _("Referral %(register_number)s was completed by %(unit_name)s."),
    "referral_answered": _("Referral %(register_number)s was answered by %(unit_name)s."),
    "referral_overdue": _(
        "Referral %(register_number)s to %(unit_name)s was due for an answer %(due_at)s."
    ),
    "referral_override": _(
        "Referral %(register_number)s from %(unit_name)s was sent without consent, on a "
        "legal basis. Please check it."
    ),
    "referral_withdrawn": _(
        "Referral %(register_number)s from %(unit_name)s was withdrawn. Stop the work on it."
    ),
    # Public portal (public.services): a report from the public waits in the unit's inbox.
    "public_report_received": _("A new report from the public arrived for %(unit_name)s."),
    # Security (audit.refusals, notifications.alerts): an account was refused many times
    # in a short while when opening case data. Who and how often, never what it asked for.
    "access_probing": _(
        "The account %(username)s was refused %(count)s times in a short while when "
        "opening case data. Please check that it is not being misused."
    ),
    # The reporter answered "someone is in danger now": only that it is urgent, never what
    # happened, to whom or where (a worker's lock screen is read by others too).
    "public_report_urgent": _(
        "URGENT: a new report from the public for %(unit_name)s needs contact at once."
    ),
    # Reports (reports.services): the unit's monthly report (SK Lurah, diktum KEEMPAT) was
    # sent, or is late. No figure, no person.
    "monthly_report_sent": _("The monthly report of %(unit_name)s was sent to you."),
    # mapping.services.analysis: the needs mapping found needs with no provider in reach;
    # the directory's keepers are asked to look. The kelurahan and a count, no answer.
    "directory_gaps_found": _(
        "The needs mapping of %(unit_name)s found %(count)s needs with no service in reach. "
        "Please look for providers for the directory."
    ),
    # mapping.services.submissions: an uploaded file of needs-mapping answers was imported
    # by its job (or stopped); the uploader is told. The kelurahan and a count, no answer.
    "submissions_import_done": _(
        "The needs-mapping answers of %(unit_name)s are imported: %(count)s rows added."
    ),
    "submissions_import_failed": _(
        "The import of needs-mapping answers of %(unit_name)s stopped. See why on its page."
    ),
    # mapping.services.snapshots: the needs-mapping analysis someone asked for was made by
    # its job (or stopped). The kelurahan only: no figure, no answer.
    "analysis_ready": _("The needs-mapping analysis of %(unit_name)s is ready."),
    "analysis_failed": _(
        "The needs-mapping analysis of %(unit_name)s could not be made. Please ask again."
    ),
    # jobs.services: a file someone asked for (an export) was prepared by its job, or
    # stopped. Her organisation and the hours it is kept: never what the file holds.
    "file_ready": _(
        "The file you asked for at %(unit_name)s is ready. Download it within %(count)s hours."
    ),
    "file_failed": _(
        "The file you asked for at %(unit_name)s could not be prepared. Please ask again."
    ),
    "monthly_report_late": _(
        "The monthly report of %(unit_name)s was due %(due_at)s and is not sent yet."
    ),
    # Social protection (social.services): a month's proposal passed its cut-off (the
    # 17th by default) and is not yet entered in SIKS-NG.
    "proposal_cutoff_overdue": _(
        "Proposal %(register_number)s of %(unit_name)s passed its cut-off on %(due_at)s "
        "and is not yet entered in SIKS-NG."
    ),
    # Accounts (accounts.services.role_requests): a role that reads case content waits for
    # a second person, or was decided. A staff username and the unit, never a case.
    "role_requested": _(
        "An administrator asked to give %(username)s a role in %(unit_name)s. It needs a "
        "second person's approval."
    ),
    "role_request_decided": _(
        "The role request for %(username)s in %(unit_name)s has been decided."
    ),
    # reports.services.export_requests: someone asked for a file that can point at a
    # person, and another person must approve it.
    "export_approval_requested": _("A file of %(unit_name)s waits for your approval."),
    # ...and the requester hears that it was decided (which way: on the request's page).
    "export_request_decided": _("Your request for a file of %(unit_name)s has been decided."),
}

# Shown first in the list, and marked as urgent there and outside the app: someone may be
# in danger, a legal deadline has passed, or an account is probing for case data.
URGENT_TEMPLATES = frozenset(
    {
        "public_report_urgent",
        "deadline_overdue",
        "deadline_overdue_kelurahan",
        "deadline_overdue_desa",
        "referral_overdue",
        "referral_withdrawn",
        "access_probing",
    }
)

# What leaves the app for staff (email, SMS, WhatsApp): a lock screen, a shared inbox or a
# gateway's log is read by others, so no unit name, no word that names the work; the
# reference the worker knows and a link to the notification list (whose path is neutral
# too, unlike a case's). Checked against REVEALING_WORDS by a test.
OUTSIDE_TEXT = _("There is a new notice for you about %(register_number)s. Open %(link)s")
OUTSIDE_TEXT_NO_REFERENCE = _("There is a new notice for you. Open %(link)s")
OUTSIDE_TEXT_URGENT = _(
    "An urgent notice about %(register_number)s waits for you. Please open %(link)s now."
)
OUTSIDE_TEXT_URGENT_NO_REFERENCE = _("An urgent notice waits for you. Please open %(link)s now.")

# What a survivor or reporter may receive by SMS or WhatsApp. Whoever else reads the phone
# (often the person who hurt them) must learn nothing: no unit name (an "LBK-KK" or "UPTD
# PPA" names a violence service), no word about violence, cases, police or protection;
# only a reference the person already knows, a link and a time.
PERSON_ALLOWED_VARIABLES = frozenset({"register_number", "link", "due_at"})

PERSON_TEMPLATES: dict[str, Any] = {
    "person_request_update": _("There is news about your request %(register_number)s. %(link)s"),
    "person_appointment": _(
        "Reminder: your appointment %(register_number)s is on %(due_at)s. %(link)s"
    ),
    # Public portal (public.services): a worker answered on the tracking page. The
    # reporter knows her code; nothing here may say what it is about.
    "person_public_reply": _("There is news for you. Open %(link)s and enter your code."),
}


# Words that would give away what a message to a survivor is about, in English and Bahasa
# Indonesia. The neutral sender is checked against them when a message is queued, and a
# test checks every person template (in every language) against them.
REVEALING_WORDS = frozenset(
    {
        "violence", "kekerasan", "abuse", "victim", "korban", "survivor", "penyintas",
        "case", "kasus", "police", "polisi", "protection", "perlindungan", "ppa", "lbk",
        "lbk-kk", "p2tp2a", "dp3a", "uptd", "dinsos", "shelter", "rumah aman", "rape",
        "perkosaan", "kdrt", "domestic", "child", "children", "anak", "women", "perempuan",
        "referral", "rujukan", "sipakatau", "report", "laporan", "pengaduan",
    }
)  # fmt: skip


def reveals(text: str) -> list[str]:
    """The revealing words in ``text`` (whole words, any case)."""
    lowered = text.lower()
    return sorted(
        word for word in REVEALING_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)
    )


class UnsafeNotification(ValueError):
    """A notification asked for a template or variable that is not on an allowlist."""


def _clean(
    catalogue: Mapping[str, Any],
    allowed: frozenset[str],
    template: str,
    context: Mapping[str, Any],
) -> dict[str, str]:
    if template not in catalogue:
        raise UnsafeNotification(f"unknown notification template {template!r}")
    extra = set(context) - allowed
    if extra:
        raise UnsafeNotification(f"variables not allowed in notifications: {sorted(extra)}")
    cleaned = {}
    for key, value in context.items():
        cleaned[key] = value.isoformat() if isinstance(value, datetime) else str(value)
    return cleaned


def clean_context(template: str, context: Mapping[str, Any]) -> dict[str, str]:
    """The context of a staff template, as stored; refuses anything off the allowlist."""
    return _clean(TEMPLATES, ALLOWED_VARIABLES, template, context)


def clean_person_context(template: str, context: Mapping[str, Any]) -> dict[str, str]:
    """The context of a survivor's or reporter's template, against the narrower allowlist."""
    return _clean(PERSON_TEMPLATES, PERSON_ALLOWED_VARIABLES, template, context)


def _render(text: Any, allowed: frozenset[str], context: Mapping[str, str], base_url: str) -> str:
    # Only allowlisted keys reach the text, whatever the stored row holds: a context
    # written by hand or by an older version cannot smuggle anything in.
    values = {key: "" for key in allowed}
    values.update({key: value for key, value in context.items() if key in allowed})
    if values.get("due_at"):
        moment = parse_datetime(values["due_at"])
        if moment is not None:
            values["due_at"] = date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if base_url and values.get("link", "").startswith("/"):
        values["link"] = base_url + values["link"]
    return str(text) % values


def render(template: str, context: Mapping[str, str]) -> str:
    """A staff template's sentence, as the list shows it (the link is a button beside it)."""
    return _render(TEMPLATES[template], ALLOWED_VARIABLES, context, "")


def is_urgent(template: str) -> bool:
    return template in URGENT_TEMPLATES


def render_outside(
    template: str, context: Mapping[str, str], link: str, *, base_url: str = ""
) -> str:
    """The neutral text sent to staff outside the app for a notification of ``template``:
    the reference and ``link`` (the notification list), never the unit or what happened."""
    if template not in TEMPLATES:
        raise UnsafeNotification(f"unknown notification template {template!r}")
    referenced = bool(context.get("register_number"))
    if is_urgent(template):
        text = OUTSIDE_TEXT_URGENT if referenced else OUTSIDE_TEXT_URGENT_NO_REFERENCE
    else:
        text = OUTSIDE_TEXT if referenced else OUTSIDE_TEXT_NO_REFERENCE
    values = {"register_number": str(context.get("register_number", "")), "link": link}
    return _render(text, frozenset(values), values, base_url)


def render_for_person(template: str, context: Mapping[str, str], *, base_url: str = "") -> str:
    return _render(PERSON_TEMPLATES[template], PERSON_ALLOWED_VARIABLES, context, base_url)
