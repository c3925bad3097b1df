"""The public API: a report is answered 201 with its code and PIN once; the same key
again answers the same code without the PIN."""

import json

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import PublicReport

pytestmark = pytest.mark.django_db
REPORT = {"kelurahan_code": "73.72.03.1003", "what_happened": "Ada pemukulan.", "danger_now": True}


def _post(client: Client, body: dict[str, object], key: str | None) -> object:
    headers = {"Idempotency-Key": key} if key else None
    return client.post(
        "/api/v1/public/reports", json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_report_is_created_once_per_key(anonymous: Client, bahagia: Organisation) -> None:
    first = _post(anonymous, REPORT, "key-0001-abcdef")
    second = _post(anonymous, REPORT, "key-0001-abcdef")

    assert first.status_code == 201  # type: ignore[attr-defined]
    assert second.status_code == 200  # type: ignore[attr-defined]
    one, two = first.json(), second.json()  # type: ignore[attr-defined]
    assert one["tracking_code"] == two["tracking_code"]
    assert one["pin"] and len(one["pin"]) == 6
    assert two["pin"] is None and two["pin_shown_before"] is True
    assert PublicReport.objects.count() == 1


def test_a_report_without_a_key_is_refused(anonymous: Client, bahagia: Organisation) -> None:
    response = _post(anonymous, REPORT, None)

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not PublicReport.objects.exists()


def test_tracking_answers_status_and_limits_guessing(
    anonymous: Client, bahagia: Organisation
) -> None:
    created = _post(anonymous, REPORT, "key-0002-abcdef").json()  # type: ignore[attr-defined]

    found = anonymous.post(
        "/api/v1/public/track",
        json.dumps({"code": created["tracking_code"], "pin": created["pin"]}),
        content_type="application/json",
    )
    assert found.status_code == 200
    assert found.json()["status"] == "received"

    wrong = "000000" if created["pin"] != "000000" else "111111"
    answers = [
        anonymous.post(
            "/api/v1/public/track",
            json.dumps({"code": created["tracking_code"], "pin": wrong}),
            content_type="application/json",
        ).status_code
        for _n in range(6)
    ]
    assert answers == [404] * 5 + [429]


def test_a_report_may_carry_a_photo(anonymous: Client, bahagia: Organisation) -> None:
    import base64

    from tests.builders import png

    body = {
        **REPORT,
        "photo_name": "luka.png",
        "photo_base64": base64.b64encode(png()).decode(),
    }

    response = _post(anonymous, body, "key-0003-abcdef")

    assert response.status_code == 201  # type: ignore[attr-defined]
    report = PublicReport.objects.get()
    assert report.photo_content_type == "image/png"
    assert report.photo


def test_a_photo_that_is_not_one_is_refused_and_nothing_is_stored(
    anonymous: Client, bahagia: Organisation
) -> None:
    import base64

    body = {**REPORT, "photo_base64": base64.b64encode(b"<html>bukan foto</html>").decode()}

    response = _post(anonymous, body, "key-0004-abcdef")

    assert response.status_code in (400, 422)  # type: ignore[attr-defined]
    assert not PublicReport.objects.exists()


def test_the_reporter_can_send_a_message_with_her_code_and_pin(
    anonymous: Client, bahagia: Organisation
) -> None:
    from sipakatau.public.models import PublicMessage

    created = _post(anonymous, REPORT, "key-0005-abcdef").json()  # type: ignore[attr-defined]

    sent = anonymous.post(
        "/api/v1/public/messages",
        json.dumps({"code": created["tracking_code"], "pin": created["pin"], "body": "Halo."}),
        content_type="application/json",
    )
    wrong = "000000" if created["pin"] != "000000" else "111111"
    refused = anonymous.post(
        "/api/v1/public/messages",
        json.dumps({"code": created["tracking_code"], "pin": wrong, "body": "Palsu."}),
        content_type="application/json",
    )

    assert sent.status_code == 201
    assert refused.status_code == 404
    assert list(PublicMessage.objects.values_list("body", flat=True)) == ["Halo."]


def test_a_malformed_code_is_a_typing_slip_and_is_not_counted(
    anonymous: Client, bahagia: Organisation
) -> None:
    from sipakatau.public.models import TrackingFailure

    created = _post(anonymous, REPORT, "key-0006-abcdef").json()  # type: ignore[attr-defined]
    slips = [
        anonymous.post(
            f"/api/v1/public/{endpoint}",
            json.dumps({"code": "ABC", "pin": created["pin"], "body": "Halo."}),
            content_type="application/json",
        ).status_code
        for endpoint in ("track", "messages")
    ]

    assert slips == [422, 422]
    assert not TrackingFailure.objects.exists()


def test_messages_are_refused_like_tracking_after_too_many_wrong_pins(
    anonymous: Client, bahagia: Organisation
) -> None:
    created = _post(anonymous, REPORT, "key-0007-abcdef").json()  # type: ignore[attr-defined]
    wrong = "000000" if created["pin"] != "000000" else "111111"

    answers = [
        anonymous.post(
            "/api/v1/public/messages",
            json.dumps({"code": created["tracking_code"], "pin": wrong, "body": "Palsu."}),
            content_type="application/json",
        ).status_code
        for _n in range(6)
    ]

    assert answers == [404] * 5 + [429]
