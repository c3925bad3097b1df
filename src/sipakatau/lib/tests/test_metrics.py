"""/metrics: the Prometheus format, for allowed addresses only, with labels that never
carry a path, an id or a person."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import Persona

pytestmark = pytest.mark.django_db

# Labels whose values are numbers by nature (a bucket, a status, a GC generation).
NUMERIC_LABELS = {"le", "status", "code", "quantile", "generation"}


def scrape(client: Client | None = None, **extra: str) -> str:
    response = (client or Client()).get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)
    assert response.status_code == 200
    return response.content.decode()


def labels(text: str) -> list[tuple[str, str, str]]:
    """Every (metric, label, value) in the scrape."""
    return [
        (sample.name, label, value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        for label, value in sample.labels.items()
    ]


def test_loopback_reads_request_response_and_database_metrics() -> None:
    Client().get("/healthz")

    text = scrape()

    assert "django_http_requests_total_by_view_transport_method_total" in text
    assert "django_http_responses_total_by_status_view_method_total" in text
    assert "django_db_execute_total" in text
    assert ("django_http_requests_total_by_view_transport_method_total", "view", "healthz") in (
        labels(text)
    )


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.1.20", "2001:db8::1", "not-an-ip"])
def test_any_other_address_gets_a_404(address: str) -> None:
    response = Client().get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 404
    assert b"django_http" not in response.content


def test_a_request_through_the_proxy_gets_a_404_though_the_proxy_is_on_loopback() -> None:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert response.status_code == 404


@override_settings(SIPAKATAU_METRICS_ALLOWED=["10.0.0.0/8"])
def test_an_allowed_network_reads_them_and_loopback_no_longer() -> None:
    assert Client().get("/metrics", REMOTE_ADDR="10.9.8.7").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_a_case_detail_leaves_no_id_path_or_name_in_any_label(
    bahagia_caseworker: Persona,
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim

    case, _victim = case_with_victim(bahagia_caseworker.membership, name="Siti Metrikawati")
    path = f"/kasus/{case.pk}/"
    response = bahagia_caseworker.client.get(f"{path}?q=Siti+Metrikawati")
    assert response.status_code == 200

    text = scrape()

    found = labels(text)
    assert (
        "django_http_requests_total_by_view_transport_method_total",
        "view",
        "cases:case_detail",
    ) in found
    for _metric, label, value in found:
        assert "/kasus/" not in value
        assert "Metrikawati" not in value
        assert case.register_number not in value
        if label not in NUMERIC_LABELS:
            assert value != str(case.pk)
    assert "Metrikawati" not in text
    assert case.register_number not in text


def test_a_job_run_and_a_job_failure_are_counted_by_function() -> None:
    from django_q.signals import post_execute

    from sipakatau.lib.observability import connect_job_metrics

    connect_job_metrics()  # as LibConfig.ready does; connecting again changes nothing
    task = "sipakatau.notifications.jobs.deliver_outbox"
    runs = REGISTRY.get_sample_value("sipakatau_job_runs_total", {"task": task}) or 0.0
    failures = REGISTRY.get_sample_value("sipakatau_job_failures_total", {"task": task}) or 0.0
    started = timezone.now()

    # A task as django-q's monitor hands it on: its own made-up name must not be a label.
    for success in (True, False):
        post_execute.send(
            sender="django_q",
            task={
                "id": "a1b2",
                "name": "kilo-romeo-nine",
                "func": task,
                "args": ("Siti",),
                "success": success,
                "started": started,
                "stopped": started + timedelta(seconds=2),
            },
        )

    assert REGISTRY.get_sample_value("sipakatau_job_runs_total", {"task": task}) == runs + 2
    assert REGISTRY.get_sample_value("sipakatau_job_failures_total", {"task": task}) == failures + 1
    text = scrape()
    assert f'sipakatau_job_runs_total{{task="{task}"}}' in text
    assert "kilo-romeo-nine" not in text
    assert "Siti" not in text
