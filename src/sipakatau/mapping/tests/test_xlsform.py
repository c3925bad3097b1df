import pytest

from sipakatau.mapping import xlsform

from .forms import CHOICES, SETTINGS, SURVEY, workbook


def test_a_hand_written_form_imports_with_groups_repeats_and_relevance() -> None:
    definition, questions, _warnings = xlsform.parse(workbook())

    by_path = {q.path: q for q in questions}
    assert by_path["responden/jk"].type == "select_one"
    assert by_path["responden/jk"].list_name == "sex"
    assert by_path["responden/jk"].required
    assert by_path["responden/jk"].label == "Jenis kelamin"
    assert by_path["responden/kelompok"].type == "select_multiple"
    assert by_path["anak/umur_anak"].repeat_path == "anak"
    assert by_path["anak/umur_anak"].constraint == ". < 18"
    assert by_path["kebutuhan_lain"].relevant == "selected(${kebutuhan}, 'lain')"
    assert by_path["kebutuhan_lain"].personal
    assert not by_path["penghasilan"].personal
    assert by_path["start"].type == "start"
    assert definition.form_id == "uji_pemetaan"
    assert xlsform.choice_lists(definition)["sex"] == [("L", "Laki-laki"), ("P", "Perempuan")]


def test_the_export_re_imports_with_the_same_structure_and_pyxform_accepts_it() -> None:
    definition, questions, _ = xlsform.parse(workbook())

    exported = xlsform.export_xlsx(definition)
    again, questions_again, _ = xlsform.parse(exported)  # parse runs pyxform's convert

    assert questions_again == questions
    assert again.survey == definition.survey
    assert again.choices == definition.choices
    assert again.settings == definition.settings
    from pyxform.xls2xform import convert

    assert "<h:title>Uji pemetaan</h:title>" in convert(xlsform=exported, file_type=".xlsx").xform


def test_an_unsupported_type_is_refused_in_plain_words() -> None:
    survey = [*SURVEY[:3], ["image", "foto", "Foto", "Photo", "", "", ""], *SURVEY[3:]]

    with pytest.raises(xlsform.FormError, match='"image"'):
        xlsform.parse(workbook(survey=survey))


def test_a_gps_point_is_kept_for_kobo_but_never_asked_or_imported() -> None:
    survey = [*SURVEY[:3], ["geopoint", "lokasi", "Lokasi", "Location", "", "", ""], *SURVEY[3:]]

    definition, questions, _ = xlsform.parse(workbook(survey=survey))

    assert "geopoint" in xlsform.METADATA  # like start/end: not asked, not imported
    assert [q.path for q in questions if q.type == "geopoint"] == ["responden/lokasi"]
    again, _questions, _ = xlsform.parse(xlsform.export_xlsx(definition))
    assert any(row.get("type") == "geopoint" for row in again.survey)


def test_a_form_pyxform_refuses_is_refused_with_its_reason() -> None:
    survey = [r for r in SURVEY if r[0] != "end repeat"]

    with pytest.raises(xlsform.FormError) as caught:
        xlsform.parse(workbook(survey=survey))
    assert "KoBo/ODK would also refuse" in str(caught.value)
    assert "Unmatched 'begin_repeat'" in str(caught.value)  # pyxform's own words appended


def test_a_choice_list_that_does_not_exist_is_refused() -> None:
    choices = [r for r in CHOICES if r[0] != "butuh"]

    with pytest.raises(xlsform.FormError):
        xlsform.parse(workbook(choices=choices, settings=SETTINGS))


def test_a_file_that_is_not_excel_is_refused() -> None:
    with pytest.raises(xlsform.FormError):
        xlsform.parse(b"not a workbook")
