"""API tokens: issued for username, password and second factor; short-lived, revocable,
kept only as a hash, and refused once the user or membership is no longer active."""

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sipakatau.accounts.models import ApiToken, Membership, Organisation, Role, User
from sipakatau.accounts.services.second_factor import backup_codes_regenerate
from sipakatau.accounts.services.users import user_set_active, user_set_password
from sipakatau.accounts.tokens import api_token_issue, token_hash
from sipakatau.audit.models import AuditEvent
from tests.factories import PASSWORD, Persona, make_organisation, make_user

TOKEN_URL = "/api/v1/auth/token"


def _code_for(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _ask(client: Client, **body: Any) -> Any:
    return client.post(TOKEN_URL, json.dumps(body), content_type="application/json")


def _bearer(token: str) -> Client:
    # enforce_csrf_checks: a bearer request must work without any CSRF token.
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_issues_a_token_for_password_and_totp(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")

    response = _ask(Client(), username="siti", password=PASSWORD, totp=_code_for(user))

    assert response.status_code == 201
    body = response.json()
    token = body["token"]
    assert token.startswith("spk_")
    assert body["membership"]["organisation"]["id"] == bahagia.pk
    stored = ApiToken.objects.get(user=user)
    assert stored.token_hash == token_hash(token)
    assert token not in {stored.token_hash, str(stored)}
    lifetime = stored.expires_at - stored.created_at
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    assert AuditEvent.objects.filter(action="api.token_issued", actor_id=user.pk).exists()

    me = _bearer(token).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "siti"
    assert me.json()["active_membership"]["organisation"]["id"] == bahagia.pk


def test_it_accepts_a_backup_code(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    codes = backup_codes_regenerate(user=user)

    response = _ask(Client(), username="siti", password=PASSWORD, totp=codes[0].upper())
    again = _ask(Client(), username="siti", password=PASSWORD, totp=codes[0])

    assert response.status_code == 201
    assert again.status_code == 401  # a backup code works once


def test_every_wrong_part_gets_the_same_answer(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    code = _code_for(user)

    unknown = _ask(Client(), username="nobody", password=PASSWORD, totp=code)
    wrong_password = _ask(Client(), username="siti", password="wrong password!", totp=code)
    wrong_code = _ask(Client(), username="siti", password=PASSWORD, totp="000000")

    for response in (unknown, wrong_password, wrong_code):
        assert response.status_code == 401
        assert response.json() == unknown.json()
        assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="auth.failed").count() == 3


def test_a_user_without_an_authenticator_gets_no_token(bahagia: Organisation) -> None:
    make_user(bahagia, Role.CASEWORKER, username="siti", with_totp=False)

    response = _ask(Client(), username="siti", password=PASSWORD, totp="123456")

    assert response.status_code == 401


def test_five_failures_lock_the_username_for_the_api_too(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()

    answers = [
        _ask(client, username="siti", password=f"wrong {n}", totp="000000") for n in range(5)
    ]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert answers[-1].json()["code"] == "locked_out"
    # Even the right password and code are refused while locked.
    locked = _ask(client, username="siti", password=PASSWORD, totp=_code_for(user))
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    # And an unknown username is locked the same way.
    for n in range(5):
        last = _ask(client, username="nobody", password=f"wrong {n}", totp="000000")
    assert last.status_code == 429
    assert last.json() == locked.json()


def test_wrong_codes_count_towards_the_lockout(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    client = Client()

    for _ in range(4):
        assert _ask(client, username="siti", password=PASSWORD, totp="000000").status_code == 401
    fifth = _ask(client, username="siti", password=PASSWORD, totp="000000")

    assert fifth.status_code == 429
    assert _ask(client, username="siti", password=PASSWORD, totp=_code_for(user)).status_code == 429


def test_an_expired_token_is_refused(bahagia_caseworker: Persona) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    ApiToken.objects.filter(pk=issued.api_token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert _bearer(issued.token).get("/api/v1/me").status_code == 401


def test_delete_revokes_the_token_of_the_request(bahagia_caseworker: Persona) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    other = api_token_issue(membership=bahagia_caseworker.membership)
    client = _bearer(issued.token)

    response = client.delete(TOKEN_URL)

    assert response.status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert client.delete(TOKEN_URL).status_code == 401
    assert _bearer(other.token).get("/api/v1/me").status_code == 200
    assert AuditEvent.objects.filter(
        action="api.token_revoked", object_id=str(issued.api_token.pk)
    ).exists()


def test_delete_needs_a_bearer_token(bahagia_caseworker: Persona) -> None:
    assert bahagia_caseworker.client.delete(TOKEN_URL).status_code == 401


def test_a_disabled_users_token_is_refused(
    bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    user_set_active(actor=bahagia_admin.membership, user=bahagia_caseworker.user, active=False)

    assert _bearer(issued.token).get("/api/v1/me").status_code == 401


def test_a_password_reset_ends_the_users_tokens(
    bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    user_set_password(
        actor=bahagia_admin.membership,
        user=bahagia_caseworker.user,
        password="kopi susu gula aren 77",
    )

    assert _bearer(issued.token).get("/api/v1/me").status_code == 401


def test_a_token_stops_with_its_membership(
    bahagia_caseworker: Persona, bahagia_admin: Persona
) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    Membership.objects.filter(pk=bahagia_caseworker.membership.pk).update(is_active=False)

    assert _bearer(issued.token).get("/api/v1/me").status_code == 401


def test_a_token_acts_through_the_chosen_membership(bahagia: Organisation) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")
    other = make_organisation("LBK-KK Sejahtera")
    second = Membership.objects.create(user=user, organisation=other, role=Role.VOLUNTEER)

    chosen = _ask(
        Client(), username="siti", password=PASSWORD, totp=_code_for(user), membership_id=second.pk
    )

    assert chosen.status_code == 201
    me = _bearer(chosen.json()["token"]).get("/api/v1/me").json()
    assert me["active_membership"]["id"] == second.pk


def test_a_membership_that_is_not_the_users_is_refused(
    bahagia: Organisation, ikhlas_caseworker: Persona
) -> None:
    user = make_user(bahagia, Role.CASEWORKER, username="siti")

    response = _ask(
        Client(),
        username="siti",
        password=PASSWORD,
        totp=_code_for(user),
        membership_id=ikhlas_caseworker.membership.pk,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "membership_id"
    assert not ApiToken.objects.exists()


def test_an_unknown_token_is_refused(db: None) -> None:
    assert _bearer("spk_not-a-real-token").get("/api/v1/me").status_code == 401
    assert _bearer("not even the format").get("/api/v1/me").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(bahagia_caseworker: Persona) -> None:
    issued = api_token_issue(membership=bahagia_caseworker.membership)
    client = _bearer(issued.token)

    client.get("/api/v1/me")
    first = ApiToken.objects.get(pk=issued.api_token.pk).last_used_at
    client.get("/api/v1/me")
    second = ApiToken.objects.get(pk=issued.api_token.pk).last_used_at

    assert first is not None
    assert second == first
    ApiToken.objects.filter(pk=issued.api_token.pk).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=issued.api_token.pk).last_used_at > first  # type: ignore[operator]
