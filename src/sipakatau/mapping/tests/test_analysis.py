"""Analysis numbers checked against a hand computation on six fixed respondents of the
template questionnaire, and small-cell suppression in the XLSX report."""

import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from sipakatau.accounts.models import Membership
from sipakatau.mapping import services, xlsform
from sipakatau.mapping.analysis import Analysis, shown, shown_percent
from sipakatau.mapping.forms.needs_template import build_xlsx
from sipakatau.mapping.models import QuestionnaireStatus
from sipakatau.mapping.presentation import build_report
from sipakatau.mapping.queries import analysis_for

WG = [
    "wg_melihat",
    "wg_mendengar",
    "wg_berjalan",
    "wg_mengingat",
    "wg_merawat_diri",
    "wg_berkomunikasi",
]


def respondent(
    jk: str, umur: int, kelompok: list[str], kebutuhan: list[str], wg: dict[str, str] | None
) -> dict:
    answers: dict = {"responden/jk": jk, "responden/umur": umur, "responden/kelompok": kelompok}
    if wg is not None:
        answers.update({f"wg/{d}": wg.get(d, "1") for d in WG})
    if kebutuhan:
        answers["prioritas/kebutuhan"] = kebutuhan
    return answers


# rw, answers — by hand: r2 (walking "3") and r5 (hearing "4") have a disability; r3
# ("some difficulty" seeing) does not; r6 gave no WG answers and no needs.
DATA = [
    ("001", respondent("L", 30, ["keluarga_miskin"], ["dokumen", "bansos"], {})),
    ("001", respondent("P", 45, ["perempuan"], ["kesehatan", "dokumen"], {"wg_berjalan": "3"})),
    ("001", respondent("P", 70, ["perempuan", "lansia"], ["kesehatan"], {"wg_melihat": "2"})),
    ("002", respondent("P", 16, ["anak", "perempuan"], ["dokumen"], {})),
    (
        "002",
        respondent(
            "L",
            62,
            ["lansia", "disabilitas"],
            ["kesehatan", "bansos", "dokumen"],
            {"wg_mendengar": "4"},
        ),
    ),
    ("002", respondent("P", 25, ["perempuan"], [], None)),
]


@pytest.fixture
def analysis() -> Analysis:
    definition, questions, _ = xlsform.parse(build_xlsx())
    return Analysis(questions, xlsform.choice_lists(definition), DATA)


def counts(rows: list[tuple[str, str, int]]) -> dict[str, int]:
    return {value: n for value, _label, n in rows if n}


def test_frequencies_match_the_hand_count(analysis: Analysis) -> None:
    sex = analysis.frequency("responden/jk")
    assert (sex.answered, sex.missing) == (6, 0)
    assert counts(sex.counts) == {"L": 2, "P": 4}
    assert round(sex.percent(4), 1) == 66.7

    needs = analysis.frequency("prioritas/kebutuhan")
    assert (needs.answered, needs.missing) == (5, 1)
    assert counts(needs.counts) == {"dokumen": 4, "kesehatan": 3, "bansos": 2}
    assert needs.percent(4) == 80.0

    groups = analysis.frequency("responden/kelompok")
    assert counts(groups.counts) == {
        "perempuan": 4,
        "lansia": 2,
        "anak": 1,
        "disabilitas": 1,
        "keluarga_miskin": 1,
    }


def test_the_needs_ranking_puts_the_most_named_first(analysis: Analysis) -> None:
    ranking = analysis.needs_ranking()
    assert [(v, n) for v, _l, n in ranking[:3]] == [("dokumen", 4), ("kesehatan", 3), ("bansos", 2)]


def test_cross_tabs_by_rw_disability_age_and_group_match_the_hand_count(analysis: Analysis) -> None:
    by_rw = analysis.crosstab("prioritas/kebutuhan", "rw")
    assert by_rw.counts == {
        ("dokumen", "001"): 2,
        ("bansos", "001"): 1,
        ("kesehatan", "001"): 2,
        ("dokumen", "002"): 2,
        ("kesehatan", "002"): 1,
        ("bansos", "002"): 1,
    }
    assert by_rw.column_totals == {"001": 3, "002": 2}

    by_disability = analysis.crosstab("prioritas/kebutuhan", "disability")
    assert by_disability.counts == {
        ("kesehatan", "ya"): 2,
        ("dokumen", "ya"): 2,
        ("bansos", "ya"): 1,
        ("dokumen", "tidak"): 2,
        ("bansos", "tidak"): 1,
        ("kesehatan", "tidak"): 1,
    }
    assert by_disability.column_totals == {"ya": 2, "tidak": 3}

    by_age = analysis.crosstab("prioritas/kebutuhan", "age_band:responden/umur")
    assert by_age.column_totals == {"13-17": 1, "25-44": 1, "45-59": 1, "60-200": 2}
    assert by_age.counts[("kesehatan", "60-200")] == 2

    by_sex = analysis.crosstab("prioritas/kebutuhan", "q:responden/jk")
    assert by_sex.counts[("dokumen", "L")] == 2 and by_sex.counts[("dokumen", "P")] == 2
    by_group = analysis.crosstab("prioritas/kebutuhan", "q:responden/kelompok")
    assert by_group.counts[("kesehatan", "perempuan")] == 2  # r2, r3
    assert by_group.column_totals["perempuan"] == 3  # r6 named no need


def test_small_cells_are_shown_under_the_threshold() -> None:
    assert [shown(n, 5) for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
    assert shown_percent(3, 10, 5) == "-" and shown_percent(5, 10, 5) == "50.0"
    with override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=3):
        assert shown(2) == "<3" and shown(3) == "3"  # read at call time


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=3)
def test_the_xlsx_report_has_one_sheet_per_table_and_suppresses_small_cells(
    analyst: Membership, enumerator: Membership
) -> None:
    questionnaire = services.questionnaire_load_template(actor=analyst)
    questionnaire = services.questionnaire_set_status(
        actor=analyst, questionnaire=questionnaire, status=QuestionnaireStatus.ACTIVE
    )
    required = {
        "dokumen/dokumen_dimiliki": ["ktp"],
        "perlindungan_sosial/program": ["tidak_ada"],
        "layanan/akses_kesehatan": "mudah",
        "layanan/akses_hukum": "sulit",
        "layanan/akses_psikososial": "tidak_tahu",
        "kekerasan/tahu_tempat_lapor": "tidak",
        "hambatan_grup/hambatan": ["biaya"],
        "prioritas/kebutuhan_utama": "dokumen",
    }
    for rw, answers in DATA[:5]:
        services.submission_record(
            actor=enumerator,
            questionnaire=questionnaire,
            rw=rw,
            rt="1",
            answers={**required, **answers},
        )

    analysis = analysis_for(analyst, questionnaire)
    assert counts(analysis.frequency("prioritas/kebutuhan").counts) == {
        "dokumen": 4,
        "kesehatan": 3,
        "bansos": 2,
    }
    book = load_workbook(
        io.BytesIO(services.analysis_export(actor=analyst, questionnaire=questionnaire))
    )
    ranking = book["Needs ranking"]
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=4, max_row=6)]
    assert rows == [
        ["1", "Dokumen kependudukan", "4", "80.0"],
        ["2", "Layanan kesehatan", "3", "60.0"],
        ["3", "Bantuan sosial", "<3", "-"],
    ]
    assert len(book.sheetnames) == len(build_report(analysis, questionnaire.kelurahan).tables())
    counted = {
        cell.value
        for sheet in book
        for row in sheet.iter_rows(min_row=4, min_col=2 if sheet.title != "Needs ranking" else 3)
        for cell in row
    }
    assert "<3" in counted and not {"1", "2"} & counted  # every 1 or 2 hidden as "<3"
    assert "Apa saja yang paling Anda butuhkan? by Disability (Washington Group)" in {
        sheet["A2"].value for sheet in book
    }


def test_an_outsider_gets_no_analysis(outsider: Membership, analyst: Membership) -> None:
    questionnaire = services.questionnaire_load_template(actor=analyst)
    assert analysis_for(outsider, questionnaire).records == []
