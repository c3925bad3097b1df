"""The case list by keyset (issue 19): "Next" and "Previous" walk the list by position, so
every case appears once and in order, a page costs the same queries however long the list,
a cursor not made here is refused cleanly, and another unit's cases never appear."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.cases.codes import Channel
from sipakatau.cases.models import Case, Status
from sipakatau.lib.keyset import CURSOR_SALT
from tests.builders import API, bearer, open_case, post
from tests.factories import Persona, english

LIST = reverse("cases:case_list")
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
PREVIOUS = re.compile(r'<a href="([^"]*)" rel="prev">')


def _many(persona: Persona, count: int, *, prefix: str = "KEY") -> list[Case]:
    """``count`` completed cases of the persona's unit, written directly (the list only
    reads these columns). Every third shares its report time with the one before, so the
    id must break ties; statuses alternate so that a filter keeps part of them."""
    now = timezone.now().replace(microsecond=0)
    unit = persona.membership.organisation
    cases = Case.objects.bulk_create(
        Case(
            organisation=unit,
            register_number=f"{prefix}-{unit.pk}/2026/{n:04d}",
            channel=Channel.WALK_IN,
            status=Status.ASSESSED if n % 2 else Status.NEW,
            reported_at=now - timedelta(minutes=n - n % 3),
            created_by_id=persona.membership.user_id,
            intake_completed_at=now,
        )
        for n in range(count)
    )
    return list(Case.objects.filter(pk__in=[case.pk for case in cases]))


def _expected(cases: list[Case]) -> list[str]:
    ordered = sorted(cases, key=lambda case: (case.reported_at, case.pk), reverse=True)
    return [case.register_number or "" for case in ordered]


def _numbers(html: str, prefix: str = "KEY") -> list[str]:
    return re.findall(rf"<strong>({prefix}-[^<]+)</strong>", html)


def _walk(client: Client, url: str) -> tuple[list[str], list[str]]:
    """The register numbers of every page reached by "Next", and the pages' addresses."""
    seen: list[str] = []
    addresses = [url]
    while True:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        seen += _numbers(html)
        found = NEXT.search(html)
        if found is None:
            return seen, addresses
        url = LIST + unescape(found.group(1))
        addresses.append(url)
        assert len(addresses) < 20


def test_next_walks_every_case_once_in_order(bahagia_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 60)

    seen, addresses = _walk(bahagia_caseworker.client, LIST + "?tab=unit")

    assert seen == _expected(cases)
    assert len(addresses) == 3  # 25 + 25 + 10


def test_the_walk_keeps_the_filter(bahagia_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 70)
    assessed = [case for case in cases if case.status == Status.ASSESSED]

    seen, addresses = _walk(bahagia_caseworker.client, LIST + "?tab=unit&status=assessed")

    assert seen == _expected(assessed)
    assert all("status=assessed" in address for address in addresses)


def test_previous_goes_back_to_the_same_rows(bahagia_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 80)
    client = bahagia_caseworker.client
    first = client.get(LIST + "?tab=unit").content.decode()
    assert PREVIOUS.search(first) is None
    second_url = LIST + unescape(NEXT.search(first).group(1))  # type: ignore[union-attr]
    second = client.get(second_url).content.decode()
    third = client.get(LIST + unescape(NEXT.search(second).group(1))).content.decode()  # type: ignore[union-attr]

    back_to_second = client.get(LIST + unescape(PREVIOUS.search(third).group(1)))  # type: ignore[union-attr]
    back_to_first = client.get(
        LIST + unescape(PREVIOUS.search(back_to_second.content.decode()).group(1))  # type: ignore[union-attr]
    )

    expected = _expected(cases)
    assert _numbers(second) == expected[25:50]
    assert _numbers(back_to_second.content.decode()) == expected[25:50]
    assert _numbers(back_to_first.content.decode()) == expected[:25]
    assert PREVIOUS.search(back_to_first.content.decode()) is None


def _counts_cases(sql: str) -> bool:
    return "COUNT(" in sql.upper() and "cases_case" in sql


def test_no_count_of_the_unit_is_shown(bahagia_caseworker: Persona) -> None:
    _many(bahagia_caseworker, 30)
    client = english(bahagia_caseworker.client)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST + "?tab=unit")

    assert "25 cases per page" in response.content.decode()
    assert "Page 1 of" not in response.content.decode()
    assert not any(_counts_cases(query["sql"]) for query in queries.captured_queries)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        signing.dumps({"k": ["2026-01-01T00:00:00+00:00", "1"]}, salt="another"),
        signing.dumps({"k": ["not a time", "1"]}, salt=CURSOR_SALT),
        signing.dumps({"k": ["2026-01-01T00:00:00+00:00"]}, salt=CURSOR_SALT),
        signing.dumps(["2026-01-01T00:00:00+00:00", "1"], salt=CURSOR_SALT),
        "x" * 5000,
    ],
)
def test_a_cursor_not_made_here_shows_the_first_page(
    bahagia_caseworker: Persona, cursor: str
) -> None:
    cases = _many(bahagia_caseworker, 30)
    client = english(bahagia_caseworker.client)

    response = client.get(LIST, {"tab": "unit", "cursor": cursor})

    assert response.status_code == 200
    assert _numbers(response.content.decode()) == _expected(cases)[:25]
    if cursor:
        assert "no longer valid" in response.content.decode()


def test_an_edited_cursor_shows_the_first_page_and_says_so(bahagia_caseworker: Persona) -> None:
    _many(bahagia_caseworker, 30)
    page = bahagia_caseworker.client.get(LIST + "?tab=unit").content.decode()
    cursor_url = unescape(NEXT.search(page).group(1))  # type: ignore[union-attr]
    edited = cursor_url[:-3] + ("AAA" if not cursor_url.endswith("AAA") else "BBB")

    response = english(bahagia_caseworker.client).get(LIST + edited)

    assert response.status_code == 200
    assert "That page link is no longer valid: here is the first page." in response.content.decode()
    assert _numbers(response.content.decode()) == _numbers(page)


def _queries_for(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_deep_page_costs_the_queries_of_the_first(bahagia_caseworker: Persona) -> None:
    client = bahagia_caseworker.client
    _many(bahagia_caseworker, 30, prefix="FEW")
    first_few, _html = _queries_for(client, LIST + "?tab=unit")

    _many(bahagia_caseworker, 200)
    first_many, html = _queries_for(client, LIST + "?tab=unit")
    for _ in range(4):
        url = LIST + unescape(NEXT.search(html).group(1))  # type: ignore[union-attr]
        deep, html = _queries_for(client, url)

    assert first_many == first_few
    assert deep == first_few


def test_another_units_cases_never_appear(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    ours = _many(bahagia_caseworker, 40)
    _many(ikhlas_caseworker, 40, prefix="THEIRS")

    seen, _addresses = _walk(bahagia_caseworker.client, LIST + "?tab=unit")

    assert seen == _expected(ours)
    for url in _addresses:
        assert "THEIRS" not in bahagia_caseworker.client.get(url).content.decode()


def test_a_cursor_from_another_unit_shows_only_our_cases(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    """A cursor is a position, not a permission: used in another unit it lists that
    unit's own cases after the position."""
    _many(bahagia_caseworker, 30)
    _many(ikhlas_caseworker, 30, prefix="THEIRS")
    theirs = ikhlas_caseworker.client.get(LIST + "?tab=unit").content.decode()
    cursor_url = unescape(NEXT.search(theirs).group(1))  # type: ignore[union-attr]

    response = bahagia_caseworker.client.get(LIST + cursor_url)

    assert response.status_code == 200
    assert "THEIRS" not in response.content.decode()


def test_a_register_number_is_found_in_any_case(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    number = case.register_number or ""
    assert number == number.upper()
    client = english(bahagia_caseworker.client)

    response = client.post(LIST + "?tab=unit", {"q": f"  {number.lower()} "}, follow=True)

    assert number in response.content.decode()
    assert "Showing the cases that match your search." in response.content.decode()


def test_the_number_search_compares_without_upper(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)
    with CaptureQueriesContext(connection) as queries:
        bahagia_caseworker.client.post(LIST, {"q": (case.register_number or "").lower()})

    conditions = [
        query["sql"].split("WHERE", 1)[1]
        for query in queries.captured_queries
        if "WHERE" in query["sql"] and "register_number" in query["sql"].split("WHERE", 1)[1]
    ]
    assert conditions  # the number was looked up …
    for condition in conditions:  # … as stored: a seek in the unique index
        assert "UPPER(" not in condition.upper()
        assert "LIKE" not in condition.upper()


# --- The API ----------------------------------------------------------------------------------


def test_the_api_walks_by_cursor(bahagia_caseworker: Persona, ikhlas_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 70)
    _many(ikhlas_caseworker, 20, prefix="THEIRS")
    client = bearer(bahagia_caseworker)
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        body = client.get(API, {"cursor": cursor, "page_size": 30}).json()
        assert body["count"] is None
        seen += [item["register_number"] for item in body["items"]]
        if body["next"] is None:
            break
        cursor = body["next"]

    assert seen == _expected(cases)


def test_the_api_cursor_keeps_the_filter(bahagia_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 60)
    client = bearer(bahagia_caseworker)
    first = client.get(API, {"cursor": "", "status": "new", "page_size": 20}).json()
    second = client.get(API, {"cursor": first["next"], "status": "new", "page_size": 20}).json()

    seen = [item["register_number"] for item in first["items"] + second["items"]]
    assert seen == _expected([case for case in cases if case.status == Status.NEW])
    assert second["next"] is None


def test_the_api_page_form_still_counts_and_gives_a_cursor(bahagia_caseworker: Persona) -> None:
    cases = _many(bahagia_caseworker, 60)
    client = bearer(bahagia_caseworker)

    first = client.get(API).json()
    second = client.get(API, {"page": 2}).json()
    by_cursor = client.get(API, {"cursor": first["next"]}).json()
    last = client.get(API, {"page": 2, "page_size": 10}).json()
    beyond = client.get(API, {"page": 9}).json()

    expected = _expected(cases)
    assert first["count"] == 60
    assert [item["register_number"] for item in first["items"]] == expected[:50]
    assert [item["register_number"] for item in second["items"]] == expected[50:]
    assert [item["register_number"] for item in by_cursor["items"]] == expected[50:]
    assert second["next"] is None
    assert last["next"] is not None
    assert beyond == {"items": [], "count": 60, "next": None}


@pytest.mark.parametrize(
    "cursor",
    ["garbage", signing.dumps({"k": ["yesterday", "1"]}, salt=CURSOR_SALT), "é" * 20],
)
def test_the_api_refuses_a_cursor_not_made_here(bahagia_caseworker: Persona, cursor: str) -> None:
    _many(bahagia_caseworker, 5)

    response = bearer(bahagia_caseworker).get(API, {"cursor": cursor})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "cursor"


def test_the_api_page_costs_the_same_queries_deep_in_the_list(
    bahagia_caseworker: Persona,
) -> None:
    client = bearer(bahagia_caseworker)
    client.get(API)  # the first request of a token records its use
    _many(bahagia_caseworker, 20, prefix="FEW")
    with CaptureQueriesContext(connection) as few:
        client.get(API, {"cursor": ""})
    _many(bahagia_caseworker, 200)
    body = client.get(API, {"cursor": ""}).json()
    for _ in range(2):
        with CaptureQueriesContext(connection) as deep:
            body = client.get(API, {"cursor": body["next"]}).json()

    assert len(deep) == len(few)
    assert not any(_counts_cases(query["sql"]) for query in deep.captured_queries)


def test_the_api_search_still_finds_a_number(bahagia_caseworker: Persona) -> None:
    case = open_case(bahagia_caseworker.membership)

    found = post(
        bearer(bahagia_caseworker),
        f"{API}/search",
        {"search": case.register_number.lower()},  # type: ignore[union-attr]
    ).json()["items"]

    assert [item["id"] for item in found] == [case.pk]


# --- The plan ---------------------------------------------------------------------------------


def test_the_page_is_read_through_the_units_index(bahagia_caseworker: Persona) -> None:
    """The first page and a deep page are read in the index's order: no sort of the unit's
    cases (PostgreSQL ``Sort``, SQLite ``TEMP B-TREE``), no scan of the whole table."""
    from sipakatau.cases import queries
    from sipakatau.lib.keyset import _beyond, _decode, _key_fields, keyset_window

    _many(bahagia_caseworker, 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for status in ("", Status.ASSESSED):
        listed = queries.cases_listed(
            bahagia_caseworker.membership, queries.CaseFilter(status=status)
        )
        cursor_at = keyset_window(listed, None, 25).next
        assert cursor_at is not None
        fields = _key_fields(listed)
        _key, values, _backwards = _decode(fields, cursor_at)
        for query in (listed[:26], listed.filter(_beyond(fields, values, False))[:26]):
            plan = query.explain()
            if connection.vendor == "postgresql":
                index = "case_unit_status_reported_idx" if status else "case_unit_reported_id_idx"
                assert f"Index Scan Backward using {index}" in plan, plan
                assert "Sort" not in plan and "Seq Scan on cases_case" not in plan, plan
            else:
                assert "cases_case USING INDEX" in plan, plan
                assert "TEMP B-TREE" not in plan, plan
