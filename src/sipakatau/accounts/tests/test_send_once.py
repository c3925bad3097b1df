"""A staff form sent twice — a double tap, a resend after a timeout, two sends at the same
moment — does its work once (``accounts.once``), through every POST form's
``{% csrf_token %}``."""

import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from sipakatau.accounts import once
from sipakatau.accounts.models import Organisation, SentForm
from sipakatau.cases.models import Case, Note
from sipakatau.public.models import PublicMessage
from sipakatau.public.tests.support import submit, track
from sipakatau.referrals.tests.races import at_once, skip_on_sqlite
from tests.builders import open_case
from tests.factories import Persona

ONCE = re.compile(r'name="_once" value="([0-9a-f]{32})"')


def send(client: Client, url: str, data: dict[str, str]) -> Any:
    """As a browser sends a form without a file: URL-encoded (the test client's default
    is multipart, which the guard leaves to the views)."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


def note_page(persona: Persona, case: Case) -> tuple[str, str]:
    """The note form as the page renders it: its address and its one-time key."""
    url = reverse("cases:note_add", args=[case.pk])
    page = persona.client.get(url).content.decode()
    keys = ONCE.findall(page)
    assert keys, "the form carries no one-time key"
    return url, keys[-1]


@pytest.fixture
def case(bahagia_caseworker: Persona) -> Case:
    return open_case(bahagia_caseworker.membership)


@pytest.mark.django_db
def test_a_double_tap_saves_the_note_once_and_both_land_on_the_case(
    bahagia_caseworker: Persona, case: Case
) -> None:
    url, key = note_page(bahagia_caseworker, case)
    first = send(bahagia_caseworker.client, url, {"body": "Kunjungan rumah", "_once": key})
    second = send(bahagia_caseworker.client, url, {"body": "Kunjungan rumah", "_once": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Note.objects.filter(case=case).count() == 1
    # A new rendering of the form is a new key: a second note is a second note.
    url, other = note_page(bahagia_caseworker, case)
    assert other != key
    send(bahagia_caseworker.client, url, {"body": "Kunjungan kedua", "_once": other})
    assert Note.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_refused_form_frees_its_key_for_the_corrected_send(
    bahagia_caseworker: Persona, case: Case
) -> None:
    url, key = note_page(bahagia_caseworker, case)
    refused = send(bahagia_caseworker.client, url, {"body": "", "_once": key})
    assert refused.status_code == 200  # the form again, with its error
    assert not Note.objects.filter(case=case).exists()
    assert not SentForm.objects.filter(key=key).exists()
    saved = send(bahagia_caseworker.client, url, {"body": "Catatan lengkap", "_once": key})
    assert saved.status_code == 302
    assert Note.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_key_is_one_person_s_another_may_not_replay_it(
    bahagia_caseworker: Persona, coordinator: Persona, case: Case
) -> None:
    url, key = note_page(bahagia_caseworker, case)
    send(bahagia_caseworker.client, url, {"body": "Catatan pendamping", "_once": key})
    send(coordinator.client, url, {"body": "Catatan koordinator", "_once": key})
    assert Note.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_resend_while_the_first_is_still_saving_waits_then_says_so_in_indonesian(
    bahagia_caseworker: Persona, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(once, "WAIT", 0.3)
    monkeypatch.setattr(once, "STEP", 0.1)
    url, key = note_page(bahagia_caseworker, case)
    # The first send claimed the key and has not finished
    SentForm.objects.create(
        owner=f"u:{bahagia_caseworker.user.pk}", key=key, path=url, sent_at=case.reported_at
    )
    response = send(bahagia_caseworker.client, url, {"body": "Catatan", "_once": key})
    assert response.status_code == 409
    assert "masih disimpan" in response.content.decode()
    assert not Note.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_every_post_form_on_a_page_gets_its_own_key(
    bahagia_caseworker: Persona, case: Case
) -> None:
    page = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case.pk])).content
    forms = page.decode().count('method="post"')
    keys = ONCE.findall(page.decode())
    assert forms and len(keys) == forms
    assert len(set(keys)) == len(keys)


def test_two_sends_at_the_same_moment_save_once(
    shared_database: None, bahagia_caseworker: Persona
) -> None:
    skip_on_sqlite()
    case = open_case(bahagia_caseworker.membership)
    url, key = note_page(bahagia_caseworker, case)
    clients = []
    for _ in range(2):
        client = Client()
        client.cookies = bahagia_caseworker.client.cookies
        clients.append(client)
    answers = at_once(
        *(partial(send, client, url, {"body": "Dua kali", "_once": key}) for client in clients)
    )
    assert [answer.status_code for answer in answers] == [302, 302]  # type: ignore[attr-defined]
    assert Note.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_reporter_s_message_sent_twice_arrives_once(
    anonymous: Client, bahagia: Organisation
) -> None:
    """The reporter following her report is not signed in: her browser session is the
    owner of the key."""
    submitted = submit()
    assert submitted.pin is not None
    track(anonymous, submitted.report.tracking_code, submitted.pin)
    page = anonymous.get(reverse("public:track")).content.decode()
    key = ONCE.findall(page)[0]
    for _ in range(2):
        body = {"body": "Tolong hubungi sore saja.", "_once": key}
        response = send(anonymous, reverse("public:track_message"), body)
        assert response.status_code == 302
    assert PublicMessage.objects.filter(report=submitted.report).count() == 1
    session_key = anonymous.session.session_key
    assert session_key and not SentForm.objects.filter(owner__contains=session_key).exists()


@pytest.mark.django_db
def test_signing_in_is_left_to_its_own_rules(anonymous: Client) -> None:
    """A double tap on "Masuk" must not answer the second tap with a redirect that
    carries no signed-in session: the sign-in forms are not keyed."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    anonymous.get(reverse("public:track"))
    for path, owned in ((reverse("accounts:login"), False), (reverse("public:track"), True)):
        request = RequestFactory().post(path)
        request.user = AnonymousUser()
        request.session = anonymous.session
        assert (once.owner_of(request) is not None) is owned
