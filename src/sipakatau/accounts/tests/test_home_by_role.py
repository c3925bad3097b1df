"""Each role starts at its work: the home page's "needs attention now" counts, by role,
computed by hand here; the case list's "unassigned" tab; the coordinator's default tab."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case, CaseDeadline
from sipakatau.cases.services import care, workflow
from sipakatau.referrals.models import Referral
from sipakatau.referrals.services import answering
from sipakatau.referrals.tests.support import referral_between, referral_rules  # noqa: F401
from sipakatau.social.models import WorklistEntry
from tests.builders import issued_version, open_case
from tests.factories import Persona, make_organisation, make_persona

pytestmark = pytest.mark.usefixtures("deadline_rules", "referral_rules")

COUNT = re.compile(r'<a href="([^"]+)"><strong class="count[^"]*">(\d+)</strong>')


def attention(persona: Persona) -> dict[str, int]:
    """The counts on the person's home page, by the link each one leads to."""
    response = persona.client.get(reverse("accounts:home"))
    assert response.status_code == 200
    html = response.content.decode().replace("&amp;", "&")
    return {url: int(count) for url, count in COUNT.findall(html)}


def cases_tab(name: str) -> str:
    return f"{reverse('cases:case_list')}?tab={name}"


def make_overdue(case: Case) -> None:
    """A deadline of the case went by an hour ago (the rules give days, a test cannot wait)."""
    CaseDeadline.objects.create(
        case=case, code="test_late", label="Kontak", due_at=timezone.now() - timedelta(hours=1)
    )


def close(case: Case, caseworker: Persona, coordinator: Persona) -> None:
    reason = workflow.closure_reasons_for(case)[0][0]
    closure = workflow.closure_request(
        actor=caseworker.membership, case=case, reason=reason, summary="Selesai"
    )
    workflow.closure_decide(actor=coordinator.membership, closure=closure, approve=True)


@pytest.fixture
def unit(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, coordinator: Persona
) -> dict[str, Case]:
    """Bahagia's cases: two unassigned (one overdue), one held by the caseworker and
    overdue, one held by the caseworker on time, one closed unassigned and overdue."""
    worker = bahagia_caseworker.user
    cases = {
        "free": open_case(bahagia_volunteer.membership),
        "free_late": open_case(bahagia_volunteer.membership),
        "held_late": open_case(bahagia_volunteer.membership),
        "held": open_case(bahagia_volunteer.membership),
        "closed": open_case(bahagia_volunteer.membership),
    }
    for name in ("held_late", "held"):
        workflow.case_assign(actor=coordinator.membership, case=cases[name], worker=worker)
    # The rules' own deadlines (hours or days from now) are moved out of the way, so that
    # what is due today is only what the test makes late.
    CaseDeadline.objects.update(due_at=timezone.now() + timedelta(days=30))
    for name in ("free_late", "held_late", "closed"):
        make_overdue(cases[name])
    close(cases["closed"], bahagia_caseworker, coordinator)
    return cases


def test_the_coordinator_sees_the_units_unassigned_overdue_and_due_cases(
    unit: dict[str, Case], coordinator: Persona
) -> None:
    assert attention(coordinator) == {
        cases_tab("unassigned"): 2,  # free, free_late (closed left out)
        cases_tab("overdue"): 2,  # free_late, held_late
        cases_tab("today"): 2,  # the late ones are due by today too
        f"{reverse('social:worklist')}?show=OPEN": 0,  # she prepares proposals too: none to look at
    }


def test_a_coordinator_of_another_unit_counts_none_of_them(
    unit: dict[str, Case], ikhlas: Organisation
) -> None:
    outsider = make_persona(ikhlas, "coordinator")
    assert set(attention(outsider).values()) == {0}


def test_the_caseworker_sees_her_open_and_overdue_cases(
    unit: dict[str, Case], bahagia_caseworker: Persona
) -> None:
    assert attention(bahagia_caseworker) == {cases_tab("mine"): 2, cases_tab("overdue"): 1}


def test_the_volunteer_sees_her_follow_ups_due(
    unit: dict[str, Case], bahagia_volunteer: Persona, bahagia_caseworker: Persona
) -> None:
    today = timezone.localdate()
    for case, due_on in ((unit["free"], today), (unit["held"], today - timedelta(days=2))):
        care.follow_up_plan(
            actor=bahagia_caseworker.membership,
            case=case,
            assigned_to=bahagia_volunteer.user,
            due_on=due_on,
        )
    care.follow_up_plan(  # not yet due
        actor=bahagia_caseworker.membership,
        case=unit["held_late"],
        assigned_to=bahagia_volunteer.user,
        due_on=today + timedelta(days=3),
    )
    assert attention(bahagia_volunteer) == {reverse("cases:follow_up_list"): 2}


def test_the_agency_officer_sees_her_inbox_counts(
    bahagia: Organisation, dp3a: Organisation, dp3a_officer: Persona, ikhlas: Organisation
) -> None:
    new = [referral_between(bahagia, dp3a) for _ in range(3)]
    Referral.objects.filter(pk=new[0].pk).update(due_at=timezone.now() - timedelta(hours=2))
    in_service = answering.referral_accept(actor=dp3a_officer.membership, referral=new[2])
    answering.referral_start_service(actor=dp3a_officer.membership, referral=in_service)
    referral_between(ikhlas, make_organisation("Puskesmas", type="PUSKESMAS"))  # not hers
    inbox = reverse("referrals:inbox")
    assert attention(dp3a_officer) == {
        f"{inbox}?show=new": 2,
        f"{inbox}?show=overdue": 1,
        f"{inbox}?show=in_service": 1,
    }


def test_the_dinsos_officer_sees_the_proposals_waiting_and_her_inbox(
    bahagia: Organisation, dinsos: Organisation, dinsos_officer: Persona, lurah: Persona
) -> None:
    from sipakatau.social.tests.test_batches import batch_through_signature

    coordinator = make_persona(bahagia, "coordinator")
    batch_through_signature(coordinator, lurah, dinsos_officer, lurah.organisation.area)
    counts = attention(dinsos_officer)
    assert counts[reverse("social:batch_list")] == 1
    assert counts[f"{reverse('referrals:inbox')}?show=new"] == 0


@pytest.mark.usefixtures("programmes")
def test_the_lurah_sees_the_mechanism_its_decree_the_figures_and_the_worklist(
    lurah: Persona, kelurahan_ws: Organisation, bahagia_caseworker: Persona
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim
    from sipakatau.social.tests.conftest import household

    version = issued_version(kelurahan_ws)
    # A victim heading a household, assessed with an economic need: one worklist entry.
    case, victim = case_with_victim(bahagia_caseworker.membership, needs={})
    home = household(lurah.membership, kelurahan_ws.area, head=None)
    from sipakatau.social import services as social

    social.household_member_add(
        actor=lurah.membership, household=home, person=victim.person, relationship="KEPALA"
    )
    care.assessment_record(
        actor=bahagia_caseworker.membership,
        case=case,
        risk_level="LOW",
        risk_criteria=[],
        needs={"ECONOMIC": "Tanpa penghasilan"},
    )
    assert WorklistEntry.objects.count() == 1

    response = lurah.client.get(reverse("accounts:home"))
    html = response.content.decode()
    assert attention(lurah) == {f"{reverse('social:worklist')}?show=OPEN": 1}
    assert reverse("mechanisms:mechanism_detail", args=[version.mechanism.pk]) in html
    assert reverse("mechanisms:version_detail", args=[version.pk]) in html
    assert version.decree.number in html
    assert reverse("reports:dashboard") in html
    # Nothing personal: no name, no story.
    assert "Siti" not in html and "penghasilan" not in html


def test_a_kelurahan_officer_without_a_mechanism_is_led_to_start_one(lurah: Persona) -> None:
    html = lurah.client.get(reverse("accounts:home")).content.decode()
    assert 'id="attention"' in html
    assert reverse("mechanisms:mechanism_list") in html


def test_the_auditor_sees_todays_events_in_the_trail(
    unit: dict[str, Case], auditor: Persona
) -> None:
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = attention(auditor)
    (url, count), *others = counts.items()
    assert others == []
    assert url.startswith(reverse("audit:event_list") + "?since=")
    # The page itself may have been recorded after it was counted, never before.
    assert count > 0
    assert count <= AuditEvent.objects.filter(occurred_at__gte=midnight).count()
    assert auditor.client.get(url).status_code == 200


def test_the_administrator_has_nothing_to_count(
    unit: dict[str, Case], bahagia_admin: Persona
) -> None:
    html = bahagia_admin.client.get(reverse("accounts:home")).content.decode()
    assert 'id="attention"' not in html
    assert "BHG" not in html


def test_every_count_links_to_a_page_its_role_may_open(
    unit: dict[str, Case], coordinator: Persona, bahagia_caseworker: Persona
) -> None:
    for persona in (coordinator, bahagia_caseworker):
        for url in attention(persona):
            assert persona.client.get(url).status_code == 200


# --- Queries do not grow with rows ----------------------------------------------------------


def home_queries(persona: Persona) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert persona.client.get(reverse("accounts:home")).status_code == 200
    return len(queries)


def test_the_coordinators_home_page_costs_the_same_for_one_case_or_five(
    bahagia_volunteer: Persona, coordinator: Persona
) -> None:
    make_overdue(open_case(bahagia_volunteer.membership))
    one = home_queries(coordinator)
    for _ in range(4):
        make_overdue(open_case(bahagia_volunteer.membership))
    assert attention(coordinator)[cases_tab("overdue")] == 5
    assert home_queries(coordinator) == one


def test_the_agency_home_page_costs_the_same_for_one_referral_or_five(
    bahagia: Organisation, dp3a: Organisation, dp3a_officer: Persona
) -> None:
    referral_between(bahagia, dp3a)
    one = home_queries(dp3a_officer)
    for _ in range(4):
        referral_between(bahagia, dp3a)
    assert attention(dp3a_officer)[f"{reverse('referrals:inbox')}?show=new"] == 5
    assert home_queries(dp3a_officer) == one


# --- The case list ----------------------------------------------------------------------------


def test_the_unassigned_tab_lists_only_the_units_open_unassigned_cases(
    unit: dict[str, Case], coordinator: Persona, ikhlas_caseworker: Persona
) -> None:
    elsewhere = open_case(ikhlas_caseworker.membership)
    html = coordinator.client.get(cases_tab("unassigned")).content.decode()
    shown = {
        case.register_number
        for case in Case.objects.all()
        if case.register_number and case.register_number in html
    }
    assert shown == {unit["free"].register_number, unit["free_late"].register_number}
    assert elsewhere.register_number not in shown


def test_the_coordinator_starts_at_the_units_cases_and_the_caseworker_at_hers(
    unit: dict[str, Case], coordinator: Persona, bahagia_caseworker: Persona
) -> None:
    page = coordinator.client.get(reverse("cases:case_list"))
    assert page.context["tab"] == "unit"
    assert len(page.context["rows"]) == 5  # every case of the unit, the closed one too
    assert bahagia_caseworker.client.get(reverse("cases:case_list")).context["tab"] == "mine"
