"""Two answers to one referral at the same moment: the status guard runs on the row
re-read with a lock, so exactly one wins and the other is refused in plain words."""

import pytest
from django.core.exceptions import ValidationError

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.referrals.codes import ReferralStatus
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services.answering import referral_accept, referral_decline
from tests.factories import Persona

from .races import at_once, skip_on_sqlite
from .support import case_with_victim, consent_for_referral, provider_for, refer

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgresql_only(shared_database: None) -> None:
    skip_on_sqlite()


def test_accept_and_decline_at_once_one_wins_and_the_other_is_refused(
    bahagia_caseworker: Persona,
    dinsos: Organisation,
    dinsos_officer: Persona,
    dinsos_manager: Persona,
) -> None:
    worker = bahagia_caseworker.membership
    for _round in range(ROUNDS):
        # Given a referral waiting for an answer, loaded by two officers' requests
        case, victim = case_with_victim(worker)
        consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
        sent = refer(worker, case, provider_for(dinsos))
        for_officer = Referral.objects.get(pk=sent.pk)
        for_manager = Referral.objects.get(pk=sent.pk)

        # when one accepts and the other declines at the same moment
        accepted, declined = at_once(
            lambda r=for_officer: referral_accept(actor=dinsos_officer.membership, referral=r),
            lambda r=for_manager: referral_decline(
                actor=dinsos_manager.membership, referral=r, reason="Kuota penuh"
            ),
        )

        # then exactly one wins, the other hears why, and the status is the winner's
        outcomes = [accepted, declined]
        refusals = [result for result in outcomes if isinstance(result, ValidationError)]
        assert len(refusals) == 1, outcomes
        assert not any(
            isinstance(result, BaseException) and not isinstance(result, ValidationError)
            for result in outcomes
        ), outcomes
        final = Referral.objects.get(pk=sent.pk).status
        if refusals[0] is declined:
            assert refusals[0].messages == [
                "Only a referral waiting for an answer can be declined."
            ]
            assert final == ReferralStatus.ACCEPTED
        else:
            assert refusals[0].messages == [
                "Only a referral waiting for an answer can be accepted."
            ]
            assert final == ReferralStatus.DECLINED
