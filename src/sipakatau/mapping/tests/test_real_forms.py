"""XLSForms written by others import, export and re-import with the same structure.

From pyxform's own test data (tests/example_xls and tests/bug_example_xls of
github.com/XLSForm/pyxform at v4.5.0, copied in xlsforms/ with their source in
xlsforms/README.md), the forms that use only the supported features:
choice_filter_test (select_one with choice_filter), extra_columns (columns the app does
not know, kept), extra_sheet_names (sheets the app does not know), field-list (a group
with appearance), text_and_integer, xl_date_ambiguous and xl_date_ambiguous_v1 (dates
typed as Excel dates), and the older spellings: or_other (``select_one colors or_other``),
specify_other (``select one from sexes or specify other``) and yes_or_no_question
(``select one from yes_or_no``). case_insensitivity (UPPERCASE sheets and columns) is read,
and refused only for its select_one_external question, which the app does not support.

The others in pyxform's test data use features the app refuses on purpose (acknowledge,
phone number, select_one_from_file, begin loop, includes, pulldata) or are broken on
purpose (duplicate_columns, bad_calc, survey_no_name).

A public needs-assessment form: reach_tal_afar_water_household.xlsx, the household
survey of IMPACT Initiatives / REACH on water services in Tal Afar (Iraq), from
github.com/impact-initiatives/cleaningtools (MIT licence), data-raw/form.xlsx: six groups,
89 select_one and 24 select_multiple questions, English and Arabic labels, relevance,
constraints, choice filters and a GPS point.
"""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from sipakatau.accounts.models import Membership
from sipakatau.mapping import services, xlsform
from sipakatau.mapping.models import QuestionnaireStatus, Submission
from sipakatau.mapping.tests.support import imported

FORMS = Path(__file__).parent / "xlsforms"
SUPPORTED = [
    "pyxform_choice_filter_test.xlsx",
    "pyxform_extra_columns.xlsx",
    "pyxform_extra_sheet_names.xlsx",
    "pyxform_field-list.xlsx",
    "pyxform_or_other.xlsx",
    "pyxform_specify_other.xlsx",
    "pyxform_text_and_integer.xlsx",
    "pyxform_xl_date_ambiguous.xlsx",
    "pyxform_xl_date_ambiguous_v1.xlsx",
    "pyxform_yes_or_no_question.xlsx",
    "reach_tal_afar_water_household.xlsx",
]


def shape(questions: list[xlsform.QuestionSpec]) -> list[tuple[str, str, str, str, str]]:
    return [(q.path, q.type, q.list_name, q.repeat_path, q.relevant) for q in questions]


@pytest.mark.parametrize("name", SUPPORTED)
def test_a_form_written_by_others_round_trips(name: str) -> None:
    definition, questions, _warnings = xlsform.parse((FORMS / name).read_bytes())

    exported = xlsform.export_xlsx(definition)
    again, questions_again, _ = xlsform.parse(exported)  # pyxform checks the export too

    assert any(q.type not in ("note", *xlsform.METADATA) for q in questions)
    assert shape(questions_again) == shape(questions)
    assert xlsform.choice_lists(again) == xlsform.choice_lists(definition)


def test_text_and_integer_reads_as_pyxform_wrote_it() -> None:
    _definition, questions, _ = xlsform.parse(
        (FORMS / "pyxform_text_and_integer.xlsx").read_bytes()
    )

    assert [(q.name, q.type) for q in questions] == [
        ("your_name", "text"),
        ("your_age", "integer"),
    ]


def test_extra_columns_are_kept_in_the_export() -> None:
    definition, _questions, _ = xlsform.parse((FORMS / "pyxform_extra_columns.xlsx").read_bytes())

    again = xlsform.read_workbook(xlsform.export_xlsx(definition))

    assert again.survey_columns[: len(definition.survey_columns)] == definition.survey_columns


def test_the_reach_needs_assessment_reads_with_its_groups_and_lists() -> None:
    definition, questions, _ = xlsform.parse(
        (FORMS / "reach_tal_afar_water_household.xlsx").read_bytes()
    )
    by_path = {q.path: q for q in questions}
    lists = xlsform.choice_lists(definition)

    assert {q.group_path for q in questions} >= {
        "hh_info",
        "socio_ec_info",
        "water_source",
        "water_expenditure_usage",
        "water_supply_system",
        "water_service_authorities",
    }
    assert sum(q.type == "select_one" for q in questions) == 89
    assert sum(q.type == "select_multiple" for q in questions) == 24
    gender = by_path["hh_info/gender_hoh"]
    assert (gender.type, gender.list_name) == ("select_one", "sex")
    assert gender.label == "What is the gender of the head of household?"
    assert by_path["socio_ec_info/primary_livelihood"].type == "select_multiple"
    assert all(q.list_name in lists for q in questions if q.list_name)
    # The GPS point stays in the form for KoboCollect, but is not a question of the app.
    assert [q.type for q in questions if q.type == "geopoint"] == ["geopoint"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("select_one yes_no", ("select_one", "yes_no")),
        ("select one from yes_no", ("select_one", "yes_no")),
        ("Select One From  yes_no", ("select_one", "yes_no")),
        ("select_one yes_no or_other", ("select_one", "yes_no")),
        ("select one from sexes or specify other", ("select_one", "sexes")),
        ("select all that apply needs", ("select_multiple", "needs")),
        ("add select multiple prompt using needs", ("select_multiple", "needs")),
        ("select1 yes_no", ("select_one", "yes_no")),
        ("select all that apply from needs", ("select_multiple", "needs")),
        ("select_multiple needs or_other", ("select_multiple", "needs")),
        ("begin_group", ("begin group", "")),
        ("integer", ("integer", "")),
    ],
)
def test_older_spellings_of_the_select_types(raw: str, expected: tuple[str, str]) -> None:
    assert xlsform.split_type(raw) == expected


def test_or_other_adds_the_other_choice_as_pyxform_does() -> None:
    definition, questions, _ = xlsform.parse((FORMS / "pyxform_or_other.xlsx").read_bytes())
    question = next(q for q in questions if q.list_name)

    values = [value for value, _label in xlsform.choice_lists(definition)[question.list_name]]

    assert values[-1] == "other"
    assert values.count("other") == 1


def _book(sheets: dict[str, list[list[str]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_uppercase_sheets_and_columns_and_a_list_name_with_a_space_are_read() -> None:
    data = _book(
        {
            "SURVEY": [
                ["TYPE", "NAME", "LABEL::Indonesian (id)", "Relevant", "My Note"],
                ["select one from yn", "ok", "Baik?", "", "kept as written"],
                ["select all that apply from needs", "needs", "Butuh apa?", "${ok} = 'ya'", ""],
            ],
            "Choices": [
                ["List name", "Name", "Label::Indonesian (id)"],
                ["yn", "ya", "Ya"],
                ["yn", "tidak", "Tidak"],
                ["needs", "air", "Air bersih"],
            ],
            "SETTINGS": [["FORM_TITLE", "FORM_ID"], ["Huruf besar", "huruf_besar"]],
        }
    )

    definition, questions, _ = xlsform.parse(data)

    assert [(q.name, q.type, q.list_name, q.label, q.relevant) for q in questions] == [
        ("ok", "select_one", "yn", "Baik?", ""),
        ("needs", "select_multiple", "needs", "Butuh apa?", "${ok} = 'ya'"),
    ]
    assert definition.choices_columns == ["list_name", "name", "label::Indonesian (id)"]
    assert definition.survey_columns[-1] == "My Note"  # a column pyxform does not know
    assert definition.form_id == "huruf_besar"
    assert xlsform.choice_lists(definition) == {
        "yn": [("ya", "Ya"), ("tidak", "Tidak")],
        "needs": [("air", "Air bersih")],
    }
    _again, questions_again, _ = xlsform.parse(xlsform.export_xlsx(definition))
    assert shape(questions_again) == shape(questions)


def test_select_multiple_with_a_space_is_refused_as_pyxform_refuses_it() -> None:
    data = _book(
        {
            "survey": [["type", "name", "label"], ["select multiple needs", "needs", "Butuh?"]],
            "choices": [["list_name", "name", "label"], ["needs", "air", "Air"]],
        }
    )

    with pytest.raises(xlsform.FormError, match="select multiple needs"):
        xlsform.parse(data)


def test_pyxform_s_uppercase_form_is_read_and_refused_only_for_its_unsupported_type() -> None:
    with pytest.raises(xlsform.FormError, match="select_one_external"):
        xlsform.parse((FORMS / "pyxform_case_insensitivity.xlsx").read_bytes())


@pytest.mark.django_db
def test_an_other_answer_to_an_or_other_question_is_imported(analyst: Membership) -> None:
    made = services.questionnaire_import(
        actor=analyst,
        data=(FORMS / "pyxform_or_other.xlsx").read_bytes(),
        file_name="or_other.xlsx",
    )
    questionnaire = services.questionnaire_set_status(
        actor=analyst, questionnaire=made, status=QuestionnaireStatus.ACTIVE
    )
    export = "fav_color,fav_pastel,rw,rt,_uuid\nother,,1,1,u-1\npurple,,1,1,u-2\n"

    run = imported(
        actor=analyst, questionnaire=questionnaire, data=export.encode(), file_name="kobo.csv"
    )

    assert (run.rows_created, run.rows_rejected) == (1, 1)
    assert [r["row"] for r in run.rejected] == [3]  # "purple" is not a choice
    assert Submission.objects.get(questionnaire=questionnaire).answers["fav_color"] == "other"
