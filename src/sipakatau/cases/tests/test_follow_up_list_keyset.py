"""My follow-ups by keyset (issue 19): those to do and those done are two lists walked by
"Next", each follow-up once and in order, a page costs the same queries however many
follow-ups there are, and another person's follow-ups never appear."""

import re
from datetime import date, timedelta
from html import unescape

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.cases.models import Case, FollowUp
from tests.builders import open_case
from tests.factories import Persona

LIST = reverse("cases:follow_up_list")
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
DETAIL = re.compile(r'href="/kasus/tindak-lanjut/(\d+)/"')


def _many(case: Case, persona: Persona, count: int, *, done: bool, start: int = 0) -> list[int]:
    """``count`` follow-ups of ``persona``, written directly (the list reads these
    columns); two share each planned day, so the id must break ties."""
    today = date(2026, 3, 1)
    rows = FollowUp.objects.bulk_create(
        FollowUp(
            case=case,
            assigned_to=persona.user,
            created_by=persona.user,
            due_on=today + timedelta(days=(start + n) // 2),
            done_at=timezone.now() if done else None,
        )
        for n in range(count)
    )
    return [row.pk for row in rows]


def _walk(client: Client, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        seen += [int(pk) for pk in DETAIL.findall(html)]
        found = NEXT.search(html)
        url = LIST + unescape(found.group(1)) if found else ""
    return seen


def test_each_list_shows_every_follow_up_once_in_order(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, ikhlas_volunteer: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    to_do = _many(case, bahagia_volunteer, 60, done=False)
    done = _many(case, bahagia_volunteer, 55, done=True)
    _many(case, ikhlas_volunteer, 5, done=False)  # someone else's

    assert _walk(bahagia_volunteer.client, LIST) == sorted(
        to_do, key=lambda pk: (FollowUp.objects.get(pk=pk).due_on, pk)
    )
    assert _walk(bahagia_volunteer.client, LIST + "?tab=done") == sorted(
        done, key=lambda pk: (FollowUp.objects.get(pk=pk).due_on, pk), reverse=True
    )


def test_a_page_costs_the_same_queries_for_many_follow_ups(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    _many(case, bahagia_volunteer, 30, done=False)
    client = bahagia_volunteer.client
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _many(case, bahagia_volunteer, 300, done=False, start=30)
    found = NEXT.search(client.get(LIST).content.decode())
    assert found
    second = LIST + unescape(found.group(1))
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    with CaptureQueriesContext(connection) as later:
        client.get(second)
    assert len(many) == len(few) == len(later)
    assert not any("OFFSET" in query["sql"].upper() for query in later.captured_queries)


def test_an_edited_cursor_gives_the_first_page(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    _many(case, bahagia_volunteer, 3, done=False)
    page = bahagia_volunteer.client.get(LIST + "?cursor=not-ours")
    assert page.status_code == 200
    assert len(DETAIL.findall(page.content.decode())) == 3
