"""Sessions end when they should: idle timeout, disabling, fewer rights."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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


def test_the_session_cookie_is_for_this_site_and_this_browser_session(
    bahagia_caseworker: Persona,
) -> None:
    with _clock_at(timezone.now() + timedelta(minutes=5)):  # the session's end moves on
        response = bahagia_caseworker.client.get(HOME)

    assert bahagia_caseworker.client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert response.cookies["sessionid"]["max-age"] == ""  # ends when the browser closes


@contextmanager
def _clock_at(moment: datetime) -> Iterator[None]:
    """The server's clock (Django's ``timezone.now``, which the session store reads)
    standing at ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _session_writes(queries: list[dict[str, str]]) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if "django_session" in query["sql"]
        and query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_a_page_that_changes_nothing_writes_no_session_row(bahagia_caseworker: Persona) -> None:
    client = bahagia_caseworker.client
    assert client.get(HOME).status_code == 200

    with CaptureQueriesContext(connection) as page:
        assert client.get(HOME).status_code == 200

    assert _session_writes(page.captured_queries) == []


def test_a_request_within_the_idle_window_keeps_the_session_alive(
    bahagia_caseworker: Persona,
) -> None:
    client = bahagia_caseworker.client
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()

    # Three requests, each 25 minutes after the one before: 50 minutes in all, never idle
    # for 30.
    for moment in (start, start + idle * 5 / 6, start + idle * 10 / 6):
        with _clock_at(moment):
            assert client.get(HOME).status_code == 200


def test_the_session_ends_after_the_idle_window(bahagia_caseworker: Persona) -> None:
    client = bahagia_caseworker.client
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with _clock_at(start):
        assert client.get(HOME).status_code == 200
    with _clock_at(start + idle / 2):
        # Within a minute of the last mark nothing is written; half an idle window later
        # the mark moves on.
        assert client.get(HOME).status_code == 200

    with _clock_at(start + idle / 2 + idle + timedelta(seconds=1)):
        answer = client.get(HOME)

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("accounts:login"))


def test_the_idle_window_is_never_longer_than_configured(bahagia_caseworker: Persona) -> None:
    """Requests in the minute after a mark write nothing, so the end is not pushed back:
    the session ends at most a minute early, never late."""
    client = bahagia_caseworker.client
    start = timezone.now()
    with _clock_at(start):
        assert client.get(HOME).status_code == 200
    with _clock_at(start + timedelta(seconds=30)):
        assert client.get(HOME).status_code == 200

    with _clock_at(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        answer = client.get(HOME)

    assert answer.status_code == 302


def test_signing_out_ends_the_session(bahagia_caseworker: Persona) -> None:
    bahagia_caseworker.client.post(reverse("accounts:logout"))

    assert bahagia_caseworker.client.get(HOME).status_code == 302
