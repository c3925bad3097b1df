"""Administrators manage the users of their own organisations, and no one else's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import (
    Membership,
    Organisation,
    Role,
    RoleRequest,
    RoleRequestStatus,
    User,
)
from sipakatau.accounts.services.users import user_create, user_set_active
from sipakatau.audit.models import AuditEvent
from tests.factories import Persona, make_organisation, make_user


def test_an_admin_creates_a_user_through_the_page(
    bahagia_admin: Persona, bahagia: Organisation
) -> None:
    response = bahagia_admin.client.post(
        reverse("accounts:user_create"),
        {
            "username": "Rahma.Kader",
            "full_name": "Rahma",
            "password": "pisang goreng hangat 2026",
            "organisation": bahagia.pk,
            "role": Role.VOLUNTEER,
        },
    )

    user = User.objects.get(username="rahma.kader")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    # A kader reads case content: the role waits for a second person (test_role_requests).
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.is_active) == (Role.VOLUNTEER, False)
    assert RoleRequest.objects.get(membership=membership).status == RoleRequestStatus.PENDING
    assert AuditEvent.objects.filter(action="user.created", object_id=str(user.pk)).exists()
    # The audit event names fields, never their values.
    assert not AuditEvent.objects.filter(actor_label__icontains="rahma").exists()


def test_a_weak_password_is_refused_and_nothing_is_created(
    bahagia_admin: Persona, bahagia: Organisation
) -> None:
    response = bahagia_admin.client.post(
        reverse("accounts:user_create"),
        {
            "username": "lemah",
            "full_name": "L",
            "password": "password123",
            "organisation": bahagia.pk,
            "role": Role.VOLUNTEER,
        },
    )

    assertContains(response, 'class="errorlist')
    assert not User.objects.filter(username="lemah").exists()


def test_an_admin_cannot_see_or_touch_another_organisations_users(
    bahagia_admin: Persona, ikhlas_caseworker: Persona
) -> None:
    target = ikhlas_caseworker.user

    for name in ("accounts:user_detail",):
        assert bahagia_admin.client.get(reverse(name, args=[target.pk])).status_code == 404
    for name in (
        "accounts:user_set_active",
        "accounts:user_password",
        "accounts:user_reset_two_factor",
    ):
        assert (
            bahagia_admin.client.post(reverse(name, args=[target.pk]), {"active": "0"}).status_code
            == 404
        )
    assert (
        bahagia_admin.client.post(f"/api/v1/accounts/users/{target.pk}/disable").status_code == 404
    )

    target.refresh_from_db()
    assert target.is_active
    assert ikhlas_caseworker.client.get(reverse("accounts:home")).status_code == 200
    assertNotContains(bahagia_admin.client.get(reverse("accounts:user_list")), "ikhlas.pendamping")


def test_the_services_refuse_an_admin_of_another_organisation(
    bahagia_admin: Persona, ikhlas: Organisation, ikhlas_caseworker: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        user_create(
            actor=bahagia_admin.membership,
            username="x",
            full_name="x",
            password="kopi susu gula aren 77",
            organisation=ikhlas,
            role=Role.VOLUNTEER,
        )
    with pytest.raises(PermissionDenied):
        user_set_active(actor=bahagia_admin.membership, user=ikhlas_caseworker.user, active=False)


def test_a_city_admin_manages_the_units_inside_the_city(
    city_admin: Persona, bahagia_caseworker: Persona, dp3a_officer: Persona
) -> None:
    page = city_admin.client.get(reverse("accounts:user_list"))

    assertContains(page, "bahagia.pendamping")
    # DP3A works at the same (city) level, not inside the city team's area: not managed.
    assertNotContains(page, "dp3a.petugas")


def test_a_user_shared_with_another_organisation_cannot_be_disabled_by_one_admin(
    bahagia_admin: Persona, bahagia: Organisation, ikhlas: Organisation
) -> None:
    shared = make_user(bahagia, Role.VOLUNTEER, username="dua.tempat")
    Membership.objects.create(user=shared, organisation=ikhlas, role=Role.VOLUNTEER)

    with pytest.raises(PermissionDenied):
        user_set_active(actor=bahagia_admin.membership, user=shared, active=False)


def test_an_admin_cannot_disable_themselves(bahagia_admin: Persona) -> None:
    with pytest.raises(ValidationError):
        user_set_active(actor=bahagia_admin.membership, user=bahagia_admin.user, active=False)


def test_the_api_creates_a_user_and_reports_errors_structurally(
    bahagia_admin: Persona, bahagia: Organisation
) -> None:
    payload = {
        "username": "api.user",
        "full_name": "API",
        "password": "123",
        "organisation_id": bahagia.pk,
        "role": "volunteer",
    }

    response = bahagia_admin.client.post(
        "/api/v1/accounts/users", payload, content_type="application/json"
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {error["field"] for error in body["detail"]} == {"password"}
    assert not User.objects.filter(username="api.user").exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:user_list"),
        "/api/v1/accounts/users",
        reverse("accounts:organisation_list"),
        "/api/v1/accounts/organisations",
    ],
)
def test_list_queries_do_not_grow_with_rows(city_admin: Persona, url: str) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert city_admin.client.get(url).status_code == 200
        return len(context.captured_queries)

    organisation = make_organisation("Unit A", area_code="73.72.03.1003")
    make_user(organisation, Role.VOLUNTEER)
    few = count_queries()
    for number in range(20):
        unit = make_organisation(f"Unit {number}", area_code="73.72.01.1005")
        make_user(unit, Role.VOLUNTEER)
    assert count_queries() == few


def test_organisation_members_page_queries_do_not_grow(
    bahagia_admin: Persona, bahagia: Organisation
) -> None:
    url = reverse("accounts:organisation_detail", args=[bahagia.pk])

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert bahagia_admin.client.get(url).status_code == 200
        return len(context.captured_queries)

    few = count_queries()
    for _ in range(15):
        make_user(bahagia, Role.VOLUNTEER)
    assert count_queries() == few


def test_a_malformed_api_request_answers_in_the_same_shape_as_a_refusal(
    bahagia_admin: Persona,
) -> None:
    response = bahagia_admin.client.post(
        "/api/v1/accounts/users", {"username": "x"}, content_type="application/json"
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert {"full_name", "password", "organisation_id", "role"} <= {
        e["field"] for e in body["detail"]
    }
    assert not User.objects.filter(username="x").exists()
