"""The notification list (issue 16): urgent and unread first, a sentence and a "Buka"
button, marking read by POST, the unread count for the menu, and nobody else's notice."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.notifications.context_processors import unread_count
from sipakatau.notifications.models import Notification
from sipakatau.notifications.queries import notifications_visible_to
from sipakatau.notifications.services import notify
from tests.factories import Persona

LIST = reverse("notifications:notification_list")
OPEN = reverse("notifications:notification_open")
MARK = reverse("notifications:notification_mark_read")
MARK_ALL = reverse("notifications:notification_mark_all_read")
CASE_LINK = "/kasus/4417/"


def _notice(persona: Persona, template: str = "case_assigned", **context: Any) -> Notification:
    notify(
        users=[persona.user],
        template=template,
        context={
            "register_number": "BHG-2/2026/0004",
            "unit_name": "LBK-KK Bahagia",
            "link": CASE_LINK,
            **context,
        },
    )
    return Notification.objects.filter(recipient=persona.user).order_by("-pk")[0]


def _age(notification: Notification, minutes: int) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_urgent_and_unread_notices_come_first(bahagia_caseworker: Persona) -> None:
    # Given an old urgent notice, a newer plain one, and the newest, already read
    urgent = _notice(bahagia_caseworker, "public_report_urgent")
    _age(urgent, 60)
    plain = _notice(bahagia_caseworker)
    _age(plain, 30)
    read = _notice(bahagia_caseworker, "public_report_urgent")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    older_plain = _notice(bahagia_caseworker, "closure_requested")
    _age(older_plain, 45)

    order = [n.pk for n in notifications_visible_to(bahagia_caseworker.user)]

    assert order == [urgent.pk, plain.pk, older_plain.pk, read.pk]


def test_the_list_shows_a_sentence_and_an_open_button_not_the_path(
    bahagia_caseworker: Persona,
) -> None:
    notice = _notice(bahagia_caseworker)

    page = bahagia_caseworker.client.get(LIST)

    assert page.status_code == 200
    html = page.content.decode()
    assert "BHG-2/2026/0004" in html
    assert CASE_LINK not in html
    assert f'action="{OPEN}"' in html
    assert f'name="notification" value="{notice.pk}"' in html
    # Looking at the list marks nothing read: the notice waits for "Buka" or "Tandai".
    notice.refresh_from_db()
    assert notice.read_at is None


def test_open_marks_read_and_goes_to_the_thing(bahagia_caseworker: Persona) -> None:
    notice = _notice(bahagia_caseworker)

    answer = bahagia_caseworker.client.post(OPEN, {"notification": notice.pk})

    assert answer.status_code == 302
    assert answer["Location"] == CASE_LINK
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "kasus/1/"])
def test_open_never_leads_off_the_site(bahagia_caseworker: Persona, link: str) -> None:
    notice = _notice(bahagia_caseworker, link=link)

    answer = bahagia_caseworker.client.post(OPEN, {"notification": notice.pk})

    assert answer["Location"] == LIST


def test_mark_read_and_mark_all_read(bahagia_caseworker: Persona) -> None:
    first = _notice(bahagia_caseworker)
    second = _notice(bahagia_caseworker)
    client = bahagia_caseworker.client

    answer = client.post(MARK, {"notification": first.pk})

    assert (answer.status_code, answer["Location"]) == (302, LIST)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None

    assert client.post(MARK_ALL)["Location"] == LIST
    second.refresh_from_db()
    assert second.read_at is not None


@pytest.mark.parametrize("url", [OPEN, MARK])
def test_an_outsider_cannot_open_or_mark_someone_elses_notice(
    bahagia_caseworker: Persona, ikhlas_volunteer: Persona, url: str
) -> None:
    notice = _notice(bahagia_caseworker)

    answer = ikhlas_volunteer.client.post(url, {"notification": notice.pk})

    assert answer.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    # nor is it on her list, and "mark all" leaves it alone
    her_list = ikhlas_volunteer.client.get(LIST).content.decode()
    assert f'name="notification" value="{notice.pk}"' not in her_list
    ikhlas_volunteer.client.post(MARK_ALL)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_missing_or_garbled_id_is_a_404(bahagia_caseworker: Persona) -> None:
    client = bahagia_caseworker.client
    assert client.post(OPEN, {"notification": "x"}).status_code == 404
    assert client.post(MARK).status_code == 404
    assert client.post(MARK, {"notification": 999999}).status_code == 404


def test_get_on_a_button_answers_the_list(bahagia_caseworker: Persona) -> None:
    for url in (OPEN, MARK, MARK_ALL):
        answer = bahagia_caseworker.client.get(url)
        assert (answer.status_code, answer["Location"]) == (302, LIST)


def test_the_list_does_not_grow_in_queries_with_notices(
    bahagia_caseworker: Persona, django_assert_max_num_queries: Any
) -> None:
    client = bahagia_caseworker.client
    _notice(bahagia_caseworker)
    client.get(LIST)  # warm the session

    # 13: the page, the session, the membership, the menu's unread count and the list.
    with django_assert_max_num_queries(13) as few:
        client.get(LIST)
    for template in ["public_report_urgent", "closure_requested", "deadline_overdue"] * 4:
        _notice(bahagia_caseworker, template)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST)
    assert page.content.decode().count('name="notification"') >= 13


def test_the_unread_count_costs_one_query(
    bahagia_caseworker: Persona, ikhlas_volunteer: Persona
) -> None:
    for _ in range(3):
        _notice(bahagia_caseworker)
    _notice(ikhlas_volunteer)
    read = _notice(bahagia_caseworker)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = bahagia_caseworker.user
    request.membership = bahagia_caseworker.membership  # type: ignore[attr-defined]

    with CaptureQueriesContext(connection) as queries:
        count = unread_count(request)["unread_notifications"]
        assert bool(count)
        assert str(count) == "3"
        assert f"{count}" == "3"

    assert len(queries.captured_queries) == 1


def test_the_unread_count_costs_nothing_without_a_membership(bahagia_caseworker: Persona) -> None:
    request = RequestFactory().get("/")
    request.user = bahagia_caseworker.user

    with CaptureQueriesContext(connection) as queries:
        assert unread_count(request) == {"unread_notifications": 0}

    assert queries.captured_queries == []
