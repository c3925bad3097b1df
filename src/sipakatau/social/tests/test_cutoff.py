"""The monthly cut-off: shown on the batch, configurable, late batches escalated once."""

from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from sipakatau.notifications.models import Notification
from sipakatau.social import services
from sipakatau.social.services.common import cutoff_for
from sipakatau.social.services.deadlines import is_late, late_batches
from tests.factories import Persona

from .conftest import household, programme
from .test_batches import _at_input_siks, new_batch


def test_the_cutoff_is_the_17th_unless_configured_and_fits_the_month() -> None:
    assert cutoff_for(date(2025, 5, 1)) == date(2025, 5, 17)
    with override_settings(SIPAKATAU_PROPOSAL_CUTOFF_DAY=31):
        assert cutoff_for(date(2025, 2, 1)) == date(2025, 2, 28)
    with override_settings(SIPAKATAU_PROPOSAL_CUTOFF_DAY=10):
        assert cutoff_for(date(2025, 5, 1)) == date(2025, 5, 10)


def test_a_batch_still_being_prepared_after_its_cutoff_is_late_and_escalated_once(
    bahagia_coordinator: Persona,
    ws_staff: Persona,
    lurah: Persona,
    bahagia_caseworker: Persona,
    dinsos_officer: Persona,
    ws,
) -> None:
    with override_settings(SIPAKATAU_PROPOSAL_CUTOFF_DAY=12):
        batch = new_batch(
            bahagia_coordinator, ws, dinsos_officer.organisation, month=date(2025, 5, 1)
        )
    assert batch.cutoff_on == date(2025, 5, 12)
    assert not is_late(batch, today=date(2025, 5, 12))
    assert is_late(batch, today=date(2025, 5, 13))
    assert list(late_batches(date(2025, 5, 13))) == [batch]

    after = timezone.make_aware(datetime(2025, 5, 13, 9, 0))
    assert services.batches_escalate(now=after) == 1
    assert services.batches_escalate(now=after + timedelta(hours=1)) == 0
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    # The kelurahan's officers (the Lurah too) and the unit's coordinator; not the caseworker
    assert told == {bahagia_coordinator.user.pk, ws_staff.user.pk, lurah.user.pk}
    message = Notification.objects.first()
    assert message is not None and "USULAN-73.72.03.1003-2025-05" in str(message.context)


def test_a_batch_entered_in_siks_before_its_cutoff_is_not_late(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    batch = _at_input_siks(bahagia_coordinator, dinsos_officer, ws)  # January 2025
    assert batch.state == "INPUT_SIKS"
    assert not is_late(batch, today=date(2025, 12, 31))
    assert services.batches_escalate() == 0


@pytest.mark.parametrize("state", ["DRAFT", "MUSYAWARAH", "VERVAL"])
def test_every_preparing_state_counts_as_late(
    state: str, bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    batch = new_batch(bahagia_coordinator, ws, dinsos_officer.organisation, month=date(2025, 1, 1))
    services.batch_add_item(
        actor=bahagia_coordinator.membership,
        batch=batch,
        household=household(bahagia_coordinator.membership, ws),
        programme=programme("PKH"),
    )
    batch.state = state
    assert is_late(batch, today=date(2025, 1, 18))
