"""Identifiable exports leave Sipakatau through four steps, each audited:

1. ``export_request_create``: one person asks, with a reason; the others who could ask
   for it too are told (a link only: no name, no figure, nothing about violence);
2. ``export_request_decide``: another person approves or refuses — never the requester;
3. ``export_request_open``: the requester types her password again (re-authentication,
   checked with Django's ``check_password``) and gets a one-time password, shown once; a
   job (``export_archive_run``, issue 20: a year of a city's cases takes too long for a
   page) makes the workbook and puts it in a zip encrypted with AES-256 (WinZip AE-2,
   not the breakable ZipCrypto) under that password. Until the job has made it, the
   password waits field-encrypted on the request — the queue only ever carries the
   prepared file's pk — and it is emptied in the transaction that stores the zip (or
   marks the job failed), so afterwards it is stored nowhere;
4. ``export_request_download``: the archive, once (``jobs.PreparedFile``), before the
   request expires.

UU 27/2022 PDP Pasal 35-39: the controller protects personal data against unlawful
processing and disclosure; a file that leaves the system is the likeliest way to lose it.
"""

import base64
import io
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.cases.models import Status
from sipakatau.jobs import services as jobs
from sipakatau.jobs.models import PreparedFile
from sipakatau.notifications.services import notify

from ..exports import describe
from ..models import ExportKind, ExportRequest, ExportState
from ..periods import parse_period
from ..queries import (
    cases_for_export,
    export_approvers,
    is_expired,
    is_export_requester,
    may_decide_export,
    may_download_export,
    may_open_export,
    may_request_export,
)

LIFETIME = timedelta(hours=24)
MAX_FAILURES = 3
REASON_MIN, REASON_MAX = 10, 1000
# Letters and digits that cannot be mistaken for each other when read off a screen.
UNAMBIGUOUS_CHARACTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 20
ARCHIVE_KIND = "reports.export_archive"
ARCHIVE_TASK = "sipakatau.reports.tasks.build_export_archive"


def one_time_password() -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_CHARACTERS) for _n in range(PASSWORD_LENGTH))


def encrypted_zip(name: str, content: bytes, password: str) -> bytes:
    """``content`` as ``name`` in a zip encrypted with AES-256 (WZ_AES)."""
    import pyzipper

    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(name, content)
    return buffer.getvalue()


def _locked(pk: int) -> ExportRequest:
    return ExportRequest.objects.select_for_update().select_related("organisation").get(pk=pk)


@transaction.atomic
def export_request_create(
    *,
    actor: Membership,
    kind: str,
    period: str,
    reason: str,
    case_status: str = "",
    now: datetime | None = None,
) -> ExportRequest:
    now = now or timezone.now()
    if kind not in ExportKind.values or not may_request_export(actor, kind):
        raise PermissionDenied
    errors: dict[str, str] = {}
    chosen = parse_period(period)
    if chosen is None:
        errors["period"] = _("Choose a month, a quarter or a year.")
    if case_status and (kind != ExportKind.CASE_LIST or case_status not in Status.values):
        errors["case_status"] = _("Choose a status from the list.")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        errors["reason"] = _("Say in a sentence why the file is needed and who will use it.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("The reason is too long (at most %(count)d characters).") % {
            "count": REASON_MAX
        }
    if errors:
        raise ValidationError(errors)
    export = ExportRequest.objects.create(
        organisation_id=actor.organisation_id,
        kind=kind,
        period=chosen.code,  # type: ignore[union-attr]
        case_status=case_status,
        reason=reason,
        requested_by_id=actor.user_id,
        requested_at=now,
        expires_at=now + LIFETIME,
    )
    audit.log(
        actor, "export_request.created", export, fields=["kind", "period", "case_status", "reason"]
    )
    approvers = [m.user for m in export_approvers(export)]
    if approvers:
        notify(
            users=list({user.pk: user for user in approvers}.values()),
            template="export_approval_requested",
            context={
                "unit_name": actor.organisation.short_name or actor.organisation.name,
                "link": reverse("reports:export_request_detail", args=[export.pk]),
            },
        )
    return export


@transaction.atomic
def export_request_decide(
    *, actor: Membership, export_id: int, approve: bool, now: datetime | None = None
) -> ExportRequest:
    now = now or timezone.now()
    export = _locked(export_id)
    if actor.user_id == export.requested_by_id:
        # Four eyes: whoever asked never approves her own request.
        raise PermissionDenied
    if not may_decide_export(actor, export, now):
        if export.state != ExportState.PENDING:
            raise ValidationError(_("This request was already decided."))
        if is_expired(export, now):
            raise ValidationError(_("This request has expired. Ask for a new one."))
        raise PermissionDenied
    export.state = ExportState.APPROVED if approve else ExportState.REFUSED
    export.decided_by_id = actor.user_id
    export.decided_at = now
    fields = ["state", "decided_by", "decided_at"]
    if approve:
        # The requester gets a full day from the approval to open it.
        export.expires_at = now + LIFETIME
        fields.append("expires_at")
    export.save(update_fields=fields)
    audit.log(
        actor,
        "export_request.approved" if approve else "export_request.refused",
        export,
        fields=fields,
    )
    notify(
        users=[export.requested_by],
        template="export_request_decided",
        context={
            "unit_name": actor.organisation.short_name or actor.organisation.name,
            "link": reverse("reports:export_request_detail", args=[export.pk]),
        },
    )
    return export


def export_request_open(
    *, actor: Membership, export_id: int, password: str, now: datetime | None = None
) -> tuple[ExportRequest, str]:
    """Re-authenticate the requester and queue the job that makes the archive; returns the
    one-time password of the archive (shown once; kept encrypted on the request only until
    the job has used it). A wrong password is refused and audited (in its own transaction,
    so the refusal stays in the trail); after ``MAX_FAILURES`` the request is closed. A
    request already being prepared is refused: one job, one password."""
    now = now or timezone.now()
    with transaction.atomic():
        export = _locked(export_id)
        if not may_open_export(actor, export, now):
            if is_expired(export, now):
                raise ValidationError(_("This request has expired. Ask for a new one."))
            if export.requested_by_id != actor.user_id:
                raise PermissionDenied
            raise ValidationError(_("This request cannot be opened now."))
        if not actor.user.check_password(password or ""):
            export.failed_attempts += 1
            fields = ["failed_attempts"]
            if export.failed_attempts >= MAX_FAILURES:
                export.state = ExportState.CLOSED
                fields.append("state")
            export.save(update_fields=fields)
            audit.log(actor, "export_request.reauthentication_failed", export, fields=fields)
            closed = export.state == ExportState.CLOSED
        else:
            closed = None
    if closed is not None:
        if closed:
            raise ValidationError(
                {"password": _("The password was wrong too many times. The request is closed.")}
            )
        raise ValidationError({"password": _("The password is not right. Try again.")})

    with transaction.atomic():
        export = _locked(export_id)
        if not may_open_export(actor, export, now):  # opened meanwhile (a double tap)
            raise ValidationError(_("This request cannot be opened now."))
        chosen = parse_period(export.period)
        assert chosen is not None  # checked when it was asked for
        cases_for_export(actor, export.kind, chosen, status=export.case_status)  # may she?
        secret = one_time_password()
        prepared = jobs.prepared_file_queue(
            actor=actor,
            kind=ARCHIVE_KIND,
            task=ARCHIVE_TASK,
            file_name=f"{describe(export.kind)['name']}-{chosen.code}.zip",
            content_type="application/zip",
        )
        export.archive_password = secret
        export.prepared_file = prepared
        export.archive_name = prepared.file_name
        export.state = ExportState.PREPARING
        fields = ["archive_password", "prepared_file", "archive_name", "state"]
        export.save(update_fields=fields)
        audit.log(actor, "export_request.reauthenticated", export)
        audit.log(actor, "export_request.archive_requested", export, fields=fields)
    return export, secret


def export_archive_run(file_pk: int) -> str:
    """The job: make the workbook and its encrypted zip for the requester, if she still
    may. A second run of the same file does nothing (``jobs.prepared_file_run``); a run
    whose worker died is queued again by the "stuck files" schedule and finds the
    password still there."""
    return jobs.prepared_file_run(file_pk, _build_archive, _archive_finished)


def _build_archive(prepared: PreparedFile, progress: jobs.Progress) -> bytes:
    export = ExportRequest.objects.select_related("organisation").get(prepared_file=prepared)
    membership = Membership.objects.select_related("organisation", "user").get(
        pk=prepared.membership_id
    )
    # Closed, expired, or her role taken away between the request and the job.
    if (
        export.state != ExportState.PREPARING
        or is_expired(export)
        or not export.archive_password
        or not membership.user.is_active
        or not is_export_requester(membership, export)
    ):
        raise PermissionDenied
    chosen = parse_period(export.period)
    assert chosen is not None
    cases, zone = cases_for_export(membership, export.kind, chosen, status=export.case_status)
    total = cases.count()
    progress(0, total)
    spec = describe(export.kind)
    workbook = spec["build"](cases, zone)
    progress(total, total)
    return encrypted_zip(f"{spec['name']}-{chosen.code}.xlsx", workbook, export.archive_password)


def _archive_finished(prepared: PreparedFile, made: bool) -> bool:
    """In the transaction that stores the zip or marks the job failed: the password is
    forgotten either way. Made: the request is READY and the file lives no longer than the
    request; a zip made after the request was closed is not kept. Failed: the approval
    stays (APPROVED again, she may open it with a new password) unless the request expired
    meanwhile. Returns whether the zip is kept."""
    export = ExportRequest.objects.select_for_update().filter(prepared_file=prepared).first()
    if export is None:
        return False
    now = timezone.now()
    export.archive_password = None
    fields = ["archive_password"]
    kept = made and export.state == ExportState.PREPARING and not is_expired(export, now)
    if kept:
        export.state = ExportState.READY
        export.archived_at = now
        fields += ["state", "archived_at"]
        if prepared.expires_at is None or prepared.expires_at > export.expires_at:
            prepared.expires_at = export.expires_at
    elif export.state == ExportState.PREPARING:
        export.state = ExportState.CLOSED if is_expired(export, now) else ExportState.APPROVED
        fields.append("state")
    export.save(update_fields=fields)
    actor = Membership.objects.select_related("organisation").get(pk=prepared.membership_id)
    audit.log(
        actor,
        "export_request.archive_made" if kept else "export_request.archive_failed",
        export,
        fields=fields,
    )
    if kept:
        audit.log(
            actor, f"reports.exported_{export.kind}", export, fields=["period", "case_status"]
        )
    return kept


@transaction.atomic
def export_request_download(
    *, actor: Membership, export_id: int, now: datetime | None = None
) -> tuple[bytes, str]:
    """The encrypted archive, for its requester, before the request expires: once, when a
    job made it (``jobs.PreparedFile``); an archive made before the jobs (``archive``),
    until the request expires. Downloaded already: ValidationError."""
    export = _locked(export_id)
    if not may_download_export(actor, export, now):
        raise PermissionDenied
    if export.prepared_file is not None:
        if export.prepared_file.membership_id != actor.pk:  # made for her other role
            raise PermissionDenied
        prepared = jobs.prepared_file_download(actor=actor, pk=export.prepared_file.pk)
        if prepared is None:
            raise ValidationError(_("This file is no longer here. Ask for it again."))
        audit.log(actor, "export_request.downloaded", export, fields=["prepared_file"])
        return base64.b64decode(prepared.content), export.archive_name
    audit.log(actor, "export_request.downloaded", export, fields=["archive"])
    return bytes(export.archive or b""), export.archive_name


@transaction.atomic
def export_requests_expire(*, now: datetime | None = None) -> int:
    """Drop the archives of expired requests and close them (run by the scheduler; the
    pages already refuse an expired request)."""
    now = now or timezone.now()
    expired = ExportRequest.objects.select_for_update().filter(
        expires_at__lte=now,
        state__in=[
            ExportState.PENDING,
            ExportState.APPROVED,
            ExportState.PREPARING,
            ExportState.READY,
        ],
    )
    count = 0
    for export in expired:
        export.state = ExportState.CLOSED
        export.archive = None
        # A job that has not run by now never will (it finds the request closed).
        export.archive_password = None
        fields = ["state", "archive", "archive_password"]
        export.save(update_fields=fields)
        if export.prepared_file_id is not None:
            jobs.prepared_file_end(pk=export.prepared_file_id, at=now)
        audit.log(audit.SYSTEM, "export_request.expired", export, fields=fields)
        count += 1
    return count
