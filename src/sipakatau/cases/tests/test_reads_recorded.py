"""A read of case content is recorded by the query that returns it, so the page and the API
that show the same thing record the same thing (field names, never values)."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains

from sipakatau.audit.models import AuditEvent
from sipakatau.cases import queries
from sipakatau.cases.codes import PartyRole
from sipakatau.cases.models import Case
from sipakatau.cases.services import care, workflow
from tests.builders import API, bearer, full_case
from tests.factories import Persona, english

WHOLE_CASE = [
    "assessments",
    "attachments",
    "closures",
    "consents",
    "deadlines",
    "follow_ups",
    "incident",
    "notes",
    "parties",
    "plan_items",
    "relationships",
]


def _case_reads(case: Case) -> list[list[str]]:
    events = AuditEvent.objects.filter(
        action="case.viewed", object_type="cases.case", object_id=str(case.pk)
    ).order_by("seq")
    return [event.fields for event in events]


def test_the_page_and_the_api_record_the_same_sections_of_a_case(
    bahagia_caseworker: Persona,
) -> None:
    case = full_case(bahagia_caseworker.membership)

    page = english(bahagia_caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))
    api = bearer(bahagia_caseworker).get(f"{API}/{case.pk}")

    assert page.status_code == api.status_code == 200
    # The page also lists the case's referrals, which the API's case read does not hold;
    # both show how a suspected perpetrator relates to the victim.
    assert _case_reads(case) == [sorted([*WHOLE_CASE, "referrals"]), WHOLE_CASE]
    assertContains(page, "Budi Santoso")
    assert api.json()["relationships"]


def test_a_volunteer_with_only_a_follow_up_is_recorded_reading_only_that(
    bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    case = full_case(bahagia_caseworker.membership)
    care.follow_up_plan(
        actor=bahagia_caseworker.membership,
        case=case,
        assigned_to=bahagia_volunteer.user,
        due_on=date.today(),
    )

    page = bahagia_volunteer.client.get(reverse("cases:case_detail", args=[case.pk]))
    api = bearer(bahagia_volunteer).get(f"{API}/{case.pk}")

    assert page.status_code == api.status_code == 200
    assert api.json()["browsable"] is False
    assert _case_reads(case) == [["follow_ups", "register_number"]] * 2


def test_a_caseworker_refused_the_closure_decision_is_not_recorded_reading_it(
    bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    case = full_case(bahagia_caseworker.membership)
    closure = workflow.closure_request(
        actor=bahagia_caseworker.membership, case=case, reason="NOT_A_CASE", summary="Bukan"
    )
    url = reverse("cases:closure_decide", args=[closure.pk])
    reads = AuditEvent.objects.filter(
        action="case.viewed", object_type="cases.closure", object_id=str(closure.pk)
    )

    assert bahagia_caseworker.client.get(url).status_code == 403
    assert not reads.exists()

    assert coordinator.client.get(url).status_code == 200
    [event] = reads
    assert event.fields == ["reason", "summary"]
    assert event.actor_id == coordinator.user.pk


def test_identity_numbers_of_a_case_out_of_scope_are_404_and_unrecorded(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    case = full_case(bahagia_caseworker.membership)
    victim = queries.parties_of(case).get(role=PartyRole.VICTIM)

    with pytest.raises(Http404):
        queries.identity_for(ikhlas_caseworker.membership, victim)

    assert not AuditEvent.objects.filter(action="person.identity_viewed").exists()
    assert queries.identity_for(bahagia_caseworker.membership, victim) == {
        "nik": "7372034505900001"
    }
    assert AuditEvent.objects.get(action="person.identity_viewed").fields == ["nik"]


def test_opening_a_case_writes_its_read_event_and_nothing_else(
    bahagia_caseworker: Persona,
) -> None:
    """One write per case read (issue 19): the audit event. The session is not saved again
    on a page that changes nothing (accounts.middleware.idle_timeout)."""
    case = full_case(bahagia_caseworker.membership)
    client = bahagia_caseworker.client
    url = reverse("cases:case_detail", args=[case.pk])
    assert client.get(url).status_code == 200

    with CaptureQueriesContext(connection) as page:
        assert client.get(url).status_code == 200

    writes = [
        query["sql"]
        for query in page.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1
    assert "audit_auditevent" in writes[0]
