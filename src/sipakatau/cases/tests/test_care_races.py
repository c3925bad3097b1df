"""Casework state changes sent twice, or against each other, at the same moment (issue 18,
concurrency): each service re-reads its row with a lock inside its transaction before its
guard, so one wins and the other is refused in plain words or sees the winner's state.
PostgreSQL only: SQLite lets one writer at a time."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Consent, FollowUp
from sipakatau.cases.services import care
from sipakatau.referrals.codes import OPEN_STATUSES
from sipakatau.referrals.models import Referral
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from sipakatau.referrals.tests.support import (
    case_with_victim,
    consent_for_referral,
    provider_for,
    refer,
    referral_rules,  # noqa: F401 (fixture)
)
from tests.factories import Persona

ROUNDS = 5


@pytest.fixture(autouse=True)
def _postgresql_only(
    shared_database: None,
    referral_rules: None,  # noqa: F811
    deadline_rules: None,
) -> None:
    skip_on_sqlite()


def _refusals(outcomes: list[object]) -> list[ValidationError]:
    assert not any(
        isinstance(result, BaseException) and not isinstance(result, ValidationError)
        for result in outcomes
    ), outcomes
    return [result for result in outcomes if isinstance(result, ValidationError)]


def test_a_consent_withdrawn_while_a_referral_is_made_on_it_leaves_no_open_referral(
    bahagia_caseworker: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    provider = provider_for(dinsos)
    for _round in range(ROUNDS):
        # Given a case whose victim consented to a referral to social services
        case, victim = case_with_victim(worker)
        consent = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
        for_withdrawal = Consent.objects.select_related("case").get(pk=consent.pk)

        # when she withdraws it while the caseworker refers the case on it
        withdrawn, referred = at_once(
            lambda c=for_withdrawal: care.consent_withdraw(
                actor=worker, consent=c, reason="Berubah pikiran"
            ),
            lambda c=case: refer(worker, c, provider),
        )

        # then either the referral was refused for want of consent, or it was made first
        # and the withdrawal withdrew it: never an open referral on a withdrawn consent
        refusals = _refusals([withdrawn, referred])
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
        still_open = Referral.objects.filter(case=case, status__in=OPEN_STATUSES)
        assert list(still_open) == [], (refusals, list(still_open.values("status", "consent")))


def test_two_withdrawals_of_one_consent_at_once_are_recorded_once(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    worker = bahagia_caseworker.membership
    for _round in range(ROUNDS):
        case, victim = case_with_victim(worker)
        consent = consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
        first = Consent.objects.select_related("case").get(pk=consent.pk)
        second = Consent.objects.select_related("case").get(pk=consent.pk)

        results = at_once(
            lambda c=first: care.consent_withdraw(actor=worker, consent=c, reason="Pertama"),
            lambda c=second: care.consent_withdraw(
                actor=coordinator.membership, consent=c, reason="Kedua"
            ),
        )

        # then the first withdrawal stands (its time and reason), with one audit event
        assert _refusals(results) == []
        stored = Consent.objects.get(pk=consent.pk)
        assert stored.withdrawn_reason in {"Pertama", "Kedua"}
        events = AuditEvent.objects.filter(
            action="consent.withdrawn", object_id=str(consent.pk)
        ).count()
        assert events == 1
        for result in results:
            assert isinstance(result, Consent)
            assert result.withdrawn_reason == stored.withdrawn_reason


def test_one_follow_up_recorded_twice_at_once_keeps_the_first_and_refuses_the_second(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    worker = bahagia_caseworker.membership
    for _round in range(ROUNDS):
        # Given a follow-up planned for the caseworker, open on two of her devices
        case, _victim = case_with_victim(worker)
        planned = care.follow_up_plan(
            actor=coordinator.membership,
            case=case,
            assigned_to=bahagia_caseworker.user,
            due_on=timezone.localdate() + timedelta(days=1),
        )
        on_phone = FollowUp.objects.select_related("case").get(pk=planned.pk)
        on_laptop = FollowUp.objects.select_related("case").get(pk=planned.pk)

        # when both record it at the same moment
        results = at_once(
            lambda f=on_phone: care.follow_up_record(actor=worker, follow_up=f, summary="Telepon"),
            lambda f=on_laptop: care.follow_up_record(
                actor=worker, follow_up=f, summary="Kunjungan"
            ),
        )

        # then one is kept and the other is told it is already recorded
        refusals = _refusals(results)
        assert len(refusals) == 1, results
        assert refusals[0].messages == ["This follow-up is already recorded."]
        stored = FollowUp.objects.get(pk=planned.pk)
        winner = next(result for result in results if isinstance(result, FollowUp))
        assert stored.summary == winner.summary
        events = AuditEvent.objects.filter(
            action="follow_up.recorded", object_id=str(planned.pk)
        ).count()
        assert events == 1
