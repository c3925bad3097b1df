"""An API write sent again with the same Idempotency-Key is answered, not done again
(lib.idempotency): the key, the write and the answer are committed together."""

import json

import pytest
from django.db import connection
from django.test import Client

from sipakatau.cases.models import Note
from sipakatau.lib.models import ApiReplay
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from tests.builders import API, bearer, open_case, post
from tests.factories import Persona


def _notes(case_id: int) -> list[str]:
    return [note.body for note in Note.objects.filter(case_id=case_id).order_by("pk")]


def test_a_note_sent_twice_with_one_key_is_stored_once_and_answered_twice_alike(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)
    url = f"{API}/{case.pk}/notes"

    first = post(client, url, {"body": "Korban aman di rumah ibunya"}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, url, {"body": "Korban aman di rumah ibunya"}, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _notes(case.pk) == ["Korban aman di rumah ibunya"]


def test_without_a_key_each_send_is_its_own_write(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)
    url = f"{API}/{case.pk}/notes"

    post(client, url, {"body": "Satu"})
    post(client, url, {"body": "Satu"})

    assert _notes(case.pk) == ["Satu", "Satu"]


def test_the_same_key_for_another_request_is_refused_and_changes_nothing(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)
    url = f"{API}/{case.pk}/notes"
    post(client, url, {"body": "Pertama"}, HTTP_IDEMPOTENCY_KEY="k-2")

    other = post(client, url, {"body": "Lain"}, HTTP_IDEMPOTENCY_KEY="k-2")

    assert other.status_code == 422
    assert other.json()["code"] == "key_reused"
    assert _notes(case.pk) == ["Pertama"]


def test_a_refused_write_frees_its_key_for_the_corrected_request(
    bahagia_caseworker: Persona,
) -> None:
    case = open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)
    url = f"{API}/{case.pk}/notes"

    refused = post(client, url, {"body": ""}, HTTP_IDEMPOTENCY_KEY="k-3")
    corrected = post(client, url, {"body": "Sudah diperbaiki"}, HTTP_IDEMPOTENCY_KEY="k-3")

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert _notes(case.pk) == ["Sudah diperbaiki"]


def test_a_key_belongs_to_the_token_that_sent_it(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    url = f"{API}/{case.pk}/notes"

    post(bearer(bahagia_caseworker), url, {"body": "Dari pekerja kasus"}, HTTP_IDEMPOTENCY_KEY="k")
    theirs = post(
        bearer(coordinator), url, {"body": "Dari pekerja kasus"}, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert len(_notes(case.pk)) == 2


def test_an_out_of_scope_answer_is_not_kept_and_reveals_nothing_later(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    url = f"{API}/{case.pk}/notes"
    stranger = bearer(ikhlas_caseworker)

    assert post(stranger, url, {"body": "x"}, HTTP_IDEMPOTENCY_KEY="k-4").status_code == 404
    assert post(stranger, url, {"body": "x"}, HTTP_IDEMPOTENCY_KEY="k-4").status_code == 404
    assert not ApiReplay.objects.exists()


def test_the_kept_answer_is_encrypted_at_rest(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    post(
        bearer(bahagia_caseworker),
        f"{API}/{case.pk}/notes",
        {"body": "Kanari Zyxwv tinggal di RT 2"},
        HTTP_IDEMPOTENCY_KEY="k-5",
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM lib_apireplay")
        (stored,) = cursor.fetchone()
    assert "Kanari" not in stored
    assert ApiReplay.objects.get().body.count("Kanari Zyxwv") == 1


def test_an_anonymous_request_is_never_replayed(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    answer = Client().post(
        f"{API}/{case.pk}/notes",
        json.dumps({"body": "x"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-6",
    )

    assert answer.status_code == 401
    assert not ApiReplay.objects.exists()


def test_two_sends_of_one_key_at_the_same_moment_store_one_note(
    shared_database: None, bahagia_caseworker: Persona
) -> None:
    skip_on_sqlite()
    case = open_case(bahagia_caseworker.membership)
    client = bearer(bahagia_caseworker)
    url = f"{API}/{case.pk}/notes"
    for round_ in range(5):
        key = f"race-{round_}"

        first, second = at_once(
            *[lambda k=key: post(client, url, {"body": k}, HTTP_IDEMPOTENCY_KEY=k)] * 2
        )

        assert first.status_code == second.status_code == 201  # type: ignore[attr-defined]
        assert first.json() == second.json()  # type: ignore[attr-defined]
        assert _notes(case.pk).count(key) == 1


@pytest.mark.parametrize("key", ["", "x" * 201])
def test_a_key_of_the_wrong_length_is_refused(bahagia_caseworker: Persona, key: str) -> None:
    case = open_case(bahagia_caseworker.membership)
    answer = post(
        bearer(bahagia_caseworker),
        f"{API}/{case.pk}/notes",
        {"body": "x"},
        HTTP_IDEMPOTENCY_KEY=key,
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_key"
    assert _notes(case.pk) == []
