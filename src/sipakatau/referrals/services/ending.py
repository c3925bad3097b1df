"""Ending a referral from the sender's side: cancelling it, or withdrawing what rested on
a consent that was withdrawn."""

from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.cases.codes import ConsentPurpose
from sipakatau.cases.models import Consent
from sipakatau.cases.services.care import has_consent

from ..codes import OPEN_STATUSES, ReferralStatus
from ..models import Referral
from .common import (
    agency_people,
    move,
    require_sender,
    shared_data_cleared,
    tell,
    unit_name,
)


def _end(actor: Membership, referral: Referral, status: str, action: str) -> Referral:
    # The recipient's copy goes: the purpose has ended (UU 27/2022 PDP Pasal 16 ayat (2))
    # or consent is withdrawn (Pasal 40). The field codes stay, so the record still says
    # what had been shared (``common.shared_data_cleared``, which a decline uses too).
    move(
        actor,
        referral,
        action,
        OPEN_STATUSES,
        _("This referral is already finished."),
        status=status,
        **shared_data_cleared(),
    )
    tell(
        agency_people(referral.recipient_id),
        "referral_withdrawn",
        referral,
        unit_name(referral.sender),
    )
    return referral


@transaction.atomic
def referral_cancel(*, actor: Membership, referral: Referral) -> Referral:
    require_sender(actor, referral)
    return _end(actor, referral, ReferralStatus.CANCELLED, "referral.cancelled")


@transaction.atomic
def referral_withdraw_for_consent(*, consent: Consent, actor: Membership) -> int:
    """Withdraw the open referrals that rested on ``consent``, or that no longer rest on
    the consent of every victim now that it is withdrawn. A referral made on another
    lawful basis (an override) did not rest on consent and stays."""
    if consent.purpose != ConsentPurpose.REFERRAL or consent.withdrawn_at is None:
        return 0
    still_covered = has_consent(consent.case, ConsentPurpose.REFERRAL, consent.recipient_type)
    # Locked as they are read: one answered or cancelled meanwhile is skipped (its status
    # is read again once the lock is granted), rather than refusing the withdrawal.
    referrals = (
        Referral.objects.select_for_update(of=("self",))
        .filter(
            case_id=consent.case_id,
            status__in=OPEN_STATUSES,
            consent__isnull=False,
            recipient_type=consent.recipient_type,
        )
        .select_related("sender", "case")
    )
    count = 0
    for referral in list(referrals):
        if still_covered and referral.consent_id != consent.pk:
            continue
        _end(actor, referral, ReferralStatus.WITHDRAWN, "referral.withdrawn")
        count += 1
    return count


def on_consent_withdrawn(consent: Consent, actor: Membership) -> None:
    """The hook ``cases.services.care.consent_withdraw`` calls in its transaction."""
    referral_withdraw_for_consent(consent=consent, actor=actor)
