"""Fixed people for every test (STYLE.md): two LBK-KK units with their volunteer and
caseworker, a DP3A officer, a Dinsos officer, a lurah, an auditor, an admin, and
anonymous visitors. Each test gets them fresh, made through the real services."""

import importlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from tests.factories import (
    CITY,
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    Persona,
    english,
    make_organisation,
    make_persona,
)

# The domain builders (cases, mechanisms, API clients) and their fixtures.
pytest_plugins = ["tests.builders"]


@pytest.fixture
def bahagia(db: None) -> Organisation:
    return make_organisation(
        "LBK-KK Bahagia Kelurahan Watang Soreang",
        type=OrganisationType.LBK_KK,
        area_code=WATANG_SOREANG,
    )


@pytest.fixture
def ikhlas(db: None) -> Organisation:
    return make_organisation(
        "LBK-KK Ikhlas Kelurahan Watang Bacukiki",
        type=OrganisationType.LBK_KK,
        area_code=WATANG_BACUKIKI,
    )


@pytest.fixture
def kelurahan_ws(db: None) -> Organisation:
    return make_organisation(
        "Kantor Kelurahan Watang Soreang", type=OrganisationType.KELURAHAN, area_code=WATANG_SOREANG
    )


@pytest.fixture
def dp3a(db: None) -> Organisation:
    return make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)


@pytest.fixture
def dinsos(db: None) -> Organisation:
    return make_organisation(
        "Dinas Sosial Kota Parepare", type=OrganisationType.DINSOS, area_code=CITY
    )


@pytest.fixture
def city_team(db: None) -> Organisation:
    return make_organisation(
        "Tim Sipakatau Kota Parepare", type=OrganisationType.OTHER, area_code=CITY
    )


@pytest.fixture
def bahagia_volunteer(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.VOLUNTEER, username="bahagia.kader")


@pytest.fixture
def bahagia_caseworker(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.CASEWORKER, username="bahagia.pendamping")


@pytest.fixture
def ikhlas_volunteer(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.VOLUNTEER, username="ikhlas.kader")


@pytest.fixture
def ikhlas_caseworker(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.CASEWORKER, username="ikhlas.pendamping")


@pytest.fixture
def dp3a_officer(dp3a: Organisation) -> Persona:
    return make_persona(dp3a, Role.AGENCY_OFFICER, username="dp3a.petugas")


@pytest.fixture
def dinsos_officer(dinsos: Organisation) -> Persona:
    return make_persona(dinsos, Role.AGENCY_OFFICER, username="dinsos.petugas")


@pytest.fixture
def lurah(kelurahan_ws: Organisation) -> Persona:
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.lurah", is_signatory=True)


@pytest.fixture
def auditor(city_team: Organisation) -> Persona:
    return make_persona(city_team, Role.AUDITOR, username="kota.auditor")


@pytest.fixture
def bahagia_admin(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.ADMIN, username="bahagia.admin")


@pytest.fixture
def ikhlas_admin(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.ADMIN, username="ikhlas.admin")


@pytest.fixture
def city_admin(city_team: Organisation) -> Persona:
    return make_persona(city_team, Role.ADMIN, username="kota.admin")


@pytest.fixture
def anonymous() -> Client:
    """An anonymous visitor (a reporter on the public portal, or anyone at all)."""
    return Client()


# --- The append-only audit triggers versus test clean-up -----------------------------------
# Transactional tests (live server, threads) end with Django emptying every table, which
# the audit triggers rightly refuse. Around such tests the triggers are lifted for the
# clean-up only, and every database test starts with them in place.

_TRIGGERS = importlib.import_module("sipakatau.audit.migrations.0002_append_only")


def _apply(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def _install_audit_triggers() -> None:
    _apply({"sqlite": _TRIGGERS.SQLITE_REVERSE, "postgresql": _TRIGGERS.POSTGRESQL_REVERSE})
    _apply({"sqlite": _TRIGGERS.SQLITE, "postgresql": _TRIGGERS.POSTGRESQL})


def _triggers_missing() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE 'audit_event_%'"
            )
        else:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_event_%'")
        return cursor.fetchone()[0] == 0


def _remove_audit_triggers() -> None:
    _apply({"sqlite": _TRIGGERS.SQLITE_REVERSE, "postgresql": _TRIGGERS.POSTGRESQL_REVERSE})


_DEADLINE_RULES = importlib.import_module("sipakatau.cases.migrations.0002_default_deadline_rules")


def _ensure_reference_rows() -> None:
    """Rows that migrations load (the default deadline rules) are emptied by the clean-up
    of a transactional test like every other row; put them back for the next test."""
    from django.apps import apps

    if not apps.get_model("cases", "DeadlineRule").objects.exists():
        _DEADLINE_RULES.load(apps, None)


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not (transactional or marker or "db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    if _triggers_missing():
        _install_audit_triggers()
    _ensure_reference_rows()
    if transactional:
        # Registered after the database fixture, so it runs before pytest-django empties
        # the tables; the next database test puts the triggers back.
        request.addfinalizer(_remove_audit_triggers)


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """A database that each thread opens on its own connection, as requests and workers
    do in production.

    pytest-django keeps the SQLite test database in memory, shared between threads through
    SQLite's shared cache; there a second writer fails at once with "database table is
    locked" instead of waiting, which production (a file, WAL) never does. So for such a
    test the in-memory database is copied into a file that every new connection opens.
    PostgreSQL needs nothing of this.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    connection.ensure_connection()
    in_memory, in_memory_name = connection.connection, connection.settings_dict["NAME"]
    path = tmp_path / "threads.sqlite3"
    with sqlite3.connect(path) as copy:
        in_memory.backup(copy)
    copy.close()
    # Django never closes an in-memory connection (that would drop the database), so it
    # is set aside by hand and put back afterwards.
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = in_memory_name
        connection.connection = in_memory


@pytest.fixture(autouse=True)
def _english_pages(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.english``: every persona's browser asks for English pages, so the
    test can match English text (the catalogue test covers the Indonesian)."""
    if request.node.get_closest_marker("english") is None:
        return
    # Only fixtures this test already uses; asking for any other would create it.
    for name in list(request.fixturenames):
        if name.startswith("_") or name in {"request"}:
            continue
        value = request.getfixturevalue(name)
        if isinstance(value, Persona):
            english(value.client)
