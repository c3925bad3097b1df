"""The trail in words: actions and objects named in Indonesian (English for these tests, as
the msgids), actors by name and organisation, a page that costs the same at any length."""

import ast
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.labels import ACTIONS, VERBS, describe, title
from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import SYSTEM, log
from tests.builders import open_case
from tests.factories import Persona, english, make_persona

from .helpers import clock

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")
SOURCE = Path(__file__).resolve().parents[2]


def _titles(**query: object) -> list[str]:
    events = AuditEvent.objects.filter(**query).order_by("seq")
    return [view.title for view in describe(events)]


def test_a_case_read_is_named_with_its_register_number(
    in_english: None, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    log(bahagia_caseworker.membership, "case.viewed", case)

    assert _titles(action="case.viewed") == [f"Viewed case {case.register_number}"]


def test_sign_in_and_export_read_as_sentences(in_english: None, auditor: Persona) -> None:
    log(auditor.user, "auth.second_factor_accepted", auditor.user)
    log(auditor.membership, "audit.exported", ("audit.auditevent", ""))

    assert _titles(action__in=["auth.second_factor_accepted", "audit.exported"]) == [
        "Signed in with an authenticator code",
        "Exported the audit trail",
    ]


def test_users_and_organisations_are_named(
    in_english: None, auditor: Persona, bahagia: Organisation
) -> None:
    log(SYSTEM, "user.password_reset", auditor.user)
    log(SYSTEM, "organisation.updated", bahagia)

    assert _titles(action__in=["user.password_reset", "organisation.updated"]) == [
        f"Reset the password of user {auditor.user.username}",
        f"Changed organisation {bahagia.name}",
    ]


@pytest.mark.django_db
def test_a_person_is_named_by_number_only(in_english: None) -> None:
    log(SYSTEM, "person.identity_viewed", ("people.person", 42))

    assert _titles(action="person.identity_viewed") == ["Opened the identity of person #42"]


def test_an_unknown_action_is_never_a_bare_code(in_english: None) -> None:
    assert title("case.frobnicated", "case", "X-1") == "Case X-1: case.frobnicated"
    assert title("thing.created", "", "") == "Created"


def _actions_in_code() -> set[str]:
    """Every action written as a literal in ``audit.log(actor, "…", …)`` calls."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            action = node.args[1]
            if name == "log" and isinstance(action, ast.Constant) and "." in str(action.value):
                found.add(str(action.value))
    return found


def test_every_action_in_the_code_has_words(in_english: None) -> None:
    actions = _actions_in_code()
    assert "case.viewed" in actions  # the reader still finds them

    def has_words(action: str) -> bool:
        word = action.rsplit(".", 1)[-1]
        candidates = (word, word.rsplit("_", 1)[-1], word.split("_", 1)[0])
        return action in ACTIONS or any(candidate in VERBS for candidate in candidates)

    assert sorted(action for action in actions if not has_words(action)) == []


@pytest.fixture
def bahagia_auditor(bahagia_caseworker: Persona) -> Persona:
    """An auditor reads their own organisation's trail only: the unit's own auditor."""
    return make_persona(bahagia_caseworker.organisation, Role.AUDITOR)


def test_the_page_shows_words_names_and_the_zone(
    bahagia_auditor: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    with clock(datetime(2026, 12, 7, 8, 10, tzinfo=UTC)):
        log(bahagia_caseworker.membership, "case.viewed", case)

    response = english(bahagia_auditor.client).get(LIST, {"action": "case.viewed"})

    assertContains(response, f"Viewed case {case.register_number}")
    assertContains(response, "7 Dec 2026 16:10 WITA")
    assertContains(response, bahagia_caseworker.user.full_name)
    assertContains(response, bahagia_caseworker.organisation.name)


def test_an_outsider_does_not_see_the_trail(bahagia_caseworker: Persona) -> None:
    assert bahagia_caseworker.client.get(LIST).status_code == 403


def test_the_query_count_does_not_grow_with_rows_of_every_kind(
    bahagia_auditor: Persona, bahagia_caseworker: Persona, bahagia: Organisation
) -> None:
    def add_rows(count: int) -> None:
        case = open_case(bahagia_caseworker.membership)
        for _ in range(count):
            log(bahagia_caseworker.membership, "case.viewed", case)
            log(bahagia_caseworker.membership, "person.identity_viewed", ("people.person", 7))
            log(SYSTEM, "organisation.updated", bahagia)
            log(SYSTEM, "user.password_reset", bahagia_caseworker.user)

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert bahagia_auditor.client.get(LIST).status_code == 200
        return len(captured)

    add_rows(1)
    with_few = queries_for_list()
    add_rows(12)
    with_many = queries_for_list()

    assert with_many == with_few


@pytest.mark.django_db
def test_the_export_has_labels_next_to_ids_and_both_times(
    bahagia_auditor: Persona, bahagia_caseworker: Persona
) -> None:
    case = open_case(bahagia_caseworker.membership)
    with clock(datetime(2026, 12, 7, 8, 10, tzinfo=UTC)):
        log(bahagia_caseworker.membership, "case.viewed", case)

    response = english(bahagia_auditor.client).get(EXPORT, {"action": "case.viewed"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    membership = bahagia_caseworker.membership
    assert row["Time (local)"] == "7 Dec 2026 16:10 WITA"
    assert row["Time (ISO, UTC)"] == "2026-12-07T08:10:00+00:00"
    assert (row["User ID"], row["Name"]) == (str(membership.user_id), "Test Person")
    assert row["Organisation ID"] == str(membership.organisation_id)
    assert row["Organisation"] == membership.organisation.name
    assert (row["Action code"], row["Action"]) == (
        "case.viewed",
        f"Viewed case {case.register_number}",
    )
    assert (row["Object type"], row["Object ID"]) == ("cases.case", str(case.pk))
    assert row["Object"] == f"case {case.register_number}"
