"""The exported code lists against their sources: GBVIMS intimate-partner violence from the
finer relation (a friend is not a partner), and the SIMFONI-PPA victim particulars."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from sipakatau.accounts.models import Organisation
from sipakatau.cases.codes import (
    Citizenship,
    Education,
    GbvimsContext,
    GbvimsType,
    MaritalStatus,
    Occupation,
    PartyRole,
    RelationDetail,
)
from sipakatau.cases.models import CaseParty, Incident, PerpetratorLink
from sipakatau.people.models import Person
from sipakatau.reports.exports import GBVIMS_HEADER, SIMFONI_HEADER, gbvims_xlsx, simfoni_xlsx
from sipakatau.reports.periods import Period
from sipakatau.reports.queries import cases_for_export
from tests.factories import Persona

from .dataset import at, make_case, make_victim

pytestmark = pytest.mark.django_db


def _column(rows: list[tuple[object, ...]], name: str) -> list[object]:
    index = GBVIMS_HEADER.index(name)
    return [row[index] for row in rows[1:]]


def _book(coordinator: Persona, kind: str) -> dict[str, list[tuple[object, ...]]]:
    cases, zone = cases_for_export(coordinator.membership, kind, Period("month", date(2026, 11, 1)))
    build = {"gbvims": gbvims_xlsx, "simfoni": simfoni_xlsx}[kind]
    workbook = load_workbook(io.BytesIO(build(cases, zone)))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def _gbvims(coordinator: Persona) -> list[tuple[object, ...]]:
    return _book(coordinator, "gbvims")["GBVIMS"]


@pytest.mark.parametrize(
    ("detail", "contexts"),
    [
        (RelationDetail.TEMAN, None),
        ("", None),
        (RelationDetail.PACAR, GbvimsContext.INTIMATE_PARTNER),
        (RelationDetail.MANTAN_PACAR, GbvimsContext.INTIMATE_PARTNER),
    ],
)
def test_gbvims_counts_a_boyfriend_as_intimate_partner_and_a_friend_never(
    bahagia: Organisation, coordinator: Persona, detail: str, contexts: str | None
) -> None:
    # Given a physical assault by someone recorded as "Pacar/Teman", classified before the
    # finer relation existed (its stored context still says intimate partner)
    case = make_case(bahagia, coordinator.user, at(5), "WALK_IN", forms=["FISIK"])
    Incident.objects.filter(case=case).update(
        gbvims_type=GbvimsType.PHYSICAL_ASSAULT,
        gbvims_context=[GbvimsContext.INTIMATE_PARTNER],
    )
    victim = make_victim(case, coordinator.user, sex="P", age=19)
    person = Person.objects.create(name="Terlapor Uji", sex="L")
    perpetrator = case.parties.create(person=person, role=PartyRole.PERPETRATOR)
    PerpetratorLink.objects.create(
        case=case,
        victim=victim,
        perpetrator=perpetrator,
        relationship="PACAR_TEMAN",
        relation_detail=detail,
    )

    # when the GBVIMS sheet is exported
    rows = _gbvims(coordinator)

    # then the context follows the finer relation, and the relation is in its own column
    assert _column(rows, "case_context") == [contexts]
    assert _column(rows, "perpetrator_relationship") == ["PACAR_TEMAN"]
    assert _column(rows, "perpetrator_relation_detail") == [detail or None]


def test_gbvims_marks_intimate_partner_violence_only_on_the_partners_victim(
    bahagia: Organisation, coordinator: Persona
) -> None:
    # Given one incident with two victims: a wife hit by her husband, and a friend of hers
    case = make_case(bahagia, coordinator.user, at(6), "WALK_IN", forms=["FISIK"])
    Incident.objects.filter(case=case).update(gbvims_type=GbvimsType.PHYSICAL_ASSAULT)
    wife = make_victim(case, coordinator.user, sex="P", age=30)
    friend = make_victim(case, coordinator.user, sex="P", age=31)
    husband = case.parties.create(
        person=Person.objects.create(name="Terlapor Uji", sex="L"), role=PartyRole.PERPETRATOR
    )
    PerpetratorLink.objects.create(
        case=case, victim=wife, perpetrator=husband, relationship="SUAMI_ISTRI"
    )
    PerpetratorLink.objects.create(
        case=case,
        victim=friend,
        perpetrator=husband,
        relationship="PACAR_TEMAN",
        relation_detail=RelationDetail.TEMAN,
    )

    rows = _gbvims(coordinator)

    assert sorted(_column(rows, "case_context"), key=str) == [
        GbvimsContext.INTIMATE_PARTNER,
        None,
    ]


def test_simfoni_carries_the_victim_particulars_in_the_code_lists_it_ships(
    bahagia: Organisation, coordinator: Persona
) -> None:
    # Given a pupil of junior secondary school, and a victim whose particulars are not known
    case = make_case(bahagia, coordinator.user, at(7), "WALK_IN", forms=["SEKSUAL"])
    pupil = make_victim(case, coordinator.user, sex="P", age=14)
    CaseParty.objects.filter(pk=pupil.pk).update(
        education="SLTP", occupation="PELAJAR_MAHASISWA", marital_status="BELUM_KAWIN",
        citizenship="WNI",
    )  # fmt: skip
    make_victim(case, coordinator.user, sex="P", age=40)

    # when the SIMFONI workbook is exported
    book = _book(coordinator, "simfoni")

    # then each victim's row has the four particulars, blank when not known
    rows = book["SIMFONI"]
    assert list(rows[0]) == SIMFONI_HEADER
    names = ["PENDIDIKAN", "PEKERJAAN", "STATUS_PERKAWINAN", "KEWARGANEGARAAN"]
    columns = [SIMFONI_HEADER.index(name) for name in names]
    particulars = [tuple(row[i] for i in columns) for row in rows[1:]]
    assert sorted(particulars, key=str) == [
        ("SLTP", "PELAJAR_MAHASISWA", "BELUM_KAWIN", "WNI"),
        (None, None, None, None),
    ]
    # and the KODE sheet lists every code of the four lists, so each value used is there
    codes = {(row[0], row[1]) for row in book["KODE"][1:]}
    for name, choices in zip(
        names, (Education, Occupation, MaritalStatus, Citizenship), strict=True
    ):
        assert {(name, code) for code in choices.values} <= codes
    used = {
        (name, row[i]) for row in rows[1:] for name, i in zip(names, columns, strict=True) if row[i]
    }
    assert used and used <= codes


@pytest.mark.parametrize(
    ("relationship", "detail", "place", "kdrt"),
    [
        ("SUAMI_ISTRI", "", "FASILITAS_UMUM", "YA"),  # a husband, wherever it happened
        ("SUAMI_ISTRI", "MANTAN_SUAMI_ISTRI", "RUMAH_TANGGA", "TIDAK"),  # a former one
        ("ORANG_TUA", "", "SEKOLAH", "YA"),  # a parent and a child
        ("KELUARGA_SAUDARA", "", "RUMAH_TANGGA", "YA"),  # kin in the household
        ("KELUARGA_SAUDARA", "", "FASILITAS_UMUM", "TIDAK"),
        ("MAJIKAN", "", "RUMAH_TANGGA", "YA"),  # a live-in domestic worker's employer
        ("MAJIKAN", "", "TEMPAT_KERJA", "TIDAK"),
        ("PACAR_TEMAN", "PACAR", "RUMAH_TANGGA", "TIDAK"),  # a boyfriend: not a household
        ("TETANGGA", "", "RUMAH_TANGGA", "TIDAK"),
    ],
)
def test_simfoni_flags_household_violence_as_uu_23_2004_pasal_2_draws_the_household(
    bahagia: Organisation,
    coordinator: Persona,
    relationship: str,
    detail: str,
    place: str,
    kdrt: str,
) -> None:
    case = make_case(bahagia, coordinator.user, at(7), "WALK_IN", forms=["FISIK"])
    victim = make_victim(case, coordinator.user, sex="P", age=30)
    perpetrator = make_victim(case, coordinator.user, sex="L", age=40)
    CaseParty.objects.filter(pk=perpetrator.pk).update(role=PartyRole.PERPETRATOR)
    PerpetratorLink.objects.create(
        case=case, victim=victim, perpetrator=perpetrator, relationship=relationship,
        relation_detail=detail,
    )  # fmt: skip
    Incident.objects.filter(case=case).update(place_type=place)

    rows = _book(coordinator, "simfoni")["SIMFONI"]

    assert [row[SIMFONI_HEADER.index("KDRT")] for row in rows[1:]] == [kdrt]
