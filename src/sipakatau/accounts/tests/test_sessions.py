"""Sessions end when they should: idle timeout, disabling, fewer rights."""

from django.conf import settings
from django.urls import reverse

from sipakatau.accounts.models import Membership, Role
from sipakatau.accounts.services.memberships import membership_change
from sipakatau.accounts.services.users import user_set_active
from tests.factories import Persona

HOME = reverse("accounts:home")


def test_a_disabled_user_loses_every_session(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    from tests.factories import signed_in_client

    second_device = signed_in_client(bahagia_caseworker.user)
    assert bahagia_caseworker.client.get(HOME).status_code == 200
    assert second_device.get(HOME).status_code == 200

    response = bahagia_admin.client.post(
        reverse("accounts:user_set_active", args=[bahagia_caseworker.user.pk]), {"active": "0"}
    )

    assert response.status_code == 302
    for client in (bahagia_caseworker.client, second_device):
        answer = client.get(HOME)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("accounts:login"))


def test_enabling_again_does_not_revive_old_sessions(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    user_set_active(actor=bahagia_admin.membership, user=bahagia_caseworker.user, active=False)
    user_set_active(actor=bahagia_admin.membership, user=bahagia_caseworker.user, active=True)

    assert bahagia_caseworker.client.get(HOME).status_code == 302


def test_a_role_change_ends_the_sessions_of_that_user(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    membership = Membership.objects.get(user=bahagia_caseworker.user)

    membership_change(
        actor=bahagia_admin.membership,
        membership=membership,
        role=Role.VOLUNTEER,
        is_signatory=False,
        is_active=True,
    )

    assert bahagia_caseworker.client.get(HOME).status_code == 302
    assert bahagia_admin.client.get(HOME).status_code == 200


def test_sessions_expire_after_the_idle_timeout(bahagia_caseworker: Persona) -> None:
    response = bahagia_caseworker.client.get(HOME)

    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert bahagia_caseworker.client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_signing_out_ends_the_session(bahagia_caseworker: Persona) -> None:
    bahagia_caseworker.client.post(reverse("accounts:logout"))

    assert bahagia_caseworker.client.get(HOME).status_code == 302
