"""XLSForms written by others import, export and re-import with the same structure.

From pyxform's own test data (tests/example_xls and tests/bug_example_xls of
github.com/XLSForm/pyxform at v4.5.0, copied in xlsforms/ with their source in
xlsforms/README.md), the forms that use only the supported features:
choice_filter_test (select_one with choice_filter), extra_columns (columns the app does
not know, kept), field-list (a group with appearance), text_and_integer, and
xl_date_ambiguous_v1 (dates typed as Excel dates).


Not yet here: a public protection or needs-assessment form (e.g. a UNHCR protection
monitoring XLSForm); see the notes of issue 15.
"""

from pathlib import Path

import pytest

from sipakatau.mapping import xlsform

FORMS = Path(__file__).parent / "xlsforms"
SUPPORTED = [
    "pyxform_choice_filter_test.xlsx",
    "pyxform_extra_columns.xlsx",
    "pyxform_field-list.xlsx",
    "pyxform_text_and_integer.xlsx",
    "pyxform_xl_date_ambiguous_v1.xlsx",
]


def shape(questions: list[xlsform.QuestionSpec]) -> list[tuple[str, str, str, str]]:
    return [(q.path, q.type, q.list_name, q.repeat_path) for q in questions]


@pytest.mark.parametrize("name", SUPPORTED)
def test_a_form_from_pyxform_s_test_data_round_trips(name: str) -> None:
    definition, questions, _warnings = xlsform.parse((FORMS / name).read_bytes())

    exported = xlsform.export_xlsx(definition)
    again, questions_again, _ = xlsform.parse(exported)  # pyxform checks the export too

    assert any(q.type != "note" for q in questions)
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
