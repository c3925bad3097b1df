"""The public API (/api/v1/public): report and follow a report without an account.

A report is answered 201 only after it is committed; the same ``Idempotency-Key`` sent
again answers 200 with the same code and no PIN (it was shown the first time)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from . import queries, services
from .models import ContactPreference, ReportStatus
from .views import STATUS_WORDS

router = Router(tags=["public"])


class ReportIn(Schema):
    kelurahan_code: str = Field(max_length=32)
    about_self: bool = True
    what_happened: str = Field(max_length=5000)
    when: str = Field("", max_length=200)
    danger_now: bool = False
    contact: ContactPreference = ContactPreference.NONE
    contact_phone: str = Field("", max_length=20)
    contact_times: str = Field("", max_length=200)
    rt: str = Field("", max_length=3)
    rw: str = Field("", max_length=3)


class ReportOut(Schema):
    tracking_code: str
    pin: str | None = Field(description="Shown once: null when the same key was sent again")
    pin_shown_before: bool


class ErrorOut(Schema):
    detail: str
    code: str


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
    response={200: ReportOut, 201: ReportOut, 400: ErrorOut, 429: ErrorOut},
    summary="Send a report (Idempotency-Key header required)",
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
        if error.code != "rate_limited":
            raise
        return Status(429, {"detail": " ".join(error.messages), "code": "rate_limited"})
    body = {
        "tracking_code": services.format_code(submitted.report.tracking_code),
        "pin": submitted.pin,
        "pin_shown_before": submitted.pin is None,
    }
    return Status(201 if submitted.pin else 200, body)


def _submit(request: HttpRequest, key: str, payload: ReportIn) -> services.Submitted:
    return services.public_report_submit(
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
        address=str(request.META.get("REMOTE_ADDR", "")),
    )


@router.post(
    "/track",
    auth=None,
    response={200: TrackOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Follow a report with its code and PIN",
)
def report_track(request: HttpRequest, payload: TrackIn) -> Status[object]:
    code = services.normalise_code(payload.code)
    if len(code) != services.CODE_LENGTH or not payload.pin.strip().isdigit():
        # A malformed code is a typing slip, not a guess: it is not counted.
        raise ValidationError(_("Write the report code and the PIN you received."))
    try:
        report = services.public_report_track(
            code=code, pin=payload.pin, address=str(request.META.get("REMOTE_ADDR", ""))
        )
    except services.TrackingRefused as refusal:
        return Status(429, {"detail": str(refusal), "code": "too_many_tries"})
    if report is None:
        return Status(
            404,
            {"detail": _("The code or the PIN is not right."), "code": "not_found"},
        )
    return Status(
        200,
        {
            "tracking_code": services.format_code(report.tracking_code),
            "status": report.status,
            "status_text": str(STATUS_WORDS[ReportStatus(report.status)]),
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
