"""/healthz: JSON for a monitor, 200 when every check passes and 503 when one fails,
without sign-in and without a path, a key or a person in the answer."""

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.utils import timezone

from sipakatau.lib import health
from tests.factories import Persona

pytestmark = pytest.mark.django_db

FRESH = {"SIPAKATAU_HEALTH_CACHE_SECONDS": 0}


@pytest.fixture
def backup_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(BACKUP_DIR=tmp_path, **FRESH):
        yield tmp_path


def checks(response: object) -> dict[str, dict]:
    return {check["name"]: check for check in response.json()["checks"]}  # type: ignore[attr-defined]


def backup_made(directory: Path, hours_ago: float) -> Path:
    path = directory / "sipakatau-20260101T000000Z.sipbak"
    path.write_bytes(b"sealed")
    moment = (timezone.now() - timedelta(hours=hours_ago)).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_it_answers_200_with_every_check_when_all_pass(backup_dir: Path) -> None:
    backup_made(backup_dir, hours_ago=2)

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(checks(response)) >= {
        "database",
        "queue",
        "disk_var",
        "disk_database",
        "key_files",
        "backup",
    }
    for check in body["checks"]:
        assert set(check) == {"name", "ok", "reason"}
        assert check["ok"] is True
        assert check["reason"]
    assert checks(response)["backup"]["reason"] == "last backup 2 h ago"


def test_it_answers_503_when_the_last_backup_is_too_old(backup_dir: Path) -> None:
    backup_made(backup_dir, hours_ago=settings.SIPAKATAU_HEALTH_BACKUP_MAX_HOURS + 3)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    backup = checks(response)["backup"]
    assert backup["ok"] is False
    assert "limit" in backup["reason"]


def test_a_partial_backup_is_not_a_backup(backup_dir: Path) -> None:
    (backup_dir / ".sipakatau-20260101T000000Z.sipbak.partial").write_bytes(b"half")

    with override_settings(PRODUCTION=True):
        MigrationRecorder.Migration.objects.update(applied=timezone.now() - timedelta(days=3))
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert checks(response)["backup"] == {"name": "backup", "ok": False, "reason": "no backup yet"}


def test_no_backup_is_only_a_remark_outside_production(backup_dir: Path) -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert "not required outside production" in checks(response)["backup"]["reason"]


def test_a_new_production_installation_has_a_day_for_its_first_backup(backup_dir: Path) -> None:
    with override_settings(PRODUCTION=True):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert checks(response)["backup"]["reason"] == "no backup yet (new installation)"


def test_an_unreadable_key_file_fails_without_naming_the_file(
    backup_dir: Path, tmp_path: Path
) -> None:
    backup_made(backup_dir, hours_ago=1)
    missing = tmp_path / "gone" / "field_keys"
    files = {**settings.SIPAKATAU_KEY_FILES, "field": str(missing)}

    with override_settings(SIPAKATAU_KEY_FILES=files):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert checks(response)["key_files"] == {
        "name": "key_files",
        "ok": False,
        "reason": "cannot be read: field",
    }
    assert str(tmp_path) not in response.content.decode()


def test_a_full_disk_fails(backup_dir: Path) -> None:
    backup_made(backup_dir, hours_ago=1)

    with override_settings(SIPAKATAU_HEALTH_DISK_FREE_MB=10**12):
        response = Client().get("/healthz")

    assert response.status_code == 503
    assert checks(response)["disk_var"]["ok"] is False
    assert "MB free" in checks(response)["disk_var"]["reason"]


def test_the_answer_names_no_path_key_or_host(backup_dir: Path) -> None:
    backup_made(backup_dir, hours_ago=1)

    text = Client().get("/healthz").content.decode()

    assert str(settings.VAR_DIR) not in text
    assert str(backup_dir) not in text
    for path in settings.SIPAKATAU_KEY_FILES.values():
        assert path is None or path not in text
    assert settings.AUDIT_KEY not in text
    assert settings.DATABASES["default"]["NAME"] not in text


def test_a_signed_in_person_gets_the_same_answer(
    backup_dir: Path, bahagia_caseworker: Persona
) -> None:
    backup_made(backup_dir, hours_ago=1)

    response = bahagia_caseworker.client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_another_method_is_refused_in_json() -> None:
    response = Client().post("/healthz")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]


def test_one_answer_serves_the_requests_of_a_few_seconds(backup_dir: Path) -> None:
    # Given an answer computed while the backup was fresh
    path = backup_made(backup_dir, hours_ago=1)
    health.forget()
    with override_settings(SIPAKATAU_HEALTH_CACHE_SECONDS=3600):
        assert Client().get("/healthz").status_code == 200
        # When the backup disappears, the cached answer still serves a flood of requests
        path.unlink()
        with override_settings(PRODUCTION=True, SIPAKATAU_HEALTH_BACKUP_MAX_HOURS=1):
            MigrationRecorder.Migration.objects.update(applied=timezone.now() - timedelta(days=3))
            assert Client().get("/healthz").status_code == 200
    # Then without the cache the change shows at once
    with override_settings(PRODUCTION=True, SIPAKATAU_HEALTH_BACKUP_MAX_HOURS=1):
        assert Client().get("/healthz").status_code == 503


@pytest.mark.django_db(transaction=False)
@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$", r"^metrics$"], **FRESH
)
def test_a_loopback_monitor_over_plain_http_is_not_redirected() -> None:
    response = Client().get("/healthz")

    assert response.status_code in (200, 503)
    assert Client().get("/akun/masuk/").status_code == 301


def test_a_load_balancer_may_ask_for_the_database_only(backup_dir: Path) -> None:
    backup_made(backup_dir, hours_ago=settings.SIPAKATAU_HEALTH_BACKUP_MAX_HOURS + 3)
    assert Client().get("/healthz").status_code == 503

    response = Client().get("/healthz", {"only": "database"})

    assert response.status_code == 200
    assert [check["name"] for check in response.json()["checks"]] == ["database"]


def test_an_unknown_check_is_a_json_400() -> None:
    with override_settings(**FRESH):
        response = Client().get("/healthz", {"only": "nothing"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
