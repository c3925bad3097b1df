"""The auditor's pages: only auditors get in; search, local times, CSV export."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.audit.models import AuditEvent
from sipakatau.audit.services import Actor, log
from tests.factories import Persona, english

from .helpers import clock

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


def _event(
    auditor: Persona,
    action: str,
    *,
    label: str = "siti",
    user_id: int = 501,
    object_id: object = 1,
) -> AuditEvent:
    """An event of someone of the auditor's organisation: an auditor reads no other."""
    organisation_id = auditor.organisation.pk
    return log(
        Actor(user_id=user_id, label=label, organisation_id=organisation_id, role="caseworker"),
        action,
        ("people.person", object_id),
        fields=["name", "nik"],
    )


def _text(response: object) -> str:
    return b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_an_auditor_gets_in(auditor: Persona, url: str) -> None:
    assert auditor.client.get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_an_admin_is_refused(bahagia_admin: Persona, url: str) -> None:
    assert bahagia_admin.client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_a_caseworker_is_refused(bahagia_caseworker: Persona, url: str) -> None:
    assert bahagia_caseworker.client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_an_anonymous_visitor_is_sent_to_sign_in(anonymous: Client, url: str) -> None:
    response = anonymous.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_shows_the_audit_link_to_auditors_only(
    auditor: Persona, bahagia_admin: Persona
) -> None:
    home = reverse("accounts:home")

    assertContains(auditor.client.get(home), f'href="{LIST}"')
    assertNotContains(bahagia_admin.client.get(home), f'href="{LIST}"')


def test_it_filters_by_actor_action_and_object(auditor: Persona) -> None:
    _event(auditor, "person.viewed", label="siti", user_id=501, object_id=11)
    _event(auditor, "person.updated", label="siti", user_id=501, object_id=12)
    _event(auditor, "person.viewed", label="budi", user_id=502, object_id=13)
    _event(auditor, "case.viewed", label="budi", user_id=502, object_id=14)

    def found(**query: str) -> set[str]:
        page = auditor.client.get(LIST, query).context["page"]
        return {event.object_id for event in page if event.object_type == "people.person"}

    assert found(actor="siti") == {"11", "12"}
    assert found(actor="502") == {"13", "14"}
    assert found(action="person.") == {"11", "12", "13"}
    assert found(actor="budi", action="person.v") == {"13"}
    assert found(object_type="people.person", object_id="12") == {"12"}
    assert found(actor="nobody") == set()


def test_it_finds_a_user_by_username_after_a_rename(
    auditor: Persona, bahagia_caseworker: Persona
) -> None:
    user = bahagia_caseworker.user
    _event(auditor, "person.viewed", label="old.name", user_id=user.pk, object_id=77)

    page = auditor.client.get(LIST, {"actor": user.username}).context["page"]

    assert "77" in {event.object_id for event in page}


def test_times_are_searched_and_shown_in_local_time(auditor: Persona) -> None:
    # Given events at 10:00 and 11:00 WITA (UTC+8)
    with clock(datetime(2026, 11, 27, 2, 0, 30, tzinfo=UTC)):
        _event(auditor, "person.viewed", object_id=1000)
    with clock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC)):
        _event(auditor, "person.viewed", object_id=1100)

    # when the auditor searches 09:30 to 10:00 local time
    response = auditor.client.get(LIST, {"since": "2026-11-27T09:30", "until": "2026-11-27T10:00"})

    # then only the 10:00:30 event is found, and it is shown as 10.00 WITA
    assert [event.object_id for event in response.context["page"]] == ["1000"]
    assertContains(response, "27 Nov 2026 10.00 WITA")
    assertContains(response, 'datetime="2026-11-27T10:00:30+08:00"')


def test_an_unreadable_search_shows_an_error_and_no_events(auditor: Persona) -> None:
    _event(auditor, "person.viewed")

    response = auditor.client.get(LIST, {"since": "not a time"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(response.context["page"]) == []


def test_the_list_pages_and_keeps_the_search(auditor: Persona) -> None:
    for n in range(60):
        _event(auditor, "person.viewed", object_id=n)

    response = auditor.client.get(LIST, {"action": "person."})

    assert len(response.context["page"]) == 50
    following = response.context["next_url"]
    assert following.startswith("?action=person.&") and "cursor=" in following
    assert len(auditor.client.get(LIST + following).context["page"]) == 10


def test_the_number_of_queries_does_not_grow_with_the_rows(auditor: Persona) -> None:
    def queries_for_list(url: str = LIST) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert auditor.client.get(url).status_code == 200
        assert not any("OFFSET" in query["sql"] for query in captured.captured_queries)
        return len(captured)

    for n in range(5):
        _event(auditor, "person.viewed", object_id=n)
    with_few = queries_for_list()
    for n in range(155):
        _event(auditor, "person.viewed", object_id=n)
    with_many = queries_for_list()
    second_page = queries_for_list(LIST + auditor.client.get(LIST).context["next_url"])

    assert with_many == with_few == second_page


def test_the_export_is_csv_with_a_bom_and_only_the_filtered_events(auditor: Persona) -> None:
    _event(auditor, "person.viewed", label="siti", object_id=21)
    _event(auditor, "case.viewed", label="siti", object_id=22)
    _event(auditor, "person.viewed", label="=HYPERLINK(1)", object_id=23)

    response = english(auditor.client).get(EXPORT, {"action": "person."})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    text = _text(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [row["Object ID"] for row in rows] == ["21", "23"]
    assert rows[0]["Fields"] == "name nik"
    assert rows[0]["Name"] == "siti"
    # A spreadsheet must not run a cell as a formula.
    assert rows[1]["Name"] == "'=HYPERLINK(1)"


def test_the_export_writes_its_own_audit_event(auditor: Persona) -> None:
    _event(auditor, "person.viewed")

    text = _text(auditor.client.get(EXPORT))

    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == auditor.user.pk
    assert exported.actor_label == auditor.user.username
    assert exported.role == "auditor"
    assert exported.organisation_id == auditor.organisation.pk
    assert exported.object_type == "audit.auditevent"
    assert "audit.exported" not in text  # the file is the trail as it stood when asked for


def test_an_unreadable_export_search_is_refused(auditor: Persona) -> None:
    response = auditor.client.get(EXPORT, {"until": "tomorrow"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_role_is_shown_by_its_name_not_its_code(auditor: Persona) -> None:
    lurah = Actor(
        user_id=1,
        label="ws.lurah",
        organisation_id=auditor.organisation.pk,
        role="village_officer",
    )
    log(lurah, "case.viewed")

    response = auditor.client.get(reverse("audit:event_list"), {"action": "case.viewed"})

    assertNotContains(response, "village_officer")
    page = response.content.decode()
    assert "Petugas kelurahan" in page or "Kelurahan officer" in page
