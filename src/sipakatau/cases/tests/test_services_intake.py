"""Intake: register numbers, the intake key, dates, places and ages."""

import re
import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections
from django.utils import timezone

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.areas.models import Area
from sipakatau.cases.codes import PartyRole, Relationship, RiskLevel
from sipakatau.cases.models import Case, CaseCounter
from sipakatau.cases.services import intake
from tests.builders import add_party, open_case
from tests.factories import WATANG_SOREANG, Persona, make_organisation, make_persona

pytestmark = pytest.mark.usefixtures("in_english", "deadline_rules")

NUMBER = re.compile(r"^[A-Z]{3}-(?P<unit>\d+)/(?P<year>\d{4})/(?P<number>\d{4})$")


def _number(case: Case) -> tuple[int, int, int]:
    match = NUMBER.match(case.register_number)
    assert match, case.register_number
    return int(match["unit"]), int(match["year"]), int(match["number"])


@pytest.fixture
def volunteer(bahagia_volunteer: Persona) -> Membership:
    return bahagia_volunteer.membership


# --- register numbers -------------------------------------------------------------------


def test_register_numbers_count_up_per_unit(
    volunteer: Membership, ikhlas_volunteer: Persona
) -> None:
    first, second = open_case(volunteer), open_case(volunteer)
    elsewhere = open_case(ikhlas_volunteer.membership)

    year = timezone.localdate().year
    assert _number(first) == (volunteer.organisation_id, year, 1)
    assert _number(second) == (volunteer.organisation_id, year, 2)
    assert _number(elsewhere) == (ikhlas_volunteer.membership.organisation_id, year, 1)


def test_register_numbers_start_again_each_year(volunteer: Membership) -> None:
    open_case(volunteer)
    next_year = date(timezone.localdate().year + 1, 1, 1)

    with mock.patch("sipakatau.cases.services.intake.unit_today", return_value=next_year):
        case = open_case(volunteer)

    assert _number(case)[1:] == (next_year.year, 1)


def test_units_whose_names_give_the_same_letters_still_get_different_numbers(db: None) -> None:
    # Given two units whose names both shorten to "BNG"
    bunga = make_persona(make_organisation("LBK-KK Bunga"), Role.VOLUNTEER).membership
    bangun = make_persona(make_organisation("LBK-KK Bangun"), Role.VOLUNTEER).membership

    # when each opens its first case of the year
    one, other = open_case(bunga), open_case(bangun)

    # then both are numbered, and the numbers differ
    assert one.register_number.startswith("BNG-")
    assert other.register_number.startswith("BNG-")
    assert one.register_number != other.register_number


def test_a_refused_intake_uses_no_number(volunteer: Membership) -> None:
    with pytest.raises(ValidationError):
        open_case(volunteer, channel="CARRIER_PIGEON")

    assert _number(open_case(volunteer))[2] == 1


def test_a_case_opened_by_a_volunteer_waits_to_be_assigned_and_a_caseworkers_is_hers(
    volunteer: Membership, bahagia_caseworker: Persona
) -> None:
    assert open_case(volunteer).assigned_to is None
    assert open_case(bahagia_caseworker.membership).assigned_to == bahagia_caseworker.user


def test_danger_now_makes_the_case_high_risk_until_assessed(volunteer: Membership) -> None:
    assert open_case(volunteer, danger_now=True).risk_level == RiskLevel.HIGH
    assert open_case(volunteer).risk_level == RiskLevel.UNASSESSED


# --- the intake key ---------------------------------------------------------------------


def test_the_same_form_sent_twice_opens_one_case(volunteer: Membership) -> None:
    key = uuid.uuid4()

    first = open_case(volunteer, intake_key=key)
    again = open_case(volunteer, intake_key=key)

    assert again.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseCounter.objects.get().last == 1


def test_another_units_intake_key_never_hands_back_its_case(
    volunteer: Membership, ikhlas_volunteer: Persona
) -> None:
    key = uuid.uuid4()
    theirs = open_case(volunteer, intake_key=key)

    with pytest.raises(IntegrityError):
        open_case(ikhlas_volunteer.membership, intake_key=key)

    assert Case.objects.get().pk == theirs.pk


# --- dates and places -------------------------------------------------------------------


def test_a_report_date_in_the_future_is_refused(volunteer: Membership) -> None:
    with pytest.raises(ValidationError) as error:
        open_case(volunteer, reported_at=timezone.now() + timedelta(hours=2))
    assert set(error.value.message_dict) == {"reported_at"}


def test_the_incident_may_be_earlier_or_on_the_report_day_but_not_after(
    volunteer: Membership,
) -> None:
    case = open_case(volunteer, reported_at=timezone.now() - timedelta(days=10))
    report_day = timezone.localtime(case.reported_at, ZoneInfo("Asia/Makassar")).date()

    intake.incident_record(actor=volunteer, case=case, occurred_on=report_day - timedelta(days=3))
    intake.incident_record(actor=volunteer, case=case, occurred_on=report_day)
    with pytest.raises(ValidationError) as error:
        intake.incident_record(
            actor=volunteer, case=case, occurred_on=report_day + timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"occurred_on"}


def test_an_incident_in_the_future_is_refused(volunteer: Membership) -> None:
    case = open_case(volunteer)

    with pytest.raises(ValidationError) as error:
        intake.incident_record(
            actor=volunteer, case=case, occurred_on=timezone.localdate() + timedelta(days=2)
        )
    assert "occurred_on" in error.value.message_dict


def test_today_is_the_units_today_not_utcs(volunteer: Membership) -> None:
    # Given 07:30 in Parepare on 11 June, which is still 10 June in UTC
    morning = datetime(2025, 6, 10, 23, 30, tzinfo=ZoneInfo("UTC"))
    with mock.patch("django.utils.timezone.now", return_value=morning):
        case = open_case(volunteer)

        # when the kader records that it happened this morning
        incident = intake.incident_record(actor=volunteer, case=case, occurred_on=date(2025, 6, 11))

    # then it is accepted: it is not in the future where it happened
    assert incident.occurred_on == date(2025, 6, 11)


def test_an_incident_is_either_in_an_area_or_outside_the_city(volunteer: Membership) -> None:
    case = open_case(volunteer)
    area = Area.objects.get(code=WATANG_SOREANG)

    with pytest.raises(ValidationError) as error:
        intake.incident_record(
            actor=volunteer, case=case, occurred_on=None, area=area, outside_city=True
        )
    assert set(error.value.message_dict) == {"area"}

    assert intake.incident_record(
        actor=volunteer, case=case, occurred_on=None, outside_city=True
    ).outside_city
    assert (
        intake.incident_record(actor=volunteer, case=case, occurred_on=None, area=area).area == area
    )


def test_unknown_codes_are_refused(volunteer: Membership) -> None:
    case = open_case(volunteer)

    with pytest.raises(ValidationError) as error:
        intake.incident_record(
            actor=volunteer,
            case=case,
            occurred_on=None,
            place_type="MOON",
            violence_forms=["FISIK", "MAGIC"],
        )
    assert set(error.value.message_dict) == {"place_type", "violence_forms"}
    with pytest.raises(ValidationError):
        open_case(volunteer, immediate_needs=["PIZZA"])


# --- people and ages --------------------------------------------------------------------


def test_ages_at_the_incident_are_recomputed_when_its_date_is_set(volunteer: Membership) -> None:
    # Given a victim born 1 March 2010 added before the incident date is known
    case = open_case(volunteer)
    victim = add_party(volunteer, case, name="Ani", birth_date=date(2010, 3, 1))
    estimated = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Baso", sex="L", age=45)

    # when the incident is dated 28 February 2025, the day before her 15th birthday
    intake.incident_record(actor=volunteer, case=case, occurred_on=date(2025, 2, 28))

    # then she was 14, and stays a child for the statistics however old she is now
    victim.refresh_from_db()
    estimated.refresh_from_db()
    assert victim.age_at_incident == 14
    assert victim.is_child
    assert estimated.age_at_incident == 45

    # and a party added afterwards gets her age at that date too
    sister = add_party(volunteer, case, name="Nur", birth_date=date(2006, 2, 28))
    assert sister.age_at_incident == 19


def test_several_victims_and_perpetrators_each_with_their_relationship(
    volunteer: Membership,
) -> None:
    case = open_case(volunteer)
    mother = add_party(volunteer, case, name="Siti", age=35)
    daughter = add_party(volunteer, case, name="Ani", age=10)
    father = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Baso", sex="L", age=40)
    uncle = add_party(volunteer, case, PartyRole.PERPETRATOR, name="Laode", sex="L", age=44)

    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=mother,
        perpetrator=father,
        relationship=Relationship.SUAMI_ISTRI,
    )
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=daughter,
        perpetrator=father,
        relationship=Relationship.ORANG_TUA,
    )
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=daughter,
        perpetrator=uncle,
        relationship=Relationship.KELUARGA_SAUDARA,
    )
    # setting a pair again changes it rather than doubling it
    intake.perpetrator_link_set(
        actor=volunteer,
        case=case,
        victim=mother,
        perpetrator=father,
        relationship=Relationship.SUAMI_ISTRI,
    )

    assert case.perpetrator_links.count() == 3
    with pytest.raises(ValidationError):
        intake.perpetrator_link_set(
            actor=volunteer,
            case=case,
            victim=father,
            perpetrator=mother,
            relationship=Relationship.SUAMI_ISTRI,
        )
    with pytest.raises(ValidationError):
        intake.perpetrator_link_set(
            actor=volunteer, case=case, victim=mother, perpetrator=father, relationship="ENEMY"
        )


def test_the_same_person_in_the_same_role_is_added_once(volunteer: Membership) -> None:
    case = open_case(volunteer)
    victim = add_party(volunteer, case)

    again = intake.party_add(
        actor=volunteer, case=case, person=victim.person, role=PartyRole.VICTIM
    )

    assert again.pk == victim.pk
    with pytest.raises(ValidationError):
        intake.party_add(actor=volunteer, case=case, person=victim.person, role="BYSTANDER")


# --- who may open a case ----------------------------------------------------------------


def test_an_office_that_is_not_a_service_unit_cannot_open_cases(
    kelurahan_ws: Organisation, dp3a: Organisation
) -> None:
    for office in (kelurahan_ws, dp3a):
        member = make_persona(office, Role.VOLUNTEER).membership
        with pytest.raises(ValidationError):
            open_case(member)


def test_an_uptd_ppa_opens_cases(db: None) -> None:
    uptd = make_organisation(
        "UPTD PPA Kota Parepare", type=OrganisationType.UPTD_PPA, area_code="73.72"
    )

    case = open_case(make_persona(uptd, Role.CASEWORKER).membership)

    assert case.organisation == uptd


@pytest.mark.parametrize("persona", ["lurah", "dp3a_officer", "auditor", "bahagia_admin"])
def test_roles_without_case_work_cannot_open_cases(
    persona: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        open_case(request.getfixturevalue(persona).membership)


def test_outsiders_cannot_add_people_or_record_the_incident(
    volunteer: Membership, ikhlas_caseworker: Persona
) -> None:
    case = open_case(volunteer)
    victim = add_party(volunteer, case)

    with pytest.raises(PermissionDenied):
        intake.party_add(
            actor=ikhlas_caseworker.membership,
            case=case,
            person=victim.person,
            role=PartyRole.WITNESS,
        )
    with pytest.raises(PermissionDenied):
        intake.incident_record(actor=ikhlas_caseworker.membership, case=case, occurred_on=None)


# --- at the same moment -----------------------------------------------------------------

THREADS = 6
CASES_PER_THREAD = 3


def _in_threads(
    count: int, work: Callable[[int], object]
) -> tuple[list[object], list[BaseException]]:
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

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
def test_cases_opened_at_the_same_moment_never_share_a_number(
    bahagia_volunteer: Persona, bahagia_caseworker: Persona, shared_database: None
) -> None:
    # Given several kader and caseworkers sending intakes at the same moment
    actors = [bahagia_volunteer.membership, bahagia_caseworker.membership]

    # when each thread opens a few cases through its own connection
    def work(worker: int) -> list[str]:
        return [open_case(actors[worker % 2]).register_number for _ in range(CASES_PER_THREAD)]

    results, errors = _in_threads(THREADS, work)

    # then every case has its own number, and the numbers run 1..n without a gap
    assert errors == []
    numbers = [number for batch in results for number in batch]  # type: ignore[attr-defined]
    assert len(set(numbers)) == THREADS * CASES_PER_THREAD
    assert sorted(int(n.rsplit("/", 1)[1]) for n in numbers) == list(
        range(1, THREADS * CASES_PER_THREAD + 1)
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_from_two_threads_at_once_opens_one_case(
    bahagia_volunteer: Persona, shared_database: None
) -> None:
    key = uuid.uuid4()

    results, errors = _in_threads(
        4, lambda worker: open_case(bahagia_volunteer.membership, intake_key=key).pk
    )

    assert errors == []
    assert len(set(results)) == 1
    assert Case.objects.filter(intake_key=key).count() == 1
    assert CaseCounter.objects.get(organisation=bahagia_volunteer.membership.organisation).last == 1
