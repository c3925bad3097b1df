"""Role requests reach the unit's coordinators in their notifications (issue 18): who
and where, never anything about a case."""

from sipakatau.accounts.models import Organisation, Role, RoleRequest
from sipakatau.accounts.services import memberships, role_requests
from sipakatau.notifications.models import Notification
from sipakatau.notifications.templates import render
from tests.factories import Persona


def test_the_coordinators_are_told_of_a_request_and_of_its_decision(
    city_admin: Persona, coordinator: Persona, bahagia: Organisation
) -> None:
    request = memberships.membership_grant(
        actor=city_admin.membership,
        user=city_admin.user,
        organisation=bahagia,
        role=Role.CASEWORKER,
    )
    assert isinstance(request, RoleRequest)

    told = Notification.objects.get(recipient=coordinator.user)
    assert told.template == "role_requested"
    assert set(told.context) == {"username", "unit_name", "link"}
    assert "kota.admin" in render(told.template, told.context)

    role_requests.role_request_decide(actor=coordinator.membership, request=request, approve=True)

    decided = Notification.objects.get(recipient=city_admin.user)
    assert decided.template == "role_request_decided"
    assert not Notification.objects.filter(recipient=coordinator.user).exclude(pk=told.pk).exists()
