"""A role that reads case content needs a second person (issue 18, first hole).

``kota.admin`` could give herself a caseworker membership in a unit, switch to it and open
a case. Now every path that would leave an account active in such a role — or in the
administrator role — opens a request that the unit's coordinator or another administrator
decides; never the one who asked, never the one who would receive it.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts import permissions, urls
from sipakatau.accounts.api import auth_router, me_router
from sipakatau.accounts.api import router as accounts_router
from sipakatau.accounts.models import (
    Membership,
    Organisation,
    Role,
    RoleRequest,
    RoleRequestKind,
    RoleRequestStatus,
    User,
)
from sipakatau.accounts.permissions import CASE_CONTENT_ROLES, ROLES_NEEDING_APPROVAL
from sipakatau.accounts.queries import memberships_of
from sipakatau.accounts.services import memberships, role_requests, users
from sipakatau.accounts.services.setup import totp_device_install
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case
from tests.builders import bearer, open_case, post
from tests.factories import Persona, make_persona, signed_in_client

NEW_PASSWORD = "kopi susu gula aren 77"


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """What the accounts app hands to the notifications app (which registers ``notify``)."""
    calls: list[dict[str, Any]] = []

    def record(*, users: list[User], template: str, context: dict[str, str]) -> None:
        calls.append({"users": set(users), "template": template, "context": dict(context)})

    monkeypatch.setattr(role_requests, "announcers", [record])
    yield calls


@pytest.fixture
def case(bahagia_caseworker: Persona) -> Case:
    return open_case(bahagia_caseworker.membership)


def switch(persona: Persona, membership: Membership) -> None:
    persona.client.post(reverse("accounts:switch_membership"), {"membership": membership.pk})


def reads_case(client: Client, case: Case) -> bool:
    status = client.get(reverse("cases:case_detail", args=[case.pk])).status_code
    # 302: to the sign-in or the home page (no membership to act through).
    assert status in (200, 302, 403, 404), status
    return status == 200


def grant_page(admin: Persona, user: User, organisation: Organisation, role: str) -> Any:
    return admin.client.post(
        reverse("accounts:membership_grant", args=[user.pk]),
        {"organisation": organisation.pk, "role": role},
    )


def decide_page(persona: Persona, request: RoleRequest, decision: str = "approve") -> Any:
    return persona.client.post(
        reverse("accounts:role_request_decide", args=[request.pk]), {"decision": decision}
    )


def content_roles_held(user: User) -> set[tuple[int, str]]:
    """The (organisation, role) pairs through which ``user`` could act and that need a
    second person (an administrator's own admin membership aside)."""
    return {
        (m.organisation_id, m.role) for m in memberships_of(user) if m.role in CASE_CONTENT_ROLES
    }


# --- The bundle -----------------------------------------------------------------------------


def test_every_bundle_that_reads_case_or_referral_content_needs_approval() -> None:
    reading = (
        permissions.WORK_ON_CASES
        | permissions.BROWSE_CASES
        | permissions.MANAGE_CASE
        | permissions.REFER_CASE
        | permissions.ANSWER_REFERRAL
        | permissions.HANDLE_PUBLIC_REPORTS
        | permissions.RECORD_PEOPLE
        | permissions.EXPORT_CASE_LIST
        | permissions.APPROVE_CLOSURE
    )

    assert reading <= CASE_CONTENT_ROLES
    assert Role.ADMIN in ROLES_NEEDING_APPROVAL
    assert not {Role.AUDITOR, Role.VILLAGE_OFFICER} & ROLES_NEEDING_APPROVAL


# --- The hole of issue 18 -------------------------------------------------------------------


def test_an_admin_who_grants_herself_a_caseworker_role_reads_no_case_until_a_coordinator_approves(
    city_admin: Persona,
    bahagia: Organisation,
    coordinator: Persona,
    case: Case,
    announced: list[dict[str, Any]],
) -> None:
    # Given kota.admin gives herself a caseworker membership in LBK-KK Bahagia
    response = grant_page(city_admin, city_admin.user, bahagia, Role.CASEWORKER)

    assert response.status_code == 302
    waiting = Membership.objects.get(user=city_admin.user, organisation=bahagia)
    request = RoleRequest.objects.get(membership=waiting)
    assert (waiting.is_active, request.status) == (False, RoleRequestStatus.PENDING)
    assert AuditEvent.objects.filter(
        action="role_request.created", object_id=str(request.pk)
    ).exists()
    # When she switches to it and opens the case, the switch does not happen
    switch(city_admin, waiting)
    assert not reads_case(city_admin.client, case)
    # And she cannot approve it herself, on the page or through the API
    decide_page(city_admin, request)
    assert (
        post(city_admin.client, f"/api/v1/accounts/role-requests/{request.pk}/approve").status_code
        == 422
    )
    request.refresh_from_db()
    assert request.status == RoleRequestStatus.PENDING
    assert not reads_case(city_admin.client, case)

    # The coordinator was told (a username and the unit, nothing about any case)
    told = announced[0]
    assert told["template"] == "role_requested"
    assert told["users"] == {coordinator.user}
    assert set(told["context"]) == {"username", "unit_name", "link"}
    assert told["context"]["username"] == city_admin.user.username

    # Then the coordinator approves; only now does the switch open the case
    assert decide_page(coordinator, request).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RoleRequestStatus.APPROVED, coordinator.user)
    assert AuditEvent.objects.filter(
        action="role_request.approved", object_id=str(request.pk), actor_id=coordinator.user.pk
    ).exists()
    assert announced[-1]["template"] == "role_request_decided"
    assert announced[-1]["users"] == {city_admin.user}  # the decider knows already
    switch(city_admin, waiting)
    assert reads_case(city_admin.client, case)


def test_a_new_user_with_a_content_role_has_no_access_until_approved(
    city_admin: Persona, bahagia: Organisation, coordinator: Persona, case: Case
) -> None:
    response = city_admin.client.post(
        reverse("accounts:user_create"),
        {
            "username": "boneka",
            "full_name": "Boneka",
            "password": NEW_PASSWORD,
            "organisation": bahagia.pk,
            "role": Role.CASEWORKER,
        },
    )

    user = User.objects.get(username="boneka")
    assert response.status_code == 302
    assert city_admin.client.get(response["Location"]).status_code == 200
    assert not memberships_of(user).exists()
    assert not reads_case(signed_in_client_for(user), case)

    role_requests.role_request_decide(
        actor=coordinator.membership,
        request=RoleRequest.objects.get(user=user),
        approve=True,
    )

    assert content_roles_held(user) == {(bahagia.pk, Role.CASEWORKER)}
    assert reads_case(signed_in_client_for(user), case)


def signed_in_client_for(user: User) -> Client:
    """A fresh browser signed in as ``user`` (as read now: a reset changed its session
    hash), the way whoever knows the password would sign in."""
    user = User.objects.get(pk=user.pk)
    totp_device_install(user=user, key_hex=f"{user.pk:040x}")
    return signed_in_client(user)


def test_user_create_through_the_api_answers_202_with_the_request(
    city_admin: Persona, bahagia: Organisation
) -> None:
    payload = {
        "username": "api.kader",
        "full_name": "Kader",
        "password": NEW_PASSWORD,
        "organisation_id": bahagia.pk,
        "role": Role.VOLUNTEER,
    }

    response = post(bearer(city_admin), "/api/v1/accounts/users", payload)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["user"]["username"] == "api.kader"
    assert body["role_request"]["status"] == RoleRequestStatus.PENDING
    assert body["role_request"]["role"] == Role.VOLUNTEER
    assert not memberships_of(User.objects.get(username="api.kader")).exists()


def test_a_role_without_case_content_is_given_at_once(
    city_admin: Persona, kelurahan_ws: Organisation, bahagia_volunteer: Persona
) -> None:
    granted = memberships.membership_grant(
        actor=city_admin.membership,
        user=bahagia_volunteer.user,
        organisation=kelurahan_ws,
        role=Role.VILLAGE_OFFICER,
    )

    assert isinstance(granted, Membership) and granted.is_active
    assert not RoleRequest.objects.exists()


def test_a_role_change_to_a_content_role_waits_and_the_old_role_stays(
    city_admin: Persona, bahagia: Organisation, coordinator: Persona, case: Case
) -> None:
    # Given the admin holds a role without case content in the unit (given at once)
    held = memberships.membership_grant(
        actor=city_admin.membership,
        user=city_admin.user,
        organisation=bahagia,
        role=Role.VILLAGE_OFFICER,
    )
    assert isinstance(held, Membership)

    # When she changes it to caseworker on the page (acting as the city's administrator)
    switch(city_admin, city_admin.membership)
    response = city_admin.client.post(
        reverse("accounts:membership_change", args=[held.pk]),
        {"role": Role.CASEWORKER, "is_active": "on"},
    )

    # Then it is still what it was, and the case stays closed to her
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.role, held.is_active) == (Role.VILLAGE_OFFICER, True)
    request = RoleRequest.objects.get(membership=held)
    assert request.kind == RoleRequestKind.CHANGE
    switch(city_admin, held)
    assert not reads_case(city_admin.client, case)

    role_requests.role_request_decide(actor=coordinator.membership, request=request, approve=True)

    held.refresh_from_db()
    assert held.role == Role.CASEWORKER
    # Her sessions ended with the old role's rights; a new one reads the case.
    assert reads_case(signed_in_client_for(city_admin.user), case)


def test_fewer_rights_take_effect_at_once(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    changed = memberships.membership_change(
        actor=bahagia_admin.membership,
        membership=bahagia_caseworker.membership,
        role=Role.VOLUNTEER,
        is_signatory=False,
        is_active=True,
    )

    assert isinstance(changed, Membership) and changed.role == Role.VOLUNTEER
    assert not RoleRequest.objects.exists()


def test_deactivating_again_is_direct_and_reactivating_waits(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    membership = bahagia_caseworker.membership
    memberships.membership_change(
        actor=bahagia_admin.membership,
        membership=membership,
        role=Role.CASEWORKER,
        is_signatory=False,
        is_active=False,
    )
    again = memberships.membership_change(
        actor=bahagia_admin.membership,
        membership=membership,
        role=Role.CASEWORKER,
        is_signatory=False,
        is_active=True,
    )

    assert isinstance(again, RoleRequest) and again.kind == RoleRequestKind.RESTORE
    membership.refresh_from_db()
    assert not membership.is_active


# --- Who decides ----------------------------------------------------------------------------


@pytest.mark.usefixtures("in_english")
def test_the_requester_and_the_user_concerned_cannot_decide(
    city_admin: Persona, bahagia_admin: Persona, bahagia: Organisation
) -> None:
    # The city admin asks for the bahagia admin: neither of the two may decide.
    request = memberships.membership_change(
        actor=city_admin.membership,
        membership=bahagia_admin.membership,
        role=Role.COORDINATOR,
        is_signatory=False,
        is_active=True,
    )
    assert isinstance(request, RoleRequest)

    for persona in (city_admin, bahagia_admin):
        with pytest.raises(ValidationError, match="Another person must decide"):
            role_requests.role_request_decide(
                actor=persona.membership, request=request, approve=True
            )
    request.refresh_from_db()
    assert request.status == RoleRequestStatus.PENDING


def test_another_admin_who_manages_the_unit_may_approve(
    city_admin: Persona, bahagia_admin: Persona, bahagia_volunteer: Persona
) -> None:
    request = memberships.membership_change(
        actor=city_admin.membership,
        membership=bahagia_volunteer.membership,
        role=Role.CASEWORKER,
        is_signatory=False,
        is_active=True,
    )
    assert isinstance(request, RoleRequest)

    role_requests.role_request_decide(actor=bahagia_admin.membership, request=request, approve=True)

    assert Membership.objects.get(pk=request.membership_id).role == Role.CASEWORKER


def test_a_coordinator_does_not_see_or_decide_an_administrator_role(
    city_admin: Persona, coordinator: Persona, bahagia_volunteer: Persona, bahagia: Organisation
) -> None:
    request = memberships.membership_change(
        actor=city_admin.membership,
        membership=bahagia_volunteer.membership,
        role=Role.ADMIN,
        is_signatory=False,
        is_active=True,
    )
    assert isinstance(request, RoleRequest)

    assert decide_page(coordinator, request).status_code == 404
    assertNotContains(
        coordinator.client.get(reverse("accounts:role_request_list")), "bahagia.kader"
    )


def test_a_refusal_leaves_the_role_off_and_a_second_tap_decides_nothing(
    city_admin: Persona, coordinator: Persona, second_coordinator: Persona, bahagia: Organisation
) -> None:
    request = memberships.membership_grant(
        actor=city_admin.membership, user=city_admin.user, organisation=bahagia, role=Role.VOLUNTEER
    )
    assert isinstance(request, RoleRequest)

    decide_page(coordinator, request, "refuse")
    decide_page(second_coordinator, request, "approve")
    decide_page(coordinator, request, "approve")

    request.refresh_from_db()
    assert (request.status, request.decided_by) == (RoleRequestStatus.REFUSED, coordinator.user)
    assert not Membership.objects.get(pk=request.membership_id).is_active
    assert (
        AuditEvent.objects.filter(action__startswith="role_request.")
        .exclude(action="role_request.created")
        .count()
        == 1
    )


def test_one_request_waits_per_user_and_organisation(
    city_admin: Persona, bahagia: Organisation
) -> None:
    first = memberships.membership_grant(
        actor=city_admin.membership, user=city_admin.user, organisation=bahagia, role=Role.VOLUNTEER
    )
    assert isinstance(first, RoleRequest)

    with pytest.raises(ValidationError):
        memberships.membership_change(
            actor=city_admin.membership,
            membership=first.membership,
            role=Role.COORDINATOR,
            is_signatory=False,
            is_active=True,
        )


def test_outsiders_get_404(
    city_admin: Persona,
    ikhlas_admin: Persona,
    ikhlas: Organisation,
    bahagia: Organisation,
    coordinator: Persona,
) -> None:
    request = memberships.membership_grant(
        actor=city_admin.membership, user=city_admin.user, organisation=bahagia, role=Role.VOLUNTEER
    )
    assert isinstance(request, RoleRequest)
    ikhlas_coordinator = make_persona(ikhlas, Role.COORDINATOR, username="ikhlas.koordinator")

    for outsider in (ikhlas_admin, ikhlas_coordinator):
        assert decide_page(outsider, request).status_code == 404
        assertNotContains(outsider.client.get(reverse("accounts:role_request_list")), "kota.admin")
        assert (
            post(
                bearer(outsider), f"/api/v1/accounts/role-requests/{request.pk}/approve"
            ).status_code
            == 404
        )
    request.refresh_from_db()
    assert request.status == RoleRequestStatus.PENDING
    assertContains(coordinator.client.get(reverse("accounts:role_request_list")), "kota.admin")


def test_the_api_lists_and_approves(
    city_admin: Persona, coordinator: Persona, bahagia: Organisation
) -> None:
    request = memberships.membership_grant(
        actor=city_admin.membership, user=city_admin.user, organisation=bahagia, role=Role.VOLUNTEER
    )
    assert isinstance(request, RoleRequest)
    client = bearer(coordinator)

    listed = client.get("/api/v1/accounts/role-requests").json()["items"]
    approved = post(client, f"/api/v1/accounts/role-requests/{request.pk}/approve")

    assert [item["id"] for item in listed] == [request.pk]
    assert approved.status_code == 200
    assert approved.json()["status"] == RoleRequestStatus.APPROVED
    assert approved.json()["decided_by"] == coordinator.user.username


def test_a_caseworker_may_not_list_role_requests(bahagia_caseworker: Persona) -> None:
    assert bahagia_caseworker.client.get(reverse("accounts:role_request_list")).status_code == 403
    assert bearer(bahagia_caseworker).get("/api/v1/accounts/role-requests").status_code == 403


# --- Taking over an account -----------------------------------------------------------------


@pytest.mark.parametrize("route", ["accounts:user_password", "accounts:user_reset_two_factor"])
def test_a_password_or_second_factor_reset_pauses_content_roles_until_approved(
    route: str,
    bahagia_admin: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    case: Case,
    announced: list[dict[str, Any]],
) -> None:
    response = bahagia_admin.client.post(
        reverse(route, args=[bahagia_caseworker.user.pk]), {"password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    membership = bahagia_caseworker.membership
    membership.refresh_from_db()
    assert not membership.is_active
    request = RoleRequest.objects.get(membership=membership, status=RoleRequestStatus.PENDING)
    assert request.kind == RoleRequestKind.RESTORE
    assert announced[0]["users"] == {coordinator.user}
    # Whoever signs in as the caseworker now (the admin knows the password) reads nothing.
    assert not reads_case(signed_in_client_for(bahagia_caseworker.user), case)

    role_requests.role_request_decide(actor=coordinator.membership, request=request, approve=True)

    assert reads_case(signed_in_client_for(bahagia_caseworker.user), case)


def test_the_api_cannot_revive_a_paused_account(
    bahagia_admin: Persona, bahagia_caseworker: Persona
) -> None:
    users.user_set_password(
        actor=bahagia_admin.membership, user=bahagia_caseworker.user, password=NEW_PASSWORD
    )
    client = bearer(bahagia_admin)
    post(client, f"/api/v1/accounts/users/{bahagia_caseworker.user.pk}/disable")
    post(client, f"/api/v1/accounts/users/{bahagia_caseworker.user.pk}/enable")

    assert not content_roles_held(bahagia_caseworker.user)


# --- Every route and every operation --------------------------------------------------------

MANAGEMENT_ROUTES = {
    "user_list",
    "user_create",
    "user_detail",
    "user_set_active",
    "user_password",
    "user_reset_two_factor",
    "membership_grant",
    "membership_change",
    "role_request_list",
    "role_request_decide",
    "organisation_list",
    "organisation_create",
    "organisation_detail",
}

API_OPERATIONS = {
    ("GET", "/users"),
    ("POST", "/users"),
    ("GET", "/users/{user_id}"),
    ("POST", "/users/{user_id}/disable"),
    ("POST", "/users/{user_id}/enable"),
    ("GET", "/organisations"),
    ("GET", "/role-requests"),
    ("POST", "/role-requests/{request_id}/approve"),
    ("POST", "/role-requests/{request_id}/refuse"),
    ("POST", "/token"),
    ("DELETE", "/token"),
    ("GET", "/me"),
}


def test_the_walks_below_cover_every_management_route_and_api_operation() -> None:
    routes = {
        pattern.name
        for pattern in urls.urlpatterns
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("kelola/")
    }
    operations = {
        (method, path)
        for router in (accounts_router, auth_router, me_router)
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }

    # A new route or operation must be added to the walk (and so be proven closed).
    assert routes == MANAGEMENT_ROUTES
    assert operations == API_OPERATIONS


def known_to(admin: Persona, *others: User) -> set[User]:
    """The accounts the admin can sign in as: her own, those she made or reset."""
    return {admin.user, *others}


def test_no_management_route_gives_the_admin_a_content_role_without_a_second_person(
    city_admin: Persona,
    bahagia: Organisation,
    bahagia_caseworker: Persona,
    bahagia_volunteer: Persona,
    case: Case,
) -> None:
    admin = city_admin
    c = admin.client
    victim = bahagia_caseworker.user

    def url(name: str, *args: int) -> str:
        return reverse(f"accounts:{name}", args=args)

    # Every route, each with what an admin would try to become a caseworker of the unit.
    c.get(url("user_list"))
    c.post(
        url("user_create"),
        {
            "username": "boneka",
            "full_name": "B",
            "password": NEW_PASSWORD,
            "organisation": bahagia.pk,
            "role": Role.CASEWORKER,
        },
    )
    c.post(
        url("user_create"),
        {
            "username": "admin2",
            "full_name": "A",
            "password": NEW_PASSWORD,
            "organisation": bahagia.pk,
            "role": Role.ADMIN,
        },
    )
    c.post(
        url("user_create"),
        {
            "username": "pengamat",
            "full_name": "P",
            "password": NEW_PASSWORD,
            "organisation": bahagia.pk,
            "role": Role.AUDITOR,
        },
    )
    made = {
        u.username: u for u in User.objects.filter(username__in=["boneka", "admin2", "pengamat"])
    }
    assert set(made) == {"boneka", "admin2", "pengamat"}
    c.get(url("user_detail", admin.user.pk))
    c.post(url("user_detail", victim.pk), {"full_name": "X", "email": ""})
    c.post(url("user_password", victim.pk), {"password": NEW_PASSWORD})
    c.post(url("user_reset_two_factor", victim.pk))
    c.post(url("user_set_active", victim.pk), {"active": "0"})
    c.post(url("user_set_active", victim.pk), {"active": "1"})
    c.post(
        url("membership_grant", admin.user.pk),
        {"organisation": bahagia.pk, "role": Role.CASEWORKER},
    )
    pengamat = Membership.objects.get(user=made["pengamat"])
    c.post(url("membership_change", pengamat.pk), {"role": Role.COORDINATOR, "is_active": "on"})
    own = Membership.objects.get(user=admin.user, organisation=bahagia)
    c.post(url("membership_change", own.pk), {"role": Role.COORDINATOR, "is_active": "on"})
    kader = bahagia_volunteer.membership
    c.post(url("membership_change", kader.pk), {"role": Role.CASEWORKER, "is_active": "on"})
    c.get(url("role_request_list"))
    for request in RoleRequest.objects.filter(status=RoleRequestStatus.PENDING):
        c.post(url("role_request_decide", request.pk), {"decision": "approve"})
    # The second administrator account she made (inactive until approved) cannot help her.
    admin2 = Membership.objects.get(user=made["admin2"])
    assert not admin2.is_active
    c.get(url("organisation_list"))
    c.post(
        url("organisation_create"), {"name": "Unit Baru", "type": "LBK_KK", "area": bahagia.area_id}
    )
    c.get(url("organisation_detail", bahagia.pk))
    c.post(url("organisation_detail", bahagia.pk), {"name": bahagia.name, "is_active": "on"})

    # Then no account she can sign in as holds a role that reads cases …
    for user in known_to(admin, victim, *made.values()):
        assert not content_roles_held(user), user.username
    assert not Membership.objects.filter(user=made["admin2"], is_active=True).exists()
    # … the kader she tried to promote is still a kader, and the case stays closed to her.
    kader.refresh_from_db()
    assert kader.role == Role.VOLUNTEER
    for membership in Membership.objects.filter(user=admin.user):
        switch(admin, membership)
        assert not reads_case(c, case)
    # Everything she asked for waits for a second person.
    assert not RoleRequest.objects.exclude(status=RoleRequestStatus.PENDING).exists()


def test_no_api_operation_gives_the_admin_a_content_role_without_a_second_person(
    city_admin: Persona, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    client = bearer(city_admin)
    api = "/api/v1/accounts"
    victim = bahagia_caseworker.user

    client.get(f"{api}/users")
    post(
        client,
        f"{api}/users",
        {
            "username": "boneka",
            "full_name": "B",
            "password": NEW_PASSWORD,
            "organisation_id": bahagia.pk,
            "role": Role.COORDINATOR,
        },
    )
    post(
        client,
        f"{api}/users",
        {
            "username": "admin2",
            "full_name": "A",
            "password": NEW_PASSWORD,
            "organisation_id": bahagia.pk,
            "role": Role.ADMIN,
        },
    )
    client.get(f"{api}/users/{victim.pk}")
    post(client, f"{api}/users/{victim.pk}/disable")
    post(client, f"{api}/users/{victim.pk}/enable")
    client.get(f"{api}/organisations")
    client.get(f"{api}/role-requests")
    for request in RoleRequest.objects.all():
        post(client, f"{api}/role-requests/{request.pk}/approve")
    client.get("/api/v1/me")
    post(
        Client(),
        "/api/v1/auth/token",
        {"username": "boneka", "password": NEW_PASSWORD, "totp": "000000"},
    )
    client.delete("/api/v1/auth/token")

    made = list(User.objects.filter(username__in=["boneka", "admin2"]))
    assert len(made) == 2
    for user in known_to(city_admin, *made):
        assert not content_roles_held(user), user.username
        assert (
            not Membership.objects.filter(user=user, is_active=True)
            .exclude(pk=city_admin.membership.pk)
            .exists()
        )
    assert RoleRequest.objects.filter(status=RoleRequestStatus.PENDING).count() == 2


# --- Lists stay flat ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["page", "api"])
def test_the_request_list_queries_do_not_grow_with_rows(
    where: str, city_admin: Persona, coordinator: Persona, bahagia: Organisation
) -> None:
    client = coordinator.client if where == "page" else bearer(coordinator)
    target = (
        reverse("accounts:role_request_list")
        if where == "page"
        else "/api/v1/accounts/role-requests"
    )

    def ask_for_one() -> None:
        user = users.user_create(
            actor=city_admin.membership,
            username=f"kader{User.objects.count()}",
            full_name="Kader",
            password=NEW_PASSWORD,
            organisation=bahagia,
            role=Role.VOLUNTEER,
        )
        assert RoleRequest.objects.filter(user=user).exists()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(target).status_code == 200
        return len(context.captured_queries)

    ask_for_one()
    count_queries()  # the first call also records the token's use
    few = count_queries()
    for _ in range(12):
        ask_for_one()
    assert count_queries() == few
