"""The monitoring page reads counts the writers keep (``deadline_tally``): it shows what
counting every deadline of the mechanism showed, after every kind of write, and costs
the same number of queries however many deadlines there are."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import ClosureReason
from sipakatau.cases.deadline_tally import counted, tally_rebuild
from sipakatau.cases.models import Case, CaseDeadline, DeadlineTally, Status
from sipakatau.cases.monitoring import mechanism_compliance
from sipakatau.cases.services import workflow
from sipakatau.cases.services.deadlines import deadlines_meet, deadlines_on_trigger
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.builders import open_case
from tests.factories import Persona

pytestmark = pytest.mark.usefixtures("deadline_rules")


def counted_every_time(version: MechanismVersion, now: datetime) -> tuple[int, dict[str, Any]]:
    """The page's figures as they were computed before issue 19: over every deadline."""
    deadlines = CaseDeadline.objects.filter(case__rule_set=version.rule_set)
    open_ = Q(met_at__isnull=True)
    rows = {
        row.pop("code"): row
        for row in deadlines.values("code").annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
            overdue=Count("pk", filter=open_ & Q(due_at__lt=now) & ~Q(case__status=Status.CLOSED)),
            pending=Count("pk", filter=open_ & Q(due_at__gte=now) & ~Q(case__status=Status.CLOSED)),
            closed_unmet=Count("pk", filter=open_ & Q(case__status=Status.CLOSED)),
        )
    }
    return deadlines.values("case").distinct().count(), rows


def read_now(version: MechanismVersion, now: datetime) -> tuple[int, dict[str, Any]]:
    cases, steps = mechanism_compliance(version, now=now)
    fields = ("total", "on_time", "late", "overdue", "pending", "closed_unmet")
    return cases, {
        step.action: {field: getattr(step, field) for field in fields}
        for step in steps
        if step.total
    }


def assert_same(version: MechanismVersion, now: datetime | None = None) -> None:
    now = now or timezone.now()
    assert read_now(version, now) == counted_every_time(version, now)


def close(case: Case, worker: Persona, coordinator: Persona) -> None:
    closure = workflow.closure_request(
        actor=worker.membership, case=case, reason=ClosureReason.NOT_A_CASE, summary="Bukan kasus"
    )
    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)


def test_the_kept_counts_agree_with_counting_every_deadline_after_each_kind_of_write(
    bahagia_caseworker: Persona, coordinator: Persona, kelurahan_ws: Organisation
) -> None:
    version = builders.issued_version(kelurahan_ws)
    worker = bahagia_caseworker.membership
    now = timezone.now()

    # Given cases reported over the last two weeks, some at high risk: their deadlines
    # are past due, due later, or just starting
    cases = [
        open_case(worker, reported_at=now - timedelta(hours=7 * n), danger_now=n % 3 == 0)
        for n in range(40)
    ]
    assert CaseDeadline.objects.filter(case__rule_set=version.rule_set).count() >= 80
    assert_same(version)

    # When deadlines are met, some in time and some late
    for n, case in enumerate(cases[::2]):
        at = case.reported_at + timedelta(minutes=30 if n % 2 else 60 * 24 * 5)
        deadlines_meet(case=case, codes=["first_contact"], at=at)
    assert_same(version)

    # When sexual violence is recorded (police forwarding) and services start repeating
    # follow-ups
    for case in cases[1:12]:
        deadlines_on_trigger(case=case, trigger="sexual_violence")
        deadlines_on_trigger(case=case, trigger="case_active")
    assert_same(version)

    # When cases close with deadlines still open, and one of them is reopened (its
    # deadlines start again)
    for case in cases[20:30]:
        close(case, bahagia_caseworker, coordinator)
    assert Case.objects.filter(status=Status.CLOSED).count() == 10
    workflow.case_reopen(actor=coordinator.membership, case=cases[21], reason="Datang lagi")
    assert_same(version)

    # Then the figures agree at any moment, later or earlier than now (the clock moves
    # deadlines from pending to overdue without a write)
    for moment in (now - timedelta(days=3), now + timedelta(hours=5), now + timedelta(days=30)):
        assert_same(version, moment)
    # And counting everything again gives the counts the writers kept
    kept = {(t.rule_set, t.code): t for t in DeadlineTally.objects.all()}
    tally_rebuild()
    again = {(t.rule_set, t.code): t for t in DeadlineTally.objects.all()}
    fields = ("total", "on_time", "late", "open", "closed_unmet")
    assert {k: [getattr(t, f) for f in fields] for k, t in kept.items()} == {
        k: [getattr(t, f) for f in fields] for k, t in again.items()
    }
    assert set(counted(CaseDeadline.objects.all())) == set(again)


def test_the_monitoring_api_costs_the_same_queries_for_many_deadlines(
    bahagia_caseworker: Persona, lurah: Persona, kelurahan_ws: Organisation
) -> None:
    version = builders.issued_version(kelurahan_ws)
    url = f"/api/v1/cases/mechanism-monitoring/{version.pk}"
    open_case(bahagia_caseworker.membership)
    lurah.client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert lurah.client.get(url).status_code == 200
    for n in range(8):
        case = open_case(bahagia_caseworker.membership, danger_now=True)
        deadlines_meet(case=case, codes=["first_contact"], at=timezone.now() + timedelta(days=n))
    with CaptureQueriesContext(connection) as many:
        assert lurah.client.get(url).json()["cases"] == 9
    assert len(many) == len(few)
