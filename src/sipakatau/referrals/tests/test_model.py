"""What the Referral model itself promises: when a referral is overdue, and that none
rests on nothing (neither consent nor a written legal basis)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from sipakatau.accounts.models import Organisation
from sipakatau.referrals.codes import ReferralStatus
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services.answering import referral_accept
from tests.factories import Persona

from .support import referral_between


def test_a_referral_is_overdue_only_while_it_waits_past_its_deadline(
    bahagia: Organisation, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    referral = referral_between(bahagia, dinsos)
    later = referral.due_at + timedelta(minutes=1)
    assert not referral.is_overdue(referral.due_at - timedelta(minutes=1))
    assert referral.is_overdue(later)
    assert list(Referral.objects.filter(Referral.overdue_q(later))) == [referral]
    referral_accept(actor=dinsos_officer.membership, referral=referral)
    assert not referral.is_overdue(later)
    assert not Referral.objects.filter(Referral.overdue_q(later)).exists()
    assert referral.status == ReferralStatus.ACCEPTED


def test_the_database_refuses_a_referral_without_consent_or_legal_basis(
    bahagia: Organisation, dinsos: Organisation
) -> None:
    referral = referral_between(bahagia, dinsos)
    assert referral.consent_id is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent=None)
    Referral.objects.filter(pk=referral.pk).update(
        consent=None, override_legal_basis="UU 12/2022 Pasal 42"
    )
