"""An auditor reads the trail of their own organisation only: what its people did, and
what was done to the organisation itself. The auditor role is held in units as well as
in offices (DESIGN.md section 5), so an auditor of a city office is not the city's: the
city-wide view of who read what is the operator's ``breach_scope`` command."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.audit.models import AuditEvent
from sipakatau.audit.queries import EventFilter, events_for_auditor
from sipakatau.audit.services import SYSTEM, log
from sipakatau.audit.templatetags.audit_home import audit_attention
from sipakatau.cases.models import Case
from tests.builders import open_case
from tests.factories import Persona, english, make_persona

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def bahagia_auditor(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.AUDITOR, username="bahagia.auditor")


@pytest.fixture
def ikhlas_auditor(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.AUDITOR, username="ikhlas.auditor")


@pytest.fixture
def cases(bahagia_caseworker: Persona, ikhlas_caseworker: Persona) -> tuple[Case, Case]:
    """A case of each unit, each opened and then viewed through its page."""
    ours = open_case(bahagia_caseworker.membership)
    theirs = open_case(ikhlas_caseworker.membership)
    for persona, case in ((bahagia_caseworker, ours), (ikhlas_caseworker, theirs)):
        page = persona.client.get(reverse("cases:case_detail", args=[case.pk]))
        assert page.status_code == 200
    return ours, theirs


def _ours(scope: int, acting_for: object, object_type: str, object_id: str) -> bool:
    """An event done by someone acting for organisation ``scope``, or done to it."""
    own = str(acting_for) == str(scope)
    return own or (object_type, object_id) == ("accounts.organisation", str(scope))


def _export(persona: Persona, query: dict[str, str] | None = None) -> tuple[str, list[dict]]:
    response = english(persona.client).get(EXPORT, query or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return text, list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_trail_holds_both_units_events(cases: tuple[Case, Case], ikhlas: Organisation) -> None:
    # The canary: without Ikhlas's events in the trail, the tests below prove nothing.
    ours, theirs = cases
    assert AuditEvent.objects.filter(object_id=str(theirs.pk), organisation_id=ikhlas.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(ours.pk)).exclude(organisation_id=ikhlas.pk)


def test_an_auditor_of_bahagia_sees_bahagia_and_not_ikhlas_on_the_page(
    cases: tuple[Case, Case], bahagia_auditor: Persona, ikhlas: Organisation
) -> None:
    ours, theirs = cases
    response = english(bahagia_auditor.client).get(LIST)

    assertContains(response, ours.register_number)
    assertNotContains(response, theirs.register_number)
    assertNotContains(response, ikhlas.name)
    page = response.context["page"]
    own = bahagia_auditor.organisation.pk
    assert page
    assert all(_ours(own, e.organisation_id, e.object_type, e.object_id) for e in page)


def test_searching_for_ikhlas_finds_nothing(
    cases: tuple[Case, Case], bahagia_auditor: Persona, ikhlas_caseworker: Persona
) -> None:
    _ours, theirs = cases
    client = bahagia_auditor.client
    for query in (
        {"actor": ikhlas_caseworker.user.username},
        {"actor": str(ikhlas_caseworker.user.pk)},
        {"object_type": "cases.case", "object_id": str(theirs.pk)},
        {"action": "case."},
    ):
        response = client.get(LIST, query)
        assert response.status_code == 200
        assert not [
            event for event in response.context["page"] if event.object_id == str(theirs.pk)
        ]
        assertNotContains(response, theirs.register_number)


def test_the_export_holds_bahagia_only(
    cases: tuple[Case, Case], bahagia_auditor: Persona, bahagia: Organisation, ikhlas: Organisation
) -> None:
    ours, theirs = cases
    text, rows = _export(bahagia_auditor)

    assert ours.register_number in text
    assert theirs.register_number not in text
    assert ikhlas.name not in text
    assert rows
    assert all(
        _ours(bahagia.pk, row["Organisation ID"], row["Object type"], row["Object ID"])
        for row in rows
    )
    assert str(ikhlas.pk) not in {row["Organisation ID"] for row in rows}


def test_the_other_auditor_sees_the_mirror_image(
    cases: tuple[Case, Case], ikhlas_auditor: Persona, bahagia: Organisation
) -> None:
    ours, theirs = cases
    page = english(ikhlas_auditor.client).get(LIST)
    assertContains(page, theirs.register_number)
    assertNotContains(page, ours.register_number)
    text, _rows = _export(ikhlas_auditor)
    assert theirs.register_number in text and ours.register_number not in text
    assert bahagia.name not in text


def test_what_was_done_to_the_organisation_is_in_its_trail(
    bahagia_auditor: Persona, ikhlas_auditor: Persona, bahagia: Organisation
) -> None:
    # Changed by someone outside it (here the system): still about Bahagia.
    changed = log(SYSTEM, "organisation.updated", bahagia, fields=["name"])

    ours = events_for_auditor(bahagia_auditor.membership, EventFilter())
    theirs = events_for_auditor(ikhlas_auditor.membership, EventFilter())
    assert changed in ours
    assert changed not in theirs


def test_a_city_office_auditor_reads_its_own_office_only(
    cases: tuple[Case, Case], auditor: Persona, city_admin: Persona, bahagia: Organisation
) -> None:
    # ``auditor`` is the city team's (Tim Sipakatau Kota); the role gives no city-wide view.
    ours, theirs = cases
    own = log(city_admin.membership, "organisation.updated", bahagia, fields=["name"])

    response = english(auditor.client).get(LIST)
    seen = [event.pk for event in response.context["page"]]
    assert own.pk in seen
    city = auditor.organisation.pk
    assert all(
        _ours(city, e.organisation_id, e.object_type, e.object_id) for e in response.context["page"]
    )
    assertNotContains(response, ours.register_number)
    assertNotContains(response, theirs.register_number)
    text, _rows = _export(auditor)
    assert ours.register_number not in text and theirs.register_number not in text


def test_the_home_page_count_is_the_auditors_own(
    cases: tuple[Case, Case], bahagia_auditor: Persona, bahagia: Organisation
) -> None:
    [card] = audit_attention(bahagia_auditor.membership)
    scoped = events_for_auditor(bahagia_auditor.membership, EventFilter())
    assert card["count"] == scoped.count()
    assert card["count"] >= AuditEvent.objects.filter(organisation_id=bahagia.pk).count()
    assert card["count"] < AuditEvent.objects.count()


def test_the_export_of_the_trail_is_recorded_in_the_auditors_own_trail(
    cases: tuple[Case, Case], bahagia_auditor: Persona, ikhlas_auditor: Persona
) -> None:
    _export(bahagia_auditor)
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported in events_for_auditor(bahagia_auditor.membership, EventFilter())
    assert exported not in events_for_auditor(ikhlas_auditor.membership, EventFilter())


def test_the_breach_scope_command_agrees_with_the_auditor(
    cases: tuple[Case, Case], bahagia_auditor: Persona, bahagia: Organisation
) -> None:
    # What the command lists for the organisation is what its auditor reads of its reads
    # and exports: the same events, never another unit's.
    out = io.StringIO()
    call_command(
        "breach_scope",
        "--organisation",
        str(bahagia.pk),
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        stdout=out,
        stderr=io.StringIO(),
    )
    command = {
        (row["action"], row["object_type"], row["object_id"])
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    }
    seen = {
        (event.action, event.object_type, event.object_id)
        for event in events_for_auditor(bahagia_auditor.membership, EventFilter())
        if event.action.endswith((".viewed", ".read", ".exported"))
    }
    assert command
    assert command == seen
    ikhlas_case = cases[1]
    assert not [key for key in command if key[2] == str(ikhlas_case.pk) and key[1] == "cases.case"]
