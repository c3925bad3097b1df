"""Two coordinators press Approve and Refuse on the same role request at the same moment
(PostgreSQL, two threads): the request is decided once, by one of them, with one audit
event, and the other is told it was already decided."""

from functools import partial

import pytest
from django.core.exceptions import ValidationError

from sipakatau.accounts.models import Organisation, Role, RoleRequest, RoleRequestStatus
from sipakatau.accounts.services import role_requests, users
from sipakatau.audit.models import AuditEvent
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from tests.factories import Persona

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgresql_only(shared_database: None) -> None:
    skip_on_sqlite()


def test_two_deciders_at_once_decide_a_role_request_once(
    city_admin: Persona,
    bahagia: Organisation,
    coordinator: Persona,
    second_coordinator: Persona,
) -> None:
    for round_ in range(ROUNDS):
        # Given a new kader's role waiting for a second person
        user = users.user_create(
            actor=city_admin.membership,
            username=f"kader.baru{round_}",
            full_name="Kader Baru",
            password="kopi susu gula aren 77",
            organisation=bahagia,
            role=Role.VOLUNTEER,
        )
        request = RoleRequest.objects.get(user=user)
        for_first = RoleRequest.objects.get(pk=request.pk)
        for_second = RoleRequest.objects.get(pk=request.pk)

        # When one coordinator approves while the other refuses, at the same moment
        outcomes = at_once(
            partial(
                role_requests.role_request_decide,
                actor=coordinator.membership,
                request=for_first,
                approve=True,
            ),
            partial(
                role_requests.role_request_decide,
                actor=second_coordinator.membership,
                request=for_second,
                approve=False,
            ),
        )

        # Then exactly one decision stands, recorded once; the other hears why
        refusals = [result for result in outcomes if isinstance(result, ValidationError)]
        assert len(refusals) == 1, outcomes
        assert "already decided" in " ".join(refusals[0].messages)
        request.refresh_from_db()
        assert request.status in (RoleRequestStatus.APPROVED, RoleRequestStatus.REFUSED)
        decided = AuditEvent.objects.filter(
            action__in=["role_request.approved", "role_request.refused"],
            object_id=str(request.pk),
        )
        assert decided.count() == 1
