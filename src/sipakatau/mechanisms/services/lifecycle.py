"""A version's way from draft to decree: opening the discussion, approval by the Lurah,
issuance as an SK Lurah (number, PDF, verification address) and activation."""

import hashlib
import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit

from .. import numbering
from ..codes import TRANSITIONS, CommentStatus, Status
from ..documents import labels
from ..models import Decree, DecreeSequence, Mechanism, MechanismVersion
from .common import clean_text, require_drafter, require_signatory

# Who may move a version: the drafter opens and closes the discussion; approving, and
# sending an approved version back, is the Lurah's (the signatory's) decision.
SIGNATORY_MOVES = {
    (Status.IN_DISCUSSION, Status.APPROVED),
    (Status.APPROVED, Status.IN_DISCUSSION),
}


def version_transition(
    *, actor: Membership, version: MechanismVersion, to: str
) -> MechanismVersion:
    """Move a version one step (issuing is ``decree_issue``; superseding happens there)."""
    with transaction.atomic():
        version = MechanismVersion.objects.select_for_update().get(pk=version.pk)
        current = version.status
        if (current, to) in SIGNATORY_MOVES:
            require_signatory(actor, version.mechanism)
        else:
            require_drafter(actor, version.mechanism)
        if to not in TRANSITIONS.get(current, frozenset()) or to in (
            Status.ISSUED,
            Status.SUPERSEDED,
        ):
            raise ValidationError(
                _("A version that is %(current)s cannot become %(to)s.")
                % {
                    "current": Status(current).label.lower(),
                    "to": Status(to).label.lower() if to in Status.values else to,
                }
            )
        if to == Status.IN_DISCUSSION and not version.steps.exists():
            raise ValidationError(_("Add the steps of the mechanism before the discussion."))
        if to == Status.APPROVED:
            open_comments = version.comments.filter(
                reply_to__isnull=True, status__in=[CommentStatus.OPEN, CommentStatus.ANSWERED]
            ).count()
            if open_comments:
                raise ValidationError(
                    ngettext(
                        "%(count)s comment is not resolved yet. Resolve every comment "
                        "before approving.",
                        "%(count)s comments are not resolved yet. Resolve every comment "
                        "before approving.",
                        open_comments,
                    )
                    % {"count": open_comments}
                )
            version.approved_by = actor.user
            version.approved_at = timezone.now()
        if to != Status.APPROVED:
            version.approved_by = None
            version.approved_at = None
        version.status = to
        version.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit.log(actor, f"mechanism_version.{to}", version, fields=["status"])
    return version


def _take_number(mechanism: Mechanism, year: int) -> tuple[int, str]:
    """The next number of the year's register, advanced under its row lock (the caller
    holds the mechanism's lock too, so a first decree of the year cannot race either)."""
    register, _created = DecreeSequence.objects.select_for_update().get_or_create(
        mechanism=mechanism, year=year
    )
    register.last_number += 1
    register.save(update_fields=["last_number"])
    number = numbering.decree_number(
        classification_code=mechanism.classification_code,
        sequence=register.last_number,
        office_code=mechanism.office_code,
        year=year,
    )
    return register.last_number, number


def number_incomplete(mechanism: Mechanism) -> ValidationError | None:
    """The refusal to issue while the decree number has a part missing, by setting."""
    problems = numbering.number_problems(mechanism.classification_code, mechanism.office_code)
    if not problems:
        return None
    lead = _("The decree number is not complete, so the decree cannot be issued yet.")
    return ValidationError(
        {field: [f"{lead} {message}"] for field, message in problems.items()},
        code="number_incomplete",
    )


def decree_issue(
    *,
    actor: Membership,
    version: MechanismVersion,
    issued_on: date,
    signer_name: str,
    signer_nip: str = "",
    signer_title: str = "",
    signer_rank: str = "",
    base_url: str,
) -> Decree:
    """Issue an approved version as the SK Lurah and make it the active mechanism.

    Refused while the decree number is incomplete (numbering.py). The number comes from
    the year's register under a row lock, so two issues never share a number; the PDF
    is rendered once and kept, and its SHA-256 is what the verification page confirms.
    The previously issued version is superseded in the same transaction: cases opened
    from now on follow the new version, open cases keep theirs.
    """
    from ..documents import decree_pdf

    require_signatory(actor, version.mechanism)
    if (refusal := number_incomplete(version.mechanism)) is not None:
        raise refusal
    signer_name = clean_text(signer_name, "signer_name", limit=200)
    signer_nip = clean_text(signer_nip, "signer_nip", required=False, limit=30)
    if signer_nip and not signer_nip.replace(" ", "").isdigit():
        raise ValidationError({"signer_nip": _("A NIP has digits only.")})
    signer_rank = clean_text(signer_rank, "signer_rank", required=False, limit=100)
    area = version.mechanism.area
    signer_title = clean_text(
        signer_title, "signer_title", required=False, limit=200
    ) or labels.signer_title(area)
    with transaction.atomic():
        mechanism = Mechanism.objects.select_for_update().get(pk=version.mechanism_id)
        version = MechanismVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != Status.APPROVED:
            raise ValidationError(_("Only an approved version can be issued."))
        if (refusal := number_incomplete(mechanism)) is not None:
            raise refusal  # the settings changed since the first check
        sequence, number = _take_number(mechanism, issued_on.year)
        token = secrets.token_urlsafe(18)
        decree = Decree(
            version=version,
            mechanism=mechanism,
            number=number,
            sequence=sequence,
            issued_on=issued_on,
            place=mechanism.place,
            signer_name=signer_name,
            signer_nip=signer_nip,
            signer_rank=signer_rank,
            signer_title=signer_title,
            signed_by=actor.user,
            verification_token=token,
        )
        verify_url = base_url.rstrip("/") + reverse("mechanisms:decree_verify", args=[token])
        decree.pdf = decree_pdf(version=version, decree=decree, verify_url=verify_url)
        decree.pdf_sha256 = hashlib.sha256(decree.pdf).hexdigest()
        now = timezone.now()
        for previous in mechanism.versions.filter(status=Status.ISSUED):
            previous.status = Status.SUPERSEDED
            previous.superseded_at = now
            previous.save(update_fields=["status", "superseded_at", "updated_at"])
            audit.log(actor, "mechanism_version.superseded", previous, fields=["status"])
        version.status = Status.ISSUED
        version.activated_at = now
        version.save(update_fields=["status", "activated_at", "updated_at"])
        decree.save()
        audit.log(
            actor,
            "decree.issued",
            decree,
            fields=[
                "number",
                "issued_on",
                "signer_name",
                "signer_rank",
                "signer_nip",
                "pdf_sha256",
            ],
        )
        audit.log(actor, "mechanism_version.issued", version, fields=["status", "activated_at"])
    return decree
