"""An issued mechanism (SK Lurah) governs the deadlines of the cases opened after it;
cases opened before keep the rules they started under."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Membership, Organisation
from sipakatau.mechanisms import services as mechanism_services
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders as mechanism_builders
from tests.builders import open_case
from tests.factories import Persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


def _faster_first_contact(version: MechanismVersion, organisation: Organisation) -> None:
    """The kelurahan decides a high-risk survivor is contacted within 1 hour, not 2."""
    mechanism_builders.set_first_contact_deadlines(version, organisation, {"HIGH": 1, "": 4})


def _contact_hours(case_pk: int) -> float:
    from sipakatau.cases.models import Case

    case = Case.objects.get(pk=case_pk)
    deadline = case.deadlines.get(code="first_contact")
    return (deadline.due_at - case.reported_at) / timedelta(hours=1)


def test_new_cases_follow_the_issued_mechanism_and_old_ones_keep_theirs(
    volunteer: Membership, kelurahan_ws: Organisation
) -> None:
    # Given a high-risk case opened under the default rules (2 hours)
    reported = timezone.now() - timedelta(minutes=10)
    before = open_case(volunteer, reported_at=reported, danger_now=True)
    assert before.rule_set == "default"
    assert _contact_hours(before.pk) == 2

    # When the kelurahan issues a mechanism with 1 hour for high risk
    version = mechanism_builders.draft_version(kelurahan_ws)
    _faster_first_contact(version, kelurahan_ws)
    version = mechanism_builders.issued_version(kelurahan_ws)
    assert version.status == Status.ISSUED

    # Then a new high-risk case of the LBK-KK in that kelurahan is due within 1 hour,
    # an unassessed one within the "every level" 4 hours, and the old case is unchanged
    after = open_case(volunteer, reported_at=reported, danger_now=True)
    unassessed = open_case(volunteer, reported_at=reported)
    assert after.rule_set == version.rule_set
    assert _contact_hours(after.pk) == 1
    assert _contact_hours(unassessed.pk) == 4
    assert _contact_hours(before.pk) == 2
    before.refresh_from_db()
    assert before.rule_set == "default"
    # The step's own title is what the case shows as due.
    assert after.deadlines.get(code="first_contact").label == "Kontak pertama dengan korban"


def test_a_later_decree_does_not_move_cases_opened_under_the_first(
    volunteer: Membership, kelurahan_ws: Organisation, lurah: Persona
) -> None:
    first = mechanism_builders.issued_version(kelurahan_ws)
    reported = timezone.now() - timedelta(minutes=10)
    under_first = open_case(volunteer, reported_at=reported, danger_now=True)
    assert _contact_hours(under_first.pk) == 2

    second = mechanism_services.version_new(
        actor=mechanism_builders.officer(kelurahan_ws), based_on=first
    )
    _faster_first_contact(second, kelurahan_ws)
    mechanism_services.version_transition(
        actor=lurah.membership, version=second, to=Status.IN_DISCUSSION
    )
    mechanism_services.version_transition(
        actor=lurah.membership, version=second, to=Status.APPROVED
    )
    mechanism_services.decree_issue(
        actor=lurah.membership,
        version=second,
        issued_on=timezone.localdate(),
        signer_name="Andi Lurah",
        base_url="http://testserver",
    )
    under_second = open_case(volunteer, reported_at=reported, danger_now=True)
    assert under_second.rule_set == second.rule_set
    assert _contact_hours(under_second.pk) == 1
    under_first.refresh_from_db()
    assert under_first.rule_set == first.rule_set
    assert _contact_hours(under_first.pk) == 2


def test_a_unit_without_an_issued_mechanism_keeps_the_defaults(
    volunteer: Membership, kelurahan_ws: Organisation
) -> None:
    mechanism_builders.approved_version(kelurahan_ws)  # approved, not yet issued
    case = open_case(volunteer, danger_now=True)
    assert case.rule_set == "default"


def test_the_case_page_says_which_decree_governs_it(
    bahagia_caseworker: Persona, kelurahan_ws: Organisation
) -> None:
    from django.urls import reverse

    from tests.factories import english

    before = open_case(bahagia_caseworker.membership)
    version = mechanism_builders.issued_version(kelurahan_ws)
    after = open_case(bahagia_caseworker.membership)
    client = english(bahagia_caseworker.client)

    old_page = client.get(reverse("cases:case_detail", args=[before.pk]))
    new_page = client.get(reverse("cases:case_detail", args=[after.pk]))

    assertContains(old_page, "Set by the default rules")
    assertContains(new_page, f"Set by SK Lurah no. {version.decree.number} (mechanism version 1)")


def test_monitoring_counts_each_steps_deadlines_met_late_and_open(
    bahagia_caseworker: Persona,
    kelurahan_ws: Organisation,
    lurah: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    from django.urls import reverse

    from sipakatau.cases.models import CaseDeadline
    from sipakatau.cases.monitoring import mechanism_compliance
    from sipakatau.cases.services.deadlines import deadlines_meet
    from tests.factories import english

    version = mechanism_builders.issued_version(kelurahan_ws)
    worker = bahagia_caseworker.membership
    now = timezone.now()
    # Given three high-risk cases under the mechanism: contacted in time, contacted late,
    # and not contacted although the 2 hours have passed
    cases = [
        open_case(worker, reported_at=now - timedelta(hours=5), danger_now=True) for _ in range(3)
    ]
    deadlines_meet(case=cases[0], codes=["first_contact"], at=now - timedelta(hours=4))
    deadlines_meet(case=cases[1], codes=["first_contact"], at=now - timedelta(hours=1))
    open_case(worker, danger_now=True)  # just reported: not yet due
    default_case = CaseDeadline.objects.exclude(case__rule_set=version.rule_set)
    assert not default_case.exists()

    count, steps = mechanism_compliance(version, now=now)

    assert count == 4
    contact = next(step for step in steps if step.action == "first_contact")
    assert (contact.total, contact.on_time, contact.late, contact.overdue, contact.pending) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert contact.on_time_percent == 33
    # The page shows the same figures to the Lurah, and nothing to another kelurahan's unit.
    url = reverse("cases:mechanism_monitoring", args=[version.pk])
    page = english(lurah.client).get(url)
    assertContains(page, "33%")
    assertContains(page, "Kontak pertama dengan korban")
    assert ikhlas_caseworker.client.get(url).status_code == 404
    api = lurah.client.get(f"/api/v1/cases/mechanism-monitoring/{version.pk}").json()
    assert api["cases"] == 4
    assert [s["on_time"] for s in api["steps"] if s["action"] == "first_contact"] == [1]


def test_the_monitoring_page_costs_the_same_queries_for_many_cases(
    bahagia_caseworker: Persona, kelurahan_ws: Organisation, lurah: Persona
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    version = mechanism_builders.issued_version(kelurahan_ws)
    url = reverse("cases:mechanism_monitoring", args=[version.pk])
    open_case(bahagia_caseworker.membership)
    lurah.client.get(url)
    with CaptureQueriesContext(connection) as few:
        lurah.client.get(url)
    for _ in range(6):
        open_case(bahagia_caseworker.membership, danger_now=True)
    with CaptureQueriesContext(connection) as many:
        lurah.client.get(url)
    assert len(many) == len(few)


def test_a_late_step_the_decree_sends_to_the_lurah_reaches_the_lurah(
    bahagia_caseworker: Persona, kelurahan_ws: Organisation, lurah: Persona
) -> None:
    from sipakatau.accounts.models import Role
    from sipakatau.cases.models import CaseDeadline
    from sipakatau.cases.services.deadlines import deadlines_escalate
    from sipakatau.notifications.models import Notification
    from tests.factories import make_persona

    make_persona(bahagia_caseworker.organisation, Role.COORDINATOR)
    staff = make_persona(kelurahan_ws, Role.VILLAGE_OFFICER)
    version = mechanism_builders.issued_version(kelurahan_ws)
    # In the template, a late police forwarding goes to the Lurah; a late first contact
    # to the coordinator only.
    assert version.steps.get(action="police_forwarding").escalate_to == "lurah"
    case = open_case(bahagia_caseworker.membership, danger_now=True)
    CaseDeadline.objects.create(
        case=case,
        code="police_forwarding",
        label="Penerusan",
        due_at=timezone.now() - timedelta(hours=1),
    )
    CaseDeadline.objects.filter(case=case, code="first_contact").update(
        due_at=timezone.now() - timedelta(hours=1)
    )

    assert deadlines_escalate() == 2

    to_lurah = Notification.objects.filter(recipient=lurah.user)
    assert to_lurah.count() == 1
    note = to_lurah.get()
    assert note.template == "deadline_overdue_kelurahan"
    assert note.context["register_number"] == case.register_number
    assert note.context["link"] == f"/kasus/pemantauan-mekanisme/{version.pk}/"
    assert not Notification.objects.filter(recipient=staff.user).exists()


def test_a_late_step_of_a_desa_s_decree_tells_the_kepala_desa_in_the_desa_s_words() -> None:
    from sipakatau.accounts.models import OrganisationType, Role
    from sipakatau.cases.models import CaseDeadline
    from sipakatau.cases.services.deadlines import deadlines_escalate
    from sipakatau.mechanisms.tests.villagesupport import DESA, desa_office_make
    from sipakatau.notifications.models import Notification
    from sipakatau.notifications.templates import TEMPLATES
    from tests.factories import make_organisation, make_persona

    # Given an LBK-KK in a desa whose Kepala Desa issued the mechanism
    office = desa_office_make()
    unit = make_organisation(
        "LBK-KK Sipakainge Desa Lompo Riaja", type=OrganisationType.LBK_KK, area_code=DESA
    )
    make_persona(unit, Role.COORDINATOR)
    caseworker = make_persona(unit, Role.CASEWORKER)
    kepala_desa = make_persona(office, Role.VILLAGE_OFFICER, is_signatory=True)
    mechanism_builders.issued_version(office)
    case = open_case(caseworker.membership, danger_now=True)
    # When the police forwarding, which the decree sends to the village head, is late
    CaseDeadline.objects.create(
        case=case,
        code="police_forwarding",
        label="Penerusan",
        due_at=timezone.now() - timedelta(hours=1),
    )
    deadlines_escalate()
    # Then the Kepala Desa hears of the desa's mechanism, not of a kelurahan's
    note = Notification.objects.get(recipient=kepala_desa.user)
    assert note.template == "deadline_overdue_desa"
    assert "desa's mechanism" in str(TEMPLATES[note.template])
    assert "kelurahan" not in str(TEMPLATES[note.template]).lower()


def test_a_desa_case_under_the_default_rules_says_the_desa_had_no_decree() -> None:
    from django.urls import reverse

    from sipakatau.accounts.models import OrganisationType, Role
    from sipakatau.mechanisms.tests.villagesupport import DESA, desa_office_make
    from tests.factories import english, make_organisation, make_persona

    # Given an LBK-KK in a desa that has issued no mechanism yet
    desa_office_make()
    unit = make_organisation(
        "LBK-KK Sipakainge Desa Lompo Riaja", type=OrganisationType.LBK_KK, area_code=DESA
    )
    caseworker = make_persona(unit, Role.CASEWORKER)
    case = open_case(caseworker.membership, danger_now=True)
    # When its caseworker opens the case
    page = english(caseworker.client).get(reverse("cases:case_detail", args=[case.pk]))
    # Then the deadlines' basis names the desa
    assertContains(page, "the desa had no issued mechanism")
    assertNotContains(page, "the kelurahan had no issued mechanism")


def test_monitoring_hides_the_figures_of_fewer_than_three_sexual_violence_cases(
    bahagia_caseworker: Persona, kelurahan_ws: Organisation, lurah: Persona
) -> None:
    from django.urls import reverse

    from sipakatau.cases.monitoring import mechanism_compliance
    from sipakatau.cases.services.deadlines import deadlines_on_trigger
    from tests.factories import english

    version = mechanism_builders.issued_version(kelurahan_ws)
    url = reverse("cases:mechanism_monitoring", args=[version.pk])

    def forwarded_case() -> None:
        case = open_case(bahagia_caseworker.membership)
        assert deadlines_on_trigger(case=case, trigger="sexual_violence")

    # Given two cases of sexual violence in the kelurahan: the police forwarding step
    # would tell who reported what to anyone who saw them go to the posko
    forwarded_case()
    forwarded_case()
    _count, steps = mechanism_compliance(version)
    police = next(step for step in steps if step.action == "police_forwarding")
    contact = next(step for step in steps if step.action == "first_contact")
    assert police.suppressed and not contact.suppressed
    page = english(lurah.client).get(url)
    assertContains(page, 'data-count="suppressed"', count=1)
    assertContains(page, "Fewer than 3 cases")
    api_url = f"/api/v1/cases/mechanism-monitoring/{version.pk}"
    hidden = next(s for s in lurah.client.get(api_url).json()["steps"] if s["suppressed"])
    assert hidden["action"] == "police_forwarding"
    assert hidden["total"] is None and hidden["on_time_percent"] is None

    # When a third one is opened, the figures show
    forwarded_case()
    assertNotContains(english(lurah.client).get(url), 'data-count="suppressed"')
    shown = lurah.client.get(api_url).json()["steps"]
    assert [s["total"] for s in shown if s["action"] == "police_forwarding"] == [3]
