"""Floods of reports are slowed per address and per kelurahan; a genuine retry of the same
report is never refused, and every refusal says what to do instead."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import PublicReport

from .support import submit


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=3)
def test_the_fourth_report_from_one_address_in_an_hour_is_refused(bahagia: Organisation) -> None:
    for _ in range(3):
        submit(address="10.0.0.7")

    with pytest.raises(ValidationError) as refused:
        submit(address="10.0.0.7")

    assert refused.value.code == "rate_limited"
    assert PublicReport.objects.count() == 3
    # Another address is not affected.
    submit(address="10.0.0.8")


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_repeat_of_the_same_report_is_never_counted(bahagia: Organisation) -> None:
    key = uuid.uuid4().hex
    first = submit(idempotency_key=key, address="10.0.0.7")

    again = submit(idempotency_key=key, address="10.0.0.7")

    assert again.report.pk == first.report.pk
    assert PublicReport.objects.count() == 1


@override_settings(PUBLIC_REPORTS_PER_KELURAHAN=2, PUBLIC_REPORTS_PER_ADDRESS=100)
def test_a_kelurahan_flooded_from_many_addresses_is_slowed_too(bahagia: Organisation) -> None:
    submit(address="10.0.0.1")
    submit(address="10.0.0.2")

    with pytest.raises(ValidationError):
        submit(address="10.0.0.3")


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_the_api_answers_429_with_advice(anonymous: Client, bahagia: Organisation) -> None:
    body = {"kelurahan_code": "73.72.03.1003", "about_self": True, "what_happened": "Tolong."}

    def send() -> object:
        return anonymous.post(
            "/api/v1/public/reports",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )

    assert send().status_code == 201  # type: ignore[attr-defined]
    refused = send()

    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.json()["code"] == "rate_limited"  # type: ignore[attr-defined]
    assert "129" in refused.json()["detail"]  # type: ignore[attr-defined]
