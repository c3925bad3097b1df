"""A closure approved while a referral is being made for the case: both services lock the
case row before their guard (the closure counts open referrals, the referral reads the
status), so never both succeed and the loser is refused in plain words."""

import pytest
from django.core.exceptions import ValidationError

from sipakatau.accounts.models import Organisation, OrganisationType
from sipakatau.cases.models import Case, Closure, Status
from sipakatau.cases.services import workflow
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


def test_a_closure_approved_while_a_referral_is_made_never_lets_both_through(
    bahagia_caseworker: Persona, coordinator: Persona, dinsos: Organisation
) -> None:
    worker = bahagia_caseworker.membership
    provider = provider_for(dinsos)
    for _round in range(ROUNDS):
        # Given a case whose closure waits for approval, with no referral open yet
        case, victim = case_with_victim(worker)
        consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
        closure = workflow.closure_request(
            actor=worker, case=case, reason="NOT_A_CASE", summary="Sudah selesai"
        )
        for_coordinator = Closure.objects.select_related("case").get(pk=closure.pk)
        for_worker = Case.objects.get(pk=case.pk)

        # when the coordinator approves it while the caseworker refers the case
        approved, referred = at_once(
            lambda c=for_coordinator: workflow.closure_decide(
                actor=coordinator.membership, closure=c, approve=True
            ),
            lambda c=for_worker: refer(worker, c, provider),
        )

        # then one of them is refused with the rule, and the case is never closed with an
        # open referral
        outcomes = [approved, referred]
        refusals = [result for result in outcomes if isinstance(result, ValidationError)]
        assert len(refusals) == 1, outcomes
        closed = Case.objects.get(pk=case.pk).status == Status.CLOSED
        open_referrals = Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()
        if refusals[0] is referred:
            assert refusals[0].messages == ["This case is closed. Reopen it first."]
            assert closed and open_referrals == 0
        else:
            assert refusals[0].messages == [
                "Some referrals are still open. Finish or withdraw them first."
            ]
            assert not closed and open_referrals == 1
