"""The GBVIMS workbook carries the GBVIMS intake fields (issue 17) as columns, with their
code lists on a KODE sheet, and asks as many queries for many rows as for one."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import (
    AbductionType,
    HarmfulPractice,
    LegalAction,
    Occupation,
    PartyRole,
    PerpetratorCount,
    ReferredFrom,
    ReportedElsewhere,
    ReportedTo,
    TimeOfDay,
    YesNoUnknown,
)
from sipakatau.cases.models import Case, Incident, PerpetratorLink
from sipakatau.people.models import Person
from sipakatau.reports.exports import GBVIMS_HEADER, gbvims_xlsx
from sipakatau.reports.periods import Period
from sipakatau.reports.queries import cases_for_export
from tests.factories import Persona

from .dataset import at, make_case, make_victim

pytestmark = pytest.mark.django_db

NOVEMBER = Period("month", date(2026, 11, 1))

NEW_COLUMNS = {
    "time_of_day": TimeOfDay,
    "harmful_traditional_practice": HarmfulPractice,
    "abduction_type": AbductionType,
    "previously_reported": ReportedElsewhere,
    "previously_reported_to": ReportedTo,
    "previous_gbv_incidents": YesNoUnknown,
    "perpetrator_occupation": Occupation,
    "wants_legal_action": LegalAction,
    "referred_from": ReferredFrom,
    "number_of_perpetrators": PerpetratorCount,
}


def _book(coordinator: Persona) -> dict[str, list[tuple[object, ...]]]:
    cases, zone = cases_for_export(coordinator.membership, "gbvims", NOVEMBER)
    workbook = load_workbook(io.BytesIO(gbvims_xlsx(cases, zone)))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def _perpetrator(case: Case, victim: object, occupation: str = "") -> None:
    person = Person.objects.create(name="Terlapor Uji", sex="L")
    party = case.parties.create(person=person, role=PartyRole.PERPETRATOR, occupation=occupation)
    PerpetratorLink.objects.create(
        case=case, victim=victim, perpetrator=party, relationship="TETANGGA"
    )


def _recorded_case(bahagia: Organisation, coordinator: Persona, day: int) -> Case:
    case = make_case(bahagia, coordinator.user, at(day), "REFERRAL_IN", forms=["FISIK"])
    Incident.objects.filter(case=case).update(
        gbvims_type="PHYSICAL_ASSAULT",
        time_of_day=TimeOfDay.EVENING_NIGHT,
        harmful_practice=HarmfulPractice.CHILD_MARRIAGE,
        abduction_type=AbductionType.TRAFFICKED,
        reported_elsewhere=ReportedElsewhere.YES_NON_GBVIMS_ORG,
        reported_to=[ReportedTo.POLICE, ReportedTo.HEALTH],
        previous_incidents=YesNoUnknown.YES,
        legal_action=LegalAction.UNDECIDED,
        perpetrator_count=PerpetratorCount.ONE,
        referred_from=ReferredFrom.COMMUNITY_LEADER,
    )
    victim = make_victim(case, coordinator.user, sex="P", age=16)
    _perpetrator(case, victim, Occupation.NELAYAN)
    _perpetrator(case, victim, Occupation.PETANI)
    return case


def test_the_gbvims_sheet_has_a_column_per_field_and_their_code_lists(
    bahagia: Organisation, coordinator: Persona
) -> None:
    # Given one incident with every GBVIMS field, two perpetrators recorded (one told)
    _recorded_case(bahagia, coordinator, 5)
    # and one where nothing was asked and nobody is recorded
    bare = make_case(bahagia, coordinator.user, at(6), "WALK_IN", forms=["PSIKIS"])
    make_victim(bare, coordinator.user, sex="P", age=30)

    # when the workbook is built and read back
    book = _book(coordinator)
    rows = book["GBVIMS"]
    header = list(rows[0])
    assert header == GBVIMS_HEADER
    assert set(NEW_COLUMNS) <= set(header)
    full, empty = (
        {name: row[header.index(name)] for name in NEW_COLUMNS}
        for row in sorted(rows[1:], key=lambda row: str(row[header.index("time_of_day")] or ""))[
            ::-1
        ]
    )

    # then each field is in its column, in its code
    assert full == {
        "time_of_day": "EVENING_NIGHT",
        "harmful_traditional_practice": "CHILD_MARRIAGE",
        "abduction_type": "TRAFFICKED",
        "previously_reported": "YES_NON_GBVIMS_ORG",
        "previously_reported_to": "POLICE,HEALTH",
        "previous_gbv_incidents": "YES",
        "perpetrator_occupation": "NELAYAN,PETANI",
        "wants_legal_action": "UNDECIDED",
        "referred_from": "COMMUNITY_LEADER",
        # one told, two recorded: at least two
        "number_of_perpetrators": "2",
    }
    assert empty == {name: None for name in NEW_COLUMNS} | {"number_of_perpetrators": "UNKNOWN"}

    # and the KODE sheet lists every code of every new column, and each code used
    assert book["KODE"][0] == ("column", "code", "label")
    listed = {(column, code) for column, code, _label in book["KODE"][1:]}
    for column, codes in NEW_COLUMNS.items():
        assert {(column, code) for code in codes.values} <= listed, column
    for name, value in full.items():
        for code in str(value).split(","):
            assert (name, code) in listed


def test_the_gbvims_export_asks_as_many_queries_for_many_rows_as_for_one(
    bahagia: Organisation, coordinator: Persona
) -> None:
    _recorded_case(bahagia, coordinator, 5)
    cases, zone = cases_for_export(coordinator.membership, "gbvims", NOVEMBER)
    with CaptureQueriesContext(connection) as one:
        gbvims_xlsx(cases, zone)

    for day in range(7, 15):
        _recorded_case(bahagia, coordinator, day)
    cases, zone = cases_for_export(coordinator.membership, "gbvims", NOVEMBER)
    with CaptureQueriesContext(connection) as many:
        rows = gbvims_xlsx(cases, zone)

    assert len(load_workbook(io.BytesIO(rows))["GBVIMS"]["A"]) == 10  # header and 9 rows
    assert len(many) == len(one)
