"""Over a flood limit the form asks a short sum in words instead of only refusing: a
person gets through, a wrong or reused answer does not, and nothing is stored on the way."""

import json
import re
import uuid

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation
from sipakatau.public.challenge import SALT, challenge_new, parse_answer, work_done
from sipakatau.public.models import PublicReport

from .support import challenge_in, form_data, prove_work, solve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bahagia")]
WRONG_ANSWER = (
    "The answer was not right, or the question was too old. Nothing was sent. "
    "Please answer the new question below."
)
ADDRESS = "10.9.9.9"


def _post(client: Client, data: dict[str, str], url: str = "") -> object:
    return client.post(url or reverse("public:report"), data, REMOTE_ADDR=ADDRESS)


def _fill_the_limit(client: Client) -> None:
    assert _post(client, form_data()).status_code == 302  # type: ignore[attr-defined]


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_reporter_over_the_limit_answers_the_question_and_her_report_is_stored_once(
    anonymous: Client,
) -> None:
    # Given the address has used up its reports for the hour
    _fill_the_limit(anonymous)
    data = form_data(what_happened="Ibu di sebelah rumah dipukul lagi.", when="tadi pagi")

    # When she sends hers, she is asked a question and what she wrote is kept
    asked = _post(anonymous, data)
    assertContains(asked, "Ibu di sebelah rumah dipukul lagi.", status_code=429)  # type: ignore[arg-type]
    assertContains(asked, "tadi pagi", status_code=429)  # type: ignore[arg-type]
    question, token = challenge_in(asked.content.decode())  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1

    # And answers it right: the report goes through, once
    answer = str(solve(question))
    sent = _post(anonymous, {**data, "challenge_token": token, "challenge_answer": answer})
    assert sent.status_code == 302  # type: ignore[attr-defined]
    assert sent["Location"] == reverse("public:report_done")  # type: ignore[index]
    assert PublicReport.objects.filter(idempotency_key=data["idempotency_key"]).count() == 1
    assert PublicReport.objects.count() == 2

    # Sending the same form again (a retry) is the same report, not a third one
    again = _post(anonymous, {**data, "challenge_token": token, "challenge_answer": answer})
    assert again.status_code == 302  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 2


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_wrong_answer_is_refused_in_plain_words_and_nothing_is_stored(
    anonymous: Client,
) -> None:
    _fill_the_limit(anonymous)
    data = form_data(what_happened="Anak tetangga dipukul.")
    question, token = challenge_in(_post(anonymous, data).content.decode())  # type: ignore[attr-defined]
    wrong = str(solve(question) + 1)

    refused = _post(anonymous, {**data, "challenge_token": token, "challenge_answer": wrong})

    # The refusal in the page's language (Bahasa Indonesia by default)
    assertContains(refused, escape(gettext(WRONG_ANSWER)), status_code=429)  # type: ignore[arg-type]
    assertContains(refused, "Anak tetangga dipukul.", status_code=429)  # type: ignore[arg-type]
    assert PublicReport.objects.count() == 1
    # A new question is asked, with a new token
    assert challenge_in(refused.content.decode())[1] != token  # type: ignore[attr-defined]


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_token_is_good_for_one_try_only(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    question, token = challenge_in(_post(anonymous, form_data()).content.decode())  # type: ignore[attr-defined]
    answer = str(solve(question))
    assert (
        _post(
            anonymous, {**form_data(), "challenge_token": token, "challenge_answer": answer}
        ).status_code
        == 302
    )  # type: ignore[attr-defined]

    # The same token and answer with another report: a replay, refused
    replay = _post(anonymous, {**form_data(), "challenge_token": token, "challenge_answer": answer})

    assert replay.status_code == 429  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 2


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_wrong_answer_spends_the_token_so_it_cannot_be_guessed(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    question, token = challenge_in(_post(anonymous, form_data()).content.decode())  # type: ignore[attr-defined]
    right = solve(question)

    _post(anonymous, {**form_data(), "challenge_token": token, "challenge_answer": str(right + 1)})
    retry = _post(
        anonymous, {**form_data(), "challenge_token": token, "challenge_answer": str(right)}
    )

    assert retry.status_code == 429  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_forged_token_is_refused(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    _question, token = challenge_in(_post(anonymous, form_data()).content.decode())  # type: ignore[attr-defined]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    refused = _post(anonymous, {**form_data(), "challenge_token": forged, "challenge_answer": "5"})

    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_the_honeypot_still_stops_a_robot_that_answers(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    question, token = challenge_in(_post(anonymous, form_data()).content.decode())  # type: ignore[attr-defined]
    data = form_data(website="http://spam.example")
    data.update(challenge_token=token, challenge_answer=str(solve(question)))

    assert _post(anonymous, data).status_code == 400  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1


def test_the_page_holds_no_answer_in_clear() -> None:
    challenge = challenge_new()
    answer = solve(challenge.question)

    # The token carries a nonce and a keyed hash, never the answer itself
    data = signing.loads(challenge.token, salt=SALT)
    assert set(data) == {"n", "h"}
    assert str(answer) not in (data["n"], data["h"])
    with pytest.raises(signing.BadSignature):
        signing.loads(challenge.token, salt="another purpose")


@pytest.mark.parametrize(("text", "number"), [("8", 8), (" 12 ", 12), ("eight", 8), ("x", None)])
def test_an_answer_may_be_digits_or_a_word(text: str, number: int | None) -> None:
    assert parse_answer(text) == number


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_the_api_answers_429_with_a_challenge_and_takes_the_answer_in_headers(
    anonymous: Client, bahagia: Organisation
) -> None:
    body = json.dumps({"kelurahan_code": "73.72.03.1003", "what_happened": "Tolong."})

    def send(key: str, **headers: str) -> object:
        return anonymous.post(
            "/api/v1/public/reports",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": key, **headers},
        )

    assert send(uuid.uuid4().hex).status_code == 201  # type: ignore[attr-defined]
    key = uuid.uuid4().hex
    refused = send(key)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    answer = refused.json()  # type: ignore[attr-defined]
    assert answer["code"] == "rate_limited"
    assert "129" in answer["detail"]
    challenge = answer["challenge"]

    wrong = send(
        key,
        **{"X-Challenge-Token": challenge["token"], "X-Challenge-Answer": "99"},
    )
    assert wrong.status_code == 429  # type: ignore[attr-defined]
    assert wrong.json()["code"] == "challenge_failed"  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1

    fresh = wrong.json()["challenge"]  # type: ignore[attr-defined]
    right = send(
        key,
        **{
            "X-Challenge-Token": fresh["token"],
            "X-Challenge-Answer": str(solve(fresh["question"])),
        },
    )
    assert right.status_code == 201  # type: ignore[attr-defined]
    assert PublicReport.objects.filter(idempotency_key=key).count() == 1


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_the_api_takes_the_answer_in_the_body_too(anonymous: Client) -> None:
    report = {"kelurahan_code": "73.72.03.1003", "what_happened": "Tolong."}

    def send(key: str, **extra: str) -> object:
        return anonymous.post(
            "/api/v1/public/reports",
            json.dumps({**report, **extra}),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    send(uuid.uuid4().hex)
    key = uuid.uuid4().hex
    challenge = send(key).json()["challenge"]  # type: ignore[attr-defined]

    right = send(
        key,
        challenge_token=challenge["token"],
        challenge_answer=str(solve(challenge["question"])),
    )

    assert right.status_code == 201  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 2


def test_the_openapi_document_describes_the_challenge(anonymous: Client) -> None:
    document = anonymous.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/public/reports"]["post"]
    assert "X-Challenge-Token" in operation["description"]
    assert "429" in operation["responses"]


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_proof_of_work_lets_the_report_through_without_the_answer(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    page = _post(anonymous, form_data()).content.decode()  # type: ignore[attr-defined]
    _question, token = challenge_in(page)
    nonce = re.search(r'data-nonce="([^"]+)"', page)
    bits = re.search(r'data-bits="(\d+)"', page)
    assert nonce is not None and bits is not None
    work = prove_work(nonce.group(1), int(bits.group(1)))

    sent = _post(anonymous, {**form_data(), "challenge_token": token, "challenge_work": work})

    assert sent.status_code == 302  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 2


@override_settings(PUBLIC_REPORTS_PER_ADDRESS=1)
def test_a_false_proof_of_work_is_refused(anonymous: Client) -> None:
    _fill_the_limit(anonymous)
    page = _post(anonymous, form_data()).content.decode()  # type: ignore[attr-defined]
    _question, token = challenge_in(page)
    nonce = re.search(r'data-nonce="([^"]+)"', page)
    assert nonce is not None
    work = 0
    while work_done(nonce.group(1), str(work)):  # a number that is not a proof
        work += 1

    refused = _post(
        anonymous, {**form_data(), "challenge_token": token, "challenge_work": str(work)}
    )

    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert PublicReport.objects.count() == 1
