"""Two people move the same proposal batch at the same moment (the coordinator on her
phone, another coordinator at the posko): the state guard runs on the row re-read with
a lock, so exactly one step is taken, once, and the other hears why in plain words."""

import pytest
from django.core.exceptions import ValidationError

from sipakatau.audit.models import AuditEvent
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from sipakatau.social import services
from sipakatau.social.models import ProposalBatch
from tests.factories import Persona

from .conftest import household, programme
from .test_batches import new_batch

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgresql_only(shared_database: None) -> None:
    skip_on_sqlite()


def test_two_people_moving_a_batch_at_once_move_it_once(
    bahagia_coordinator: Persona, second_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    coordinator = bahagia_coordinator.membership
    for round_ in range(ROUNDS):
        # Given a draft batch with one household, loaded by two people's requests
        from datetime import date

        batch = new_batch(
            bahagia_coordinator, ws, dinsos_officer.organisation, month=date(2024, round_ + 1, 1)
        )
        services.batch_add_item(
            actor=coordinator,
            batch=batch,
            household=household(coordinator, ws),
            programme=programme("PKH"),
        )
        for_coordinator = ProposalBatch.objects.get(pk=batch.pk)
        for_other = ProposalBatch.objects.get(pk=batch.pk)

        # when both press "go to the musyawarah" at the same moment
        outcomes = at_once(
            lambda b=for_coordinator: services.batch_advance(
                actor=coordinator, batch=b, to_state="MUSYAWARAH"
            ),
            lambda b=for_other: services.batch_advance(
                actor=second_coordinator.membership, batch=b, to_state="MUSYAWARAH"
            ),
        )

        # then one step is taken and recorded once, and the other is refused with a reason
        refusals = [result for result in outcomes if isinstance(result, ValidationError)]
        assert len(refusals) == 1, outcomes
        assert not any(
            isinstance(result, BaseException) and not isinstance(result, ValidationError)
            for result in outcomes
        ), outcomes
        assert refusals[0].messages
        assert ProposalBatch.objects.get(pk=batch.pk).state == "MUSYAWARAH"
        assert (
            AuditEvent.objects.filter(
                action="proposal_batch.advanced",
                object_type="social.proposalbatch",
                object_id=str(batch.pk),
            ).count()
            == 1
        )
