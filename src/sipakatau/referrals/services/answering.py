"""The recipient's answers: accept or decline, then start and complete the service. For
an outside service (no inbox) the sending unit records the answer it got.

Each service is one transaction whose status guard runs on the row re-read with a lock
(``common.move``): two answers at once cannot both pass it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership

from ..codes import ReferralStatus
from ..models import Referral
from .common import (
    move,
    require_answerer,
    sender_people,
    shared_data_cleared,
    tell,
    unit_name,
)


def _tell_sender(referral: Referral, template: str) -> None:
    """ "Rujukan … diterima oleh UPTD PPA": what the recipient did, in the sender's list."""
    tell(sender_people(referral), template, referral, unit_name(referral.recipient))


@transaction.atomic
def referral_accept(*, actor: Membership, referral: Referral) -> Referral:
    require_answerer(actor, referral)
    move(
        actor,
        referral,
        "referral.accepted",
        {ReferralStatus.SENT},
        _("Only a referral waiting for an answer can be accepted."),
        status=ReferralStatus.ACCEPTED,
        answered_by=actor.user,
        answered_at=timezone.now(),
    )
    _tell_sender(referral, "referral_accepted")
    return referral


@transaction.atomic
def referral_decline(*, actor: Membership, referral: Referral, reason: str) -> Referral:
    """The recipient will not serve her: the purpose of what was shared has ended (UU
    27/2022 PDP Pasal 16 ayat (2)), so its copy goes as on a cancel. Both sides keep the
    status and the reason; the sender keeps the record of which fields went."""
    require_answerer(actor, referral)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the unit can find another service.")})
    move(
        actor,
        referral,
        "referral.declined",
        {ReferralStatus.SENT},
        _("Only a referral waiting for an answer can be declined."),
        status=ReferralStatus.DECLINED,
        decline_reason=reason.strip(),
        answered_by=actor.user,
        answered_at=timezone.now(),
        **shared_data_cleared(),
    )
    _tell_sender(referral, "referral_declined")
    return referral


@transaction.atomic
def referral_start_service(*, actor: Membership, referral: Referral) -> Referral:
    require_answerer(actor, referral)
    move(
        actor,
        referral,
        "referral.started",
        {ReferralStatus.ACCEPTED},
        _("Accept the referral before the service starts."),
        status=ReferralStatus.IN_SERVICE,
        started_at=timezone.now(),
    )
    return referral


@transaction.atomic
def referral_complete(
    *, actor: Membership, referral: Referral, service_given: str, feedback: str = ""
) -> Referral:
    """The service given and the feedback go back to the case (the unit reads them)."""
    require_answerer(actor, referral)
    if not service_given.strip():
        raise ValidationError({"service_given": _("Say what service was given.")})
    move(
        actor,
        referral,
        "referral.completed",
        {ReferralStatus.IN_SERVICE},
        _("Start the service before completing it."),
        status=ReferralStatus.COMPLETED,
        service_given=service_given.strip(),
        feedback=feedback.strip(),
        completed_at=timezone.now(),
    )
    _tell_sender(referral, "referral_completed")
    return referral
