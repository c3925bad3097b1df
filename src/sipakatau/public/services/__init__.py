"""The reporter's writes on the public portal: a report, its tracking, her messages.
What the unit decides about a report is in ``decisions``.

The reporter has no account. A report is found again only by its tracking code and PIN;
the PIN is stored as a salted hash and shown once. Guessing is limited per code and per
address (DESIGN.md §5); the counts live in the database so that every process sees them.
"""

import base64
import functools
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipakatau.accounts.models import Organisation, User
from sipakatau.accounts.permissions import HANDLE_PUBLIC_REPORTS
from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import codes_with_ancestors
from sipakatau.audit import services as audit
from sipakatau.lib.uploads import UploadError, clean_upload
from sipakatau.notifications.services import notify

from .. import flood, places
from ..challenge import (
    Challenge,
    ChallengeFailed,
    challenge_new,
    challenge_spend,
    challenge_verify,
    work_refused,
)
from ..models import (
    ContactPreference,
    PublicMessage,
    PublicReport,
    SubmissionMark,
)
from ..queries import report_by_code
from ..tracking import client_network, tracking_try_begin, tracking_try_succeeded, try_keys
from ..urgency import first_contact_due

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud or copied by hand stays right.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
PIN_LENGTH = 6
SUBMISSION_WINDOW = timedelta(hours=1)
MAX_TEXT = 5000
MAX_MESSAGE = 2000
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_RT_RW = re.compile(r"^[0-9]{1,3}$")
# The refusal of a report for a place nobody here serves (code "not_served").
NOT_SERVED = gettext_lazy(
    "Reports for this place cannot be sent on this site. Nothing was sent. You can still "
    "get help: call SAPA 129 (free), or 110 or 112 if someone is in danger now."
)


@dataclass(frozen=True)
class Submitted:
    report: PublicReport
    # Shown once, to the first answer only; None when the same key was sent again.
    pin: str | None


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _i in range(PIN_LENGTH))


def route_report(kelurahan: Area) -> Organisation | None:
    """Who receives a report from this kelurahan, along the area tree only: its LBK-KK
    (the nearest whose area covers it), else the UPTD PPA, else the DP3A whose area
    contains it (the nearest of each). None when nobody here serves the place: a report
    never goes to an office whose area does not contain it (one from Aceh once reached
    DP3A Parepare's inbox, where nobody could help her)."""
    covering = list(
        places.serving_organisations()
        .filter(area__code__in=codes_with_ancestors(kelurahan.code))
        .select_related("area")
    )
    for kind in places.SERVING_TYPES:
        candidates = [o for o in covering if o.type == kind]
        if candidates:
            return max(candidates, key=lambda o: (len(o.area.code), -o.pk))
    return None


def _unit_staff(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__is_active=True,
            memberships__role__in=HANDLE_PUBLIC_REPORTS,
        ).distinct()
    )


def public_report_submit(
    *,
    idempotency_key: str,
    kelurahan_code: str,
    about_self: bool,
    what_happened: str,
    when: str = "",
    danger_now: bool = False,
    contact: str = ContactPreference.NONE,
    contact_phone: str = "",
    contact_times: str = "",
    rt: str = "",
    rw: str = "",
    photo_name: str = "",
    photo_data: bytes | None = None,
    address: str = "",
    contact_safe: bool = False,
    challenge_token: str = "",
    challenge_answer: str = "",
    challenge_work: str = "",
) -> Submitted:
    """Store a report once per key; answer its code, and its PIN the first time only.

    A repeat of the same key is answered before any limit is counted, so a reporter whose
    connection dropped is never refused for trying again. Over a flood limit the report
    is refused with code ``rate_limited`` unless a challenge token comes with the right
    answer (``challenge``); a wrong, old or reused one is refused with code
    ``challenge_failed``; both raise ``ChallengeRefused``, which carries the fresh
    challenge to send back. A kelurahan that nobody here serves (``route_report``) is
    refused with code ``not_served`` before anything is counted or stored.

    The work asked grows with the rate of reports (``flood``). A false proof of work is
    refused before the database is read at all; any other refusal reads a few rows and
    writes none (only a wrong answer to the sum spends its token, so it cannot be
    guessed). See bench/public_flood_bench.py for what each side pays.
    """
    if not _KEY.match(idempotency_key or ""):
        raise ValidationError(_("The form is out of date. Please open it again."))
    if challenge_token and challenge_work and not challenge_answer:
        # No need to look further when the work is false: one HMAC, one SHA-256. (A retry
        # of a stored report carries the same true work, so it is never refused here.)
        asked = work_refused(token=challenge_token, work=challenge_work)
        if asked is not None:
            raise _challenge_refusal(ChallengeFailed("work" if asked else "wrong"), asked)
    existing = PublicReport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Submitted(report=existing, pin=None)
    kelurahan = Area.objects.filter(code=kelurahan_code, level=Level.KELURAHAN).first()
    organisation = route_report(kelurahan) if kelurahan is not None else None
    if kelurahan is not None and organisation is None:
        # Refused before anything else is checked or counted: whatever she fixes, nobody
        # here would read it. The page and the API answer with the hotlines.
        raise ValidationError(NOT_SERVED, code="not_served")
    errors: dict[str, str] = {}
    if kelurahan is None:
        errors["kelurahan"] = _("Choose the kelurahan where it happened.")
    text = (what_happened or "").strip()
    if not text:
        errors["what_happened"] = _("Please tell us briefly what happened.")
    elif len(text) > MAX_TEXT:
        errors["what_happened"] = _("Please write a shorter text.")
    rt, rw = (rt or "").strip(), (rw or "").strip()
    if rt and not _RT_RW.match(rt):
        errors["rt"] = _("Write the RT as a number, or leave it empty.")
    if rw and not _RT_RW.match(rw):
        errors["rw"] = _("Write the RW as a number, or leave it empty.")
    if contact not in ContactPreference.values:
        errors["contact"] = _("Choose how we may contact you.")
    phone = re.sub(r"[\s.-]", "", contact_phone or "")
    if contact != ContactPreference.NONE and not _PHONE.match(phone):
        errors["contact_phone"] = _(
            "Write the phone number we may use, or choose not to be contacted."
        )
    if contact != ContactPreference.NONE and not contact_safe:
        errors["contact_safe"] = _(
            "Tick the box only if this channel is safe for you. If it is not, choose "
            '"Do not contact me".'
        )
    if contact == ContactPreference.NONE:
        phone, contact_times, contact_safe = "", "", False
    if errors:
        raise ValidationError(errors)
    assert kelurahan is not None and organisation is not None
    marks = _marks(address, kelurahan.code)
    # The challenge is checked before anything costly (the photo, the PIN's hash, any
    # write): a refused report costs the server a few reads, one HMAC and one SHA-256.
    bits = flood.required_bits(address_key=marks[0], kelurahan_key=marks[1])
    nonce = (
        _pass_challenge(challenge_token, challenge_answer, challenge_work, bits) if bits else None
    )
    photo, photo_type = "", ""
    if photo_data:
        try:
            cleaned = clean_upload(filename=photo_name, data=photo_data)
        except UploadError as error:
            raise ValidationError({"photo": str(error)}) from None
        photo = base64.b64encode(cleaned.data).decode("ascii")
        photo_type = cleaned.content_type
    if nonce is not None:
        try:
            challenge_spend(nonce)
        except ChallengeFailed:
            raise _challenge_refusal(ChallengeFailed(), bits) from None
    pin = _new_pin()
    # Hashed before the transaction: the slow hash must not hold SQLite's write lock,
    # which every other report (and every other write) waits for.
    pin_hash = make_password(pin)
    due = first_contact_due(
        kelurahan=kelurahan, organisation=organisation, urgent=danger_now, start=timezone.now()
    )
    try:
        with transaction.atomic():
            report = PublicReport.objects.create(
                tracking_code=_unused_code(),
                pin_hash=pin_hash,
                idempotency_key=idempotency_key,
                kelurahan=kelurahan,
                rt=rt,
                rw=rw,
                about_self=about_self,
                what_happened=text,
                when_text=(when or "").strip()[:200],
                danger_now=danger_now,
                first_contact_due=due,
                contact=contact,
                contact_phone=phone,
                contact_times=(contact_times or "").strip()[:200],
                contact_safe=contact_safe,
                photo=photo,
                photo_content_type=photo_type,
                organisation=organisation,
            )
            now = timezone.now()
            SubmissionMark.objects.bulk_create(SubmissionMark(key=key, at=now) for key in marks)
            # Forgotten once they no longer count; done here, so a refusal writes nothing.
            SubmissionMark.objects.filter(at__lt=now - SUBMISSION_WINDOW).delete()
            audit.log(
                audit.PUBLIC,
                "public_report.submitted",
                report,
                fields=["kelurahan", "rt", "rw", "about_self", "what_happened", "when_text",
                        "danger_now", "first_contact_due", "contact", "contact_phone",
                        "contact_times", "contact_safe", "photo", "organisation"],
            )  # fmt: skip
            notify(
                users=_unit_staff(organisation),
                # Someone in danger now: a notice that says it is urgent (nothing more).
                template="public_report_urgent" if danger_now else "public_report_received",
                context={
                    "unit_name": organisation.short_name or organisation.name,
                    "link": reverse("public:inbox_detail", args=[report.pk]),
                },
            )
    except IntegrityError:
        # The same report arrived twice at the same moment: the first one won.
        existing = PublicReport.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Submitted(report=existing, pin=None)
    return Submitted(report=report, pin=pin)


def _pass_challenge(token: str, answer: str, work: str, bits: int) -> str | None:
    """Over a flood limit: let the report through only with a fresh answer or enough
    work (``bits``). Answers the nonce of a proof of work, to be spent once the report is
    about to be stored."""
    if not token:
        raise ChallengeRefused(
            _(
                "Many reports came from here in a short time. To send yours, please answer "
                "the short question below. If someone is in danger, call SAPA 129 or 112 now."
            ),
            code="rate_limited",
            challenge=_challenge_at(bits),
        )
    try:
        return challenge_verify(
            token=token,
            answer=answer,
            work=work,
            bits=bits,
            answer_accepted=flood.sum_accepted(bits),
        )
    except ChallengeFailed as failure:
        raise _challenge_refusal(failure, bits) from None


_REFUSALS = {
    "harder": gettext_lazy(
        "Many reports arrived in the last minutes, so a longer check is needed now. Nothing "
        "was sent. Please wait for the new check below, then press the button again."
    ),
    "work": gettext_lazy(
        "The check was not finished: it was easier than the one asked. Nothing was sent. "
        "Please wait for the new check below, then press the button again."
    ),
    "no_answer": gettext_lazy(
        "Very many reports are arriving now, so the question cannot be used. Nothing was "
        "sent. A phone with JavaScript can do the check below by itself; or try again "
        "later. If someone is in danger, call SAPA 129 or 112 now."
    ),
}
_WRONG = gettext_lazy(
    "The answer was not right, or the question was too old. Nothing was sent. "
    "Please answer the new question below."
)


class ChallengeRefused(ValidationError):
    """A report refused over a flood limit (code ``rate_limited`` or ``challenge_failed``),
    with the fresh challenge that the page or the API sends back: it asks the work needed
    now, worked out once for the refusal."""

    def __init__(self, message: str, *, code: str, challenge: Challenge) -> None:
        super().__init__(message, code=code)
        self.challenge = challenge


def _challenge_at(bits: int) -> Challenge:
    return challenge_new(bits, answer_accepted=flood.sum_accepted(bits))


def _challenge_refusal(failure: ChallengeFailed, bits: int) -> ChallengeRefused:
    message = _REFUSALS.get(failure.reason, _WRONG)
    return ChallengeRefused(str(message), code="challenge_failed", challenge=_challenge_at(bits))


def _marks(address: str, kelurahan_code: str) -> list[str]:
    """The keys a report is counted under: its address (an IPv6 address's /64, as for
    tracking, so a script cannot step through its network) and its kelurahan."""
    return [address_key(client_network(address)), f"kel:{kelurahan_code}"]


def public_report_challenge(*, address: str, kelurahan_code: str) -> Challenge:
    """A challenge asking the work needed now from this address for this kelurahan."""
    marks = _marks(address, kelurahan_code)
    return _challenge_at(flood.required_bits(address_key=marks[0], kelurahan_key=marks[1]))


def _unused_code() -> str:
    while True:
        code = _new_code()
        if not PublicReport.objects.filter(tracking_code=code).exists():
            return code


def address_key(address: str) -> str:
    """The address as a keyed hash: enough to count failures, useless to anyone else."""
    digest = salted_hmac("sipakatau.public.address", address or "unknown").hexdigest()
    return f"addr:{digest[:40]}"


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_hex(16))


def public_report_track(*, code: str, pin: str, address: str) -> PublicReport | None:
    """The report for this code and PIN, or None (a wrong try, counted).

    A try that comes before the wait earned by earlier wrong tries (on this code, from
    this address, or both) raises ``TrackingRefused`` saying how many seconds to wait,
    without looking at the PIN. Other people's wrong tries can make the right PIN wait a
    few minutes at most, never lock it out: see ``tracking``.
    """
    normal = normalise_code(code)
    if len(normal) != CODE_LENGTH or not (pin or "").strip().isdigit():
        # A malformed code is a typing slip, not a guess: it is not counted.
        raise ValidationError(_("Write the report code and the PIN you received."))
    marks = tracking_try_begin(try_keys(normal, address_key(client_network(address))))
    report = report_by_code(normal)
    # The hash is checked even for an unknown code, so timing does not tell codes apart.
    valid = check_password((pin or "").strip(), report.pin_hash if report else _dummy_hash())
    if report is None or not valid:
        return None
    tracking_try_succeeded(marks)
    return report


def message_text(body: str) -> str:
    """A message's text, trimmed; refused when empty or too long."""
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": _("The message is empty.")})
    if len(text) > MAX_MESSAGE:
        raise ValidationError({"body": _("Please write a shorter message.")})
    return text


def public_message_add(*, report: PublicReport, body: str) -> PublicMessage:
    """A message from the reporter (who has shown the code and PIN)."""
    text = message_text(body)
    with transaction.atomic():
        message = PublicMessage.objects.create(report=report, from_staff=False, body=text)
        audit.log(audit.PUBLIC, "public_message.added", message, fields=["body"])
    return message
