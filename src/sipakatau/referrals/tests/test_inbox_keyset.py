"""The referral inbox by keyset (issue 19): a tab is walked by "Next" (the page) or by
``next`` (the API), each referral once and in the tab's order, and a page costs the same
queries however many referrals the organisation has received."""

import re
from datetime import timedelta
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.referrals.models import Referral
from tests.factories import Persona

from .support import referral_between

INBOX = reverse("referrals:inbox")
API = "/api/v1/referrals/received"
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
ROW = re.compile(r'href="/rujukan/(\d+)/"')


def _copies(referral: Referral, count: int) -> list[int]:
    """``count`` copies of a referral in the same inbox, written directly (the inbox reads
    these columns); three share each due time, so the id must break ties."""
    now = timezone.now()
    copies = []
    made = Referral.objects.count()
    for n in range(made, made + count):
        copy = Referral.objects.get(pk=referral.pk)
        copy.pk = None
        copy.register_number = f"{referral.register_number}-{n}"
        copy.due_at = now + timedelta(hours=n // 3)
        copies.append(copy)
    return [row.pk for row in Referral.objects.bulk_create(copies)]


def _walk_page(persona: Persona, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        html = persona.client.get(url).content.decode()
        seen += [int(pk) for pk in ROW.findall(html)]
        found = NEXT.search(html)
        url = INBOX + unescape(found.group(1)) if found else ""
    return seen


def test_the_new_tab_shows_every_referral_once_by_due_time(
    bahagia: Organisation, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    first = referral_between(bahagia, dinsos)
    ids = [first.pk, *_copies(first, 60)]
    expected = [
        pk
        for pk in Referral.objects.filter(pk__in=ids)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    ]

    assert _walk_page(dinsos_officer, INBOX + "?show=new") == expected

    seen: list[int] = []
    cursor = ""
    while cursor is not None:
        page = dinsos_officer.client.get(API, {"show": "new", "cursor": cursor}).json()
        assert page["count"] is None
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
    assert seen == expected


def test_a_page_of_the_inbox_costs_the_same_queries_for_many_referrals(
    bahagia: Organisation, dinsos: Organisation, dinsos_officer: Persona
) -> None:
    def count(url: str, **params: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert dinsos_officer.client.get(url, params).status_code == 200
        return len(queries)

    first = referral_between(bahagia, dinsos)
    _copies(first, 3)
    pages = [(INBOX, {"show": "all"}), (API, {"cursor": ""}), (API, {"show": "new"})]
    few = [count(url, **params) for url, params in pages]
    _copies(first, 120)
    assert [count(url, **params) for url, params in pages] == few
    later = dinsos_officer.client.get(API, {"cursor": ""}).json()["next"]
    assert count(API, cursor=later) == few[1]
