"""/healthz's queue check, against the real brokers: Redis on 127.0.0.1:6379 (this
project's test database 2) and django-q's ORM queue table."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/2"
NOTHING_LISTENS = "redis://127.0.0.1:8399/2"


def queue_check(**q_cluster: object) -> tuple[int, dict]:
    with override_settings(Q_CLUSTER=q_cluster, SIPAKATAU_HEALTH_CACHE_SECONDS=0):
        response = Client().get("/healthz")
    (check,) = [c for c in response.json()["checks"] if c["name"] == "queue"]
    return response.status_code, check


def test_a_redis_broker_that_answers_passes() -> None:
    _status, check = queue_check(name="sipakatau-health-test", redis=REDIS)

    assert check == {"name": "queue", "ok": True, "reason": "broker answers, 0 jobs waiting"}


def test_a_redis_broker_given_as_a_dict_passes() -> None:
    _status, check = queue_check(name="t", redis={"host": "127.0.0.1", "port": 6379, "db": 2})

    assert check["ok"] is True


def test_a_redis_broker_that_does_not_answer_fails_with_503() -> None:
    status, check = queue_check(name="sipakatau-health-test", redis=NOTHING_LISTENS)

    assert status == 503
    assert check == {"name": "queue", "ok": False, "reason": "failed: ConnectionError"}
    assert "8399" not in check["reason"]


def test_an_orm_queue_with_a_job_waiting_too_long_fails() -> None:
    from django_q.models import OrmQ

    OrmQ.objects.create(key="sipakatau", payload="x", lock=timezone.now() - timedelta(hours=2))

    status, check = queue_check(name="sipakatau", orm="default")

    assert status == 503
    assert check["ok"] is False
    assert "120 min" in check["reason"]


def test_an_orm_queue_with_a_fresh_job_passes() -> None:
    from django_q.models import OrmQ

    OrmQ.objects.create(key="sipakatau", payload="x", lock=timezone.now() - timedelta(minutes=1))
    # A job a worker holds (locked into the future) is not waiting.
    OrmQ.objects.create(key="sipakatau", payload="y", lock=timezone.now() + timedelta(hours=1))

    _status, check = queue_check(name="sipakatau", orm="default")

    assert check == {"name": "queue", "ok": True, "reason": "oldest job waiting 1 min"}


def test_an_empty_orm_queue_passes() -> None:
    _status, check = queue_check(name="sipakatau", orm="default")

    assert check == {"name": "queue", "ok": True, "reason": "no job waiting"}


def test_no_queue_configured_passes() -> None:
    with override_settings(SIPAKATAU_HEALTH_CACHE_SECONDS=0):
        response = Client().get("/healthz")
    (check,) = [c for c in response.json()["checks"] if c["name"] == "queue"]

    assert check["ok"] is True
