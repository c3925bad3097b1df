"""A locked database or a full disk is a passing outage, not a bug (issue 18): the API
answers 503 JSON with Retry-After and ``code: unavailable``, a page answers a plain 503
page, and any other unhandled exception in the API is a 500 in JSON, never an HTML page.

The lock is real: a second connection holds the database (SQLite ``BEGIN EXCLUSIVE``,
PostgreSQL ``LOCK TABLE``) while the request runs with a short timeout. A full disk is
the driver's own error, raised from Django's ``execute_wrapper`` hook.
"""

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sipakatau.accounts.models import Organisation, Role
from sipakatau.cases.models import Case
from tests.builders import bearer, open_case, post
from tests.factories import Persona, make_persona

pytestmark = pytest.mark.django_db(transaction=True)

LOCK_WAIT_MS = 300


@pytest.fixture
def coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


@pytest.fixture
def case(coordinator: Persona) -> Case:
    return open_case(coordinator.membership)


@contextmanager
def short_lock_wait() -> Iterator[None]:
    """Our connection gives up waiting for a lock after LOCK_WAIT_MS (20 s in settings)."""
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    if connection.vendor == "sqlite":
        options["timeout"] = LOCK_WAIT_MS / 1000
        statement, reset = f"PRAGMA busy_timeout = {LOCK_WAIT_MS}", "PRAGMA busy_timeout = 20000"
    else:
        options["options"] = f"-c lock_timeout={LOCK_WAIT_MS}"
        statement, reset = f"SET lock_timeout = {LOCK_WAIT_MS}", "RESET lock_timeout"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(statement)
    try:
        yield
    finally:
        options.clear()
        options.update(saved)
        with connection.cursor() as cursor:
            cursor.execute(reset)


@contextmanager
def database_locked_by_another_connection() -> Iterator[None]:
    """A second connection holds the write lock until the block ends."""
    params = connection.get_connection_params()
    other: Any
    with short_lock_wait():
        if connection.vendor == "sqlite":
            other = sqlite3.connect(
                params["database"], uri=params.get("uri", False), isolation_level=None, timeout=5
            )
            other.execute("BEGIN EXCLUSIVE")
        else:
            other = connection.get_new_connection(params)
            # Every request that reads or writes a case writes the audit trail.
            other.execute("LOCK TABLE audit_auditevent IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            other.rollback()
            other.close()


@contextmanager
def every_write_fails(error: Callable[[], BaseException]) -> Iterator[None]:
    """Each INSERT or UPDATE fails as the driver fails it when the disk is full."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise error()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def disk_full() -> BaseException:
    if connection.vendor == "sqlite":
        return sqlite3.OperationalError("database or disk is full")
    import psycopg

    return psycopg.errors.DiskFull("could not extend file: No space left on device")


def assert_unavailable_json(response: Any) -> None:
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "unavailable"
    assert isinstance(body["detail"], str) and body["detail"]


def quiet(client: Client) -> Client:
    """Answer as the server would instead of re-raising the exception into the test."""
    client.raise_request_exception = False
    return client


def test_a_locked_database_answers_503_json_with_retry_after(
    coordinator: Persona, case: Case
) -> None:
    client = quiet(bearer(coordinator))

    with database_locked_by_another_connection():
        response = client.get(f"/api/v1/cases/{case.pk}")

    assert_unavailable_json(response)
    # The lock was the only trouble: once it is gone the same request works.
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_a_locked_database_answers_a_503_page_on_a_page(coordinator: Persona, case: Case) -> None:
    client = quiet(coordinator.client)

    with database_locked_by_another_connection():
        response = client.get(f"/kasus/{case.pk}/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert b"<h1>" in response.content
    assert client.get(f"/kasus/{case.pk}/").status_code == 200


def test_a_full_disk_answers_503_json(coordinator: Persona, case: Case) -> None:
    client = quiet(bearer(coordinator))

    with every_write_fails(disk_full):
        response = post(client, f"/api/v1/cases/{case.pk}/notes", {"body": "Kunjungan rumah."})

    assert_unavailable_json(response)
    assert not case.notes.exists()


def test_no_space_left_on_a_file_answers_503_json(coordinator: Persona, case: Case) -> None:
    client = quiet(bearer(coordinator))

    with every_write_fails(lambda: OSError(errno.ENOSPC, "No space left on device")):
        response = post(client, f"/api/v1/cases/{case.pk}/notes", {"body": "Kunjungan rumah."})

    assert_unavailable_json(response)


def test_a_full_disk_answers_a_503_page_on_a_page(coordinator: Persona, case: Case) -> None:
    client = quiet(coordinator.client)

    with every_write_fails(disk_full):
        response = client.get(f"/kasus/{case.pk}/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_error_in_the_api_answers_500_json_without_details(
    coordinator: Persona, case: Case
) -> None:
    client = quiet(bearer(coordinator))

    with every_write_fails(lambda: ZeroDivisionError("secret detail")):
        response = post(client, f"/api/v1/cases/{case.pk}/notes", {"body": "Kunjungan rumah."})

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    assert b"secret detail" not in response.content
    assert "Retry-After" not in response


def test_an_unknown_error_on_a_page_stays_a_500_page(coordinator: Persona, case: Case) -> None:
    client = quiet(coordinator.client)

    with every_write_fails(lambda: ZeroDivisionError("secret detail")):
        response = client.get(f"/kasus/{case.pk}/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"secret detail" not in response.content
