"""The public API (/api/v1/public): report and follow a report without an account.

A report is answered 201 only after it is committed; the same ``Idempotency-Key`` sent
again answers 200 with the same code and no PIN (it was shown the first time).

Over a flood limit a report is answered 429 with a ``challenge`` (a sum in words, see
public/challenge.py); sending the same report again with the token and the answer — in
the ``challenge_token`` / ``challenge_answer`` fields or the ``X-Challenge-Token`` /
``X-Challenge-Answer`` headers (or a proof of work, ``challenge_work``) — lets it
through. Each token is good for one try."""

import base64
import binascii
from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from sipakatau.lib.api_types import JsonBool
from sipakatau.lib.client_address import client_address

from . import places, queries, services
from .models import ContactPreference, PublicReport, ReportStatus
from .tracking import TrackingRefused
from .urgency import CALL_NOW
from .views import STATUS_WORDS

# A JSON body is held in memory whole, and Django refuses one over
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): base64 photos up to about 1.7 MB fit under it.
# Bigger photos go through the form (multipart, streamed to a temporary file).
MAX_PHOTO_BASE64 = 2_400_000

router = Router(tags=["public"])


class ReportIn(Schema):
    kelurahan_code: str = Field(max_length=32)
    about_self: JsonBool = True
    what_happened: str = Field(max_length=5000)
    when: str = Field("", max_length=200)
    danger_now: JsonBool = False
    contact: ContactPreference = ContactPreference.NONE
    contact_phone: str = Field("", max_length=20)
    contact_times: str = Field("", max_length=200)
    rt: str = Field("", max_length=3)
    rw: str = Field("", max_length=3)
    contact_safe: JsonBool = Field(
        False, description="Required (true) when contact is sms or whatsapp: the channel is safe"
    )
    photo_name: str = Field("", max_length=200)
    photo_base64: str = Field(
        "",
        max_length=MAX_PHOTO_BASE64,
        description="A JPEG or PNG photo, base64, up to about 1.7 MB (optional)",
    )
    challenge_token: str = Field("", max_length=400, description="From a 429 answer's challenge")
    challenge_answer: str = Field("", max_length=20, description="The number, e.g. 8")
    challenge_work: str = Field(
        "", max_length=12, description="Instead of the answer: a proof of work (see challenge)"
    )


class ChallengeOut(Schema):
    question: str = Field(
        description="A sum in words, in the request's language (empty when "
        "answer_accepted is false)"
    )
    token: str = Field(description="Send it back with the answer; good for one try")
    nonce: str = Field(description="For the proof of work")
    work_bits: int = Field(
        description="challenge_work: a decimal number n such that SHA-256 of "
        "'<nonce>:<n>' (UTF-8) starts with this many zero bits. It grows with the rate "
        "of reports from the address and for the kelurahan in the last minutes"
    )
    answer_accepted: bool = Field(
        description="Whether the answer to the question is accepted; during a flood only "
        "the proof of work is"
    )


class RefusedOut(Schema):
    detail: str
    code: str = Field(description="rate_limited or challenge_failed")
    challenge: ChallengeOut


class HotlineOut(Schema):
    label: str
    number: str = Field(description="As a person reads it")
    link: str = Field(description="Tap to call, e.g. tel:112")


class ReportOut(Schema):
    tracking_code: str
    pin: str | None = Field(description="Shown once: null when the same key was sent again")
    pin_shown_before: bool
    urgent: bool = Field(description="The report says someone is in danger now")
    call_now: list[HotlineOut] = Field(
        description="When urgent: the numbers to tell the reporter to call now, before "
        "anything else (empty otherwise)"
    )


class ErrorOut(Schema):
    detail: str
    code: str


class FieldErrorOut(Schema):
    field: str | None
    message: str


class NotServedOut(Schema):
    detail: list[FieldErrorOut]
    code: str = Field(description="not_served: nobody on this site takes reports for the place")
    hotlines: list[HotlineOut] = Field(description="The numbers that help anywhere")


class PlaceOut(Schema):
    code: str = Field(description="The kelurahan's code: send it as kelurahan_code")
    name: str
    label: str = Field(
        description="The name, with its kecamatan and city when another place has it too"
    )


class PlacesOut(Schema):
    places: list[PlaceOut]


class TrackIn(Schema):
    code: str = Field(max_length=20)
    pin: str = Field(max_length=12)


class MessageOut(Schema):
    from_staff: bool
    body: str
    created_at: str


class TrackOut(Schema):
    tracking_code: str
    status: ReportStatus
    status_text: str
    messages: list[MessageOut]


@router.post(
    "/reports",
    auth=None,
    response={200: ReportOut, 201: ReportOut, 400: ErrorOut, 422: NotServedOut, 429: RefusedOut},
    summary="Send a report (Idempotency-Key header required)",
    description=(
        "Answers 201 with the tracking code and the PIN (shown once); the same "
        "Idempotency-Key again answers 200 with the same code and no PIN. When too many "
        "reports came from one address or for one kelurahan within an hour, answers 429 "
        "with `code` `rate_limited` and a `challenge` {question, token}: send the same "
        "report (same key) again with `challenge_token` and `challenge_answer` (the "
        "number) in the body, or in the `X-Challenge-Token` and `X-Challenge-Answer` "
        "headers — or, instead of the answer, a proof of work in `challenge_work` / "
        "`X-Challenge-Work` (see `work_bits`). A wrong, expired or reused token answers "
        "429 `challenge_failed` with a new challenge; nothing is stored. The work asked "
        "(`work_bits`) grows with the rate of reports from the address and for the "
        "kelurahan in the last minutes, and during a flood only the work is accepted "
        "(`answer_accepted` false). A kelurahan "
        "that no unit or agency on this site serves answers 422 with `code` `not_served` "
        "and the `hotlines` to call instead; nothing is stored (GET /places lists the "
        "places served)."
    ),
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[object]:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return Status(
            400,
            {"detail": _("The Idempotency-Key header is required."), "code": "key_required"},
        )
    try:
        submitted = _submit(request, key, payload)
    except ValidationError as error:
        code = getattr(error, "code", None)  # a dict of field errors has none
        if code == "not_served":
            return Status(422, _not_served(error))
        if not isinstance(error, services.ChallengeRefused):
            raise
        challenge = error.challenge
        return Status(
            429,
            {
                "detail": " ".join(error.messages),
                "code": code,
                "challenge": {
                    "question": challenge.question,
                    "token": challenge.token,
                    "nonce": challenge.nonce,
                    "work_bits": challenge.work_bits,
                    "answer_accepted": challenge.answer_accepted,
                },
            },
        )
    body = {
        "tracking_code": services.format_code(submitted.report.tracking_code),
        "pin": submitted.pin,
        "pin_shown_before": submitted.pin is None,
        "urgent": submitted.report.danger_now,
        "call_now": [
            {"label": str(line.label), "number": line.number, "link": line.link}
            for line in (CALL_NOW if submitted.report.danger_now else ())
        ],
    }
    return Status(201 if submitted.pin else 200, body)


def _not_served(error: ValidationError) -> dict[str, object]:
    """The service-error shape (as api.urls answers a refusal), with the numbers to call."""
    return {
        "detail": [{"field": "kelurahan_code", "message": m} for m in error.messages],
        "code": "not_served",
        "hotlines": [
            {"label": str(line.label), "number": line.number, "link": line.link}
            for line in CALL_NOW
        ],
    }


@router.get(
    "/places",
    auth=None,
    response={200: PlacesOut},
    url_name="public_places",
    summary="Find a place this site takes reports for, by name",
    description=(
        f"Kelurahan and villages served here whose name contains `q` (at least "
        f"{places.SEARCH_MIN} letters), names that start with it first; at most "
        f"{places.SEARCH_LIMIT}."
    ),
)
def place_search(request: HttpRequest, q: str = "") -> Status[object]:
    found = places.search_places(q)
    return Status(200, {"places": [asdict(place) for place in found]})


def _photo(payload: ReportIn) -> bytes | None:
    if not payload.photo_base64:
        return None
    try:
        return base64.b64decode(payload.photo_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"photo": _("The photo could not be read.")}) from None


def _submit(request: HttpRequest, key: str, payload: ReportIn) -> services.Submitted:
    headers = request.headers
    return services.public_report_submit(
        contact_safe=payload.contact_safe,
        photo_name=payload.photo_name or "photo",
        photo_data=_photo(payload),
        challenge_token=payload.challenge_token or headers.get("X-Challenge-Token", ""),
        challenge_answer=payload.challenge_answer or headers.get("X-Challenge-Answer", ""),
        challenge_work=payload.challenge_work or headers.get("X-Challenge-Work", ""),
        idempotency_key=key,
        kelurahan_code=payload.kelurahan_code,
        about_self=payload.about_self,
        what_happened=payload.what_happened,
        when=payload.when,
        danger_now=payload.danger_now,
        contact=str(payload.contact),
        contact_phone=payload.contact_phone,
        contact_times=payload.contact_times,
        rt=payload.rt,
        rw=payload.rw,
        address=client_address(request),
    )


class WaitOut(Schema):
    detail: str
    code: str = Field(description="too_many_tries")
    retry_after: int = Field(description="Seconds to wait before the next try (also Retry-After)")


def _report_for(
    request: HttpRequest, response: HttpResponse, code: str, pin: str
) -> PublicReport | Status[object]:
    """The report for this code and PIN, or the answer that refuses it (429 with the
    seconds to wait, 404; a malformed code raises ValidationError, answered 422)."""
    try:
        report = services.public_report_track(code=code, pin=pin, address=client_address(request))
    except TrackingRefused as refusal:
        response["Retry-After"] = str(refusal.seconds)
        return Status(
            429,
            {"detail": str(refusal), "code": "too_many_tries", "retry_after": refusal.seconds},
        )
    if report is None:
        return Status(404, {"detail": _("The code or the PIN is not right."), "code": "not_found"})
    return report


@router.post(
    "/track",
    auth=None,
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut, 429: WaitOut},
    summary="Follow a report with its code and PIN",
    description=(
        "A wrong code or PIN answers 404. After 5 wrong tries (on this code, or from this "
        "address) each next try must wait longer: one that comes too early answers 429 "
        "with `retry_after` (seconds, also in the Retry-After header) and is not checked "
        "or counted. The right PIN waits at most a few minutes for other people's tries."
    ),
)
def report_track(request: HttpRequest, response: HttpResponse, payload: TrackIn) -> Status[object]:
    report = _report_for(request, response, payload.code, payload.pin)
    if isinstance(report, Status):
        return report
    status = queries.tracking_status(report)
    return Status(
        200,
        {
            "tracking_code": services.format_code(report.tracking_code),
            "status": status,
            "status_text": str(STATUS_WORDS[status]),
            "messages": [
                {
                    "from_staff": m.from_staff,
                    "body": m.body,
                    "created_at": m.created_at.isoformat(),
                }
                for m in queries.messages_of(report)
            ],
        },
    )


class MessageIn(Schema):
    code: str = Field(max_length=20)
    pin: str = Field(max_length=12)
    body: str = Field(max_length=2000)


class MessageCreated(Schema):
    created_at: str


@router.post(
    "/messages",
    auth=None,
    response={201: MessageCreated, 404: ErrorOut, 422: ErrorOut, 429: WaitOut},
    summary="Send a message to the unit about a report (code and PIN)",
    description="The code and PIN are checked (and wrong tries counted) as for /track.",
)
def message_create(
    request: HttpRequest, response: HttpResponse, payload: MessageIn
) -> Status[object]:
    report = _report_for(request, response, payload.code, payload.pin)
    if isinstance(report, Status):
        return report
    message = services.public_message_add(report=report, body=payload.body)
    return Status(201, {"created_at": message.created_at.isoformat()})
