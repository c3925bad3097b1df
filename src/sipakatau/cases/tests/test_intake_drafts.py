"""Nothing typed is lost, and an abandoned intake is not a case: it has no register number
until its intake is completed, only its author and the coordinator see it, it counts
nowhere, and it is removed after SIPAKATAU_INTAKE_DRAFT_DAYS with an audit event."""

import re
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.audit.models import AuditEvent
from sipakatau.cases import queries
from sipakatau.cases.codes import Channel, PartyRole
from sipakatau.cases.models import Case, CaseCounter, CaseParty
from sipakatau.cases.services import intake
from sipakatau.cases.services.incident_intake import incident_intake_record
from sipakatau.people.models import Person
from tests.builders import add_party, open_case
from tests.factories import Persona, english

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")

NUMBER = re.compile(r"^[A-Z]{3}-\d+/\d{4}/(?P<number>\d{4})$")


def _draft(actor: Membership) -> Case:
    return intake.case_open(actor=actor, channel=Channel.WALK_IN, draft=True)


def _complete(actor: Membership, case: Case) -> Case:
    incident_intake_record(actor=actor, case=case, occurred_on=None)
    case.refresh_from_db()
    return case


def _number(case: Case) -> int:
    match = NUMBER.match(case.register_number or "")
    assert match, case.register_number
    return int(match["number"])


def _age(case: Case, days: int) -> None:
    # Test data only: move the draft's start back in time.
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days))


# --- register numbers ---------------------------------------------------------------------


def test_a_draft_gets_its_register_number_and_deadlines_only_when_intake_is_completed(
    bahagia_volunteer: Persona,
) -> None:
    volunteer = bahagia_volunteer.membership

    # Given an intake saved after the first two screens
    case = _draft(volunteer)
    add_party(volunteer, case)
    case.refresh_from_db()
    assert case.is_draft and case.register_number is None
    assert not case.deadlines.exists()
    assert not CaseCounter.objects.filter(last__gt=0).exists()
    assert str(case) == "Draft — not complete"

    # when the last screen is saved
    case = _complete(volunteer, case)

    # then the case has its number, its deadlines, and an audit event says so
    assert not case.is_draft and _number(case) == 1
    assert case.deadlines.exists()
    assert AuditEvent.objects.filter(
        action="case.intake_completed", object_id=str(case.pk)
    ).exists()


def test_completing_twice_keeps_the_first_number(bahagia_volunteer: Persona) -> None:
    volunteer = bahagia_volunteer.membership
    case = _complete(volunteer, _draft(volunteer))
    number = case.register_number

    again = intake.case_intake_complete(actor=volunteer, case=case)

    assert again.register_number == number
    assert CaseCounter.objects.get().last == 1


def test_an_abandoned_draft_uses_up_no_number(bahagia_volunteer: Persona) -> None:
    volunteer = bahagia_volunteer.membership
    _draft(volunteer)  # abandoned after screen 1

    completed = _complete(volunteer, _draft(volunteer))

    assert _number(completed) == 1


def test_the_api_and_a_promoted_report_still_open_a_numbered_case(
    bahagia_caseworker: Persona,
) -> None:
    # case_open without ``draft`` is what the API and public_report_promote call
    case = open_case(bahagia_caseworker.membership)

    assert not case.is_draft and _number(case) == 1
    assert case.deadlines.exists()


def test_a_draft_cannot_be_completed_from_another_unit(
    bahagia_volunteer: Persona, ikhlas_caseworker: Persona
) -> None:
    case = _draft(bahagia_volunteer.membership)

    with pytest.raises(Exception) as refused:
        intake.case_intake_complete(actor=ikhlas_caseworker.membership, case=case)

    assert refused.type.__name__ == "PermissionDenied"
    case.refresh_from_db()
    assert case.is_draft and case.register_number is None


def _in_threads(count: int, work: Callable[[int], object]) -> tuple[list[object], list[object]]:
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[object] = []

    def run(worker: int) -> None:
        try:
            start.wait()
            results.append(work(worker))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_drafts_completed_at_the_same_moment_never_share_a_number(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, shared_database: None
) -> None:
    # Given six drafts of two people, abandoned ones among them
    actors = [bahagia_volunteer.membership, bahagia_caseworker.membership]
    drafts = [_draft(actors[index % 2]) for index in range(6)]
    _draft(actors[0])

    # when each is completed in its own thread, all at once
    results, errors = _in_threads(
        len(drafts),
        lambda worker: _complete(actors[worker % 2], drafts[worker]).register_number,
    )

    # then the numbers are distinct and run 1..6 without a gap
    assert errors == []
    numbers = sorted(int(str(number).rsplit("/", 1)[1]) for number in results)
    assert numbers == list(range(1, len(drafts) + 1))


# --- who sees a draft -----------------------------------------------------------------------


def test_a_draft_is_seen_by_its_author_and_the_coordinator_only(
    bahagia_volunteer: Persona,
    bahagia_caseworker: Persona,
    coordinator: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    draft = _draft(bahagia_volunteer.membership)

    assert draft in queries.cases_visible_to(bahagia_volunteer.membership)
    assert draft in queries.cases_visible_to(coordinator.membership)
    assert draft not in queries.cases_visible_to(bahagia_caseworker.membership)
    for outsider in (bahagia_caseworker, ikhlas_caseworker):
        with pytest.raises(Http404):
            queries.case_for(outsider.membership, draft.pk)
        page = outsider.client.get(reverse("cases:intake_victim", args=[draft.pk]))
        assert page.status_code == 404


def test_the_list_shows_a_draft_as_a_draft_to_the_coordinator_and_to_no_one_else(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, coordinator: Persona
) -> None:
    _draft(bahagia_volunteer.membership)
    done = open_case(bahagia_caseworker.membership)

    for_coordinator = english(coordinator.client).get(reverse("cases:case_list") + "?tab=all")
    for_caseworker = english(bahagia_caseworker.client).get(reverse("cases:case_list") + "?tab=all")

    assertContains(for_coordinator, "Draft — not complete")
    assertContains(for_coordinator, done.register_number)
    assertNotContains(for_caseworker, "Draft — not complete")
    assertContains(for_caseworker, done.register_number)


def test_a_draft_counts_nowhere_on_the_coordinators_home(
    bahagia_volunteer: Persona, coordinator: Persona
) -> None:
    draft = _draft(bahagia_volunteer.membership)

    counts = queries.attention_counts(coordinator.membership)
    unassigned = queries.cases_listed(coordinator.membership, queries.CaseFilter(unassigned=True))

    assert counts.unassigned == 0 and counts.overdue == 0
    assert draft not in unassigned


def test_the_case_page_of_a_draft_takes_its_author_back_to_the_intake(
    bahagia_volunteer: Persona,
) -> None:
    volunteer = bahagia_volunteer.membership
    draft = _draft(volunteer)
    url = reverse("cases:case_detail", args=[draft.pk])

    assert bahagia_volunteer.client.get(url)["Location"] == reverse(
        "cases:intake_victim", args=[draft.pk]
    )
    add_party(volunteer, draft)
    assert bahagia_volunteer.client.get(url)["Location"] == reverse(
        "cases:intake_incident", args=[draft.pk]
    )


# --- removal after SIPAKATAU_INTAKE_DRAFT_DAYS ----------------------------------------------


def test_stale_drafts_are_removed_with_the_people_recorded_only_for_them(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    volunteer = bahagia_volunteer.membership
    # Given a draft started 15 days ago with its victim, a draft of yesterday, an old
    # completed case, and a person in both an old draft and a real case
    stale = _draft(volunteer)
    victim = add_party(volunteer, stale).person
    shared = add_party(volunteer, stale, PartyRole.WITNESS, name="Ibu RT").person
    real = open_case(bahagia_caseworker.membership)
    intake.party_add(
        actor=bahagia_caseworker.membership, case=real, person=shared, role=PartyRole.WITNESS
    )
    _age(stale, 15)
    young = _draft(volunteer)
    _age(young, 1)
    old_complete = open_case(volunteer)
    _age(old_complete, 40)

    # when the daily command runs
    out = StringIO()
    call_command("remove_stale_intake_drafts", stdout=out)

    # then only the stale draft is gone, with the victim recorded only for it
    assert not Case.objects.filter(pk=stale.pk).exists()
    assert Case.objects.filter(pk=young.pk).exists()
    assert Case.objects.filter(pk=old_complete.pk).exists()
    assert not Person.objects.filter(pk=victim.pk).exists()
    assert Person.objects.filter(pk=shared.pk).exists()
    assert CaseParty.objects.filter(case=real, person=shared).exists()
    # and the audit trail says so, by ids only
    assert AuditEvent.objects.filter(
        action="case.draft_deleted", object_type="cases.case", object_id=str(stale.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action="person.deleted", object_type="people.person", object_id=str(victim.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action="person.deleted", object_id=str(shared.pk))
    assert "Removed 1 intake draft(s) older than 14 day(s)" in out.getvalue()

    # and running it again removes nothing twice
    call_command("remove_stale_intake_drafts", stdout=StringIO())
    assert AuditEvent.objects.filter(action="case.draft_deleted").count() == 1


def test_the_number_of_days_is_a_setting(bahagia_volunteer: Persona, settings: object) -> None:
    settings.SIPAKATAU_INTAKE_DRAFT_DAYS = 3  # type: ignore[attr-defined]
    draft = _draft(bahagia_volunteer.membership)
    _age(draft, 4)

    call_command("remove_stale_intake_drafts", stdout=StringIO())

    assert not Case.objects.filter(pk=draft.pk).exists()


# --- the victim's name when someone else reports ---------------------------------------------


def _victim_page(persona: Persona) -> tuple[Case, str]:
    case = _draft(persona.membership)
    return case, reverse("cases:intake_victim", args=[case.pk])


def test_an_unnamed_victim_reported_by_someone_else_is_korban_a_then_b(
    bahagia_volunteer: Persona,
) -> None:
    client = english(bahagia_volunteer.client)
    case, url = _victim_page(bahagia_volunteer)
    unnamed = {"reported_by_other": "on", "name": "", "sex": "P", "age": "9"}
    assertContains(client.get(url), 'name="reported_by_other"')

    first = client.post(url, {**unnamed, "next": "another"})
    second = client.post(url, unnamed)

    assert first.status_code == second.status_code == 302
    names = [
        party.person.name
        for party in CaseParty.objects.filter(case=case, role=PartyRole.VICTIM).order_by("pk")
    ]
    assert names == ["Korban A", "Korban B"]


def test_the_victims_own_report_still_needs_her_name(bahagia_volunteer: Persona) -> None:
    client = english(bahagia_volunteer.client)
    case, url = _victim_page(bahagia_volunteer)

    page = client.post(url, {"name": "", "sex": "P", "age": "30"})

    assert page.status_code == 200
    assertContains(page, "Fill in the name. If someone else reported it")
    assert not CaseParty.objects.filter(case=case).exists()


def test_the_label_follows_the_victims_already_named(bahagia_volunteer: Persona) -> None:
    volunteer = bahagia_volunteer.membership
    case = _draft(volunteer)
    add_party(volunteer, case)

    assert queries.unnamed_victim_label(case) == "Korban B"


# --- "Draft saved" with the time -------------------------------------------------------------


def test_each_saved_step_says_draft_saved_with_the_time(bahagia_volunteer: Persona) -> None:
    client = english(bahagia_volunteer.client)
    start = {
        "intake_key": str(uuid.uuid4()),
        "channel": "WALK_IN",
        "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }

    victim_page = client.post(reverse("cases:intake_start"), start, follow=True)
    case = Case.objects.get()
    incident_page = client.post(
        reverse("cases:intake_victim", args=[case.pk]),
        {"name": "Siti", "sex": "P", "age": "30"},
        follow=True,
    )

    assertContains(victim_page, "Draft saved ")
    assertContains(incident_page, "The victim is saved. Draft saved ")
    shown = re.search(r"Draft saved [^<]*", victim_page.content.decode())
    assert shown and re.fullmatch(
        r"Draft saved \d{1,2} \w+ \d{4} \d{2}[.:]\d{2}( \w+)?\.", shown[0]
    ), shown


def test_a_draft_cannot_be_assessed_referred_or_assigned(
    bahagia_volunteer: Persona, coordinator: Persona
) -> None:
    draft = _draft(bahagia_volunteer.membership)

    assert not queries.may_manage(coordinator.membership, draft)
    assert not queries.may_assign(coordinator.membership, draft)
    assert queries.may_act_on(coordinator.membership, draft, WORK_ON_CASES)
    assert queries.may_act_on(bahagia_volunteer.membership, draft, WORK_ON_CASES)
