"""NIK and KK numbers: wrong length or letters are errors; odd contents only warnings."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from sipakatau.lib.nik import validate_kk, validate_nik

TODAY = date(2026, 6, 1)
# Parepare (73 72), Soreang (03); a woman born 1 July 1990 (41 = 1 + 40); sequence 0042.
WOMAN_1990 = "7372034107900042"
# The same region; a man born 15 March 2005.
MAN_2005 = "7372031503050001"


def codes(nik: str, **kwargs: object) -> list[str]:
    return [w.code for w in validate_nik(nik, today=TODAY, **kwargs).warnings]  # type: ignore[arg-type]


def test_a_consistent_nik_has_no_warnings() -> None:
    check = validate_nik(WOMAN_1990, sex="P", birth_date=date(1990, 7, 1), today=TODAY)
    assert check.warnings == ()
    assert check.sex == "P"
    assert check.birth_date == date(1990, 7, 1)


def test_it_reads_a_man_and_a_recent_century() -> None:
    check = validate_nik(MAN_2005, today=TODAY)
    assert (check.sex, check.birth_date) == ("L", date(2005, 3, 15))


def test_it_accepts_the_separators_people_type() -> None:
    assert validate_nik("7372 0341 0790 0042", today=TODAY).nik == WOMAN_1990
    assert validate_nik("737203.410790.0042", today=TODAY).nik == WOMAN_1990


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "737203410790004",
        "73720341079000421",
        "73720341079000A2",
        "\uff17\uff13\uff17\uff12" * 4,  # full-width digits,
    ],
)
def test_wrong_length_or_characters_are_errors(bad: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_nik(bad, today=TODAY)
    assert raised.value.code == "invalid_length"


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("9972034107900042", "region"),  # no province 99
        ("7300034107900042", "region"),  # no regency 00
        ("7372004107900042", "region"),  # no kecamatan 00
        ("7372033207900042", "date"),  # day 32
        ("7372037207900042", "date"),  # 72 - 40 = day 32
        ("7372031513900042", "date"),  # month 13
        ("7372033002900042", "date"),  # 30 February
        ("7372034107900000", "sequence"),
    ],
)
def test_odd_contents_are_warnings_not_errors(nik: str, code: str) -> None:
    assert codes(nik) == [code]


def test_a_sex_that_disagrees_with_the_nik_is_a_warning() -> None:
    assert codes(WOMAN_1990, sex="L") == ["sex"]
    assert codes(MAN_2005, sex="P") == ["sex"]
    assert codes(MAN_2005, sex="U") == []


def test_a_birth_date_that_disagrees_with_the_nik_is_a_warning() -> None:
    assert codes(WOMAN_1990, birth_date=date(1990, 7, 2)) == ["birth_date"]
    assert codes(WOMAN_1990, birth_date=date(1990, 7, 1)) == []


def test_warnings_are_translated_sentences() -> None:
    warning = validate_nik("9972034107900042", today=TODAY).warnings[0]
    assert "NIK" in warning.message and warning.message.endswith(".")


def test_kk_numbers_have_16_digits() -> None:
    assert validate_kk("7372-0301-0119-0077") == "7372030101190077"
    with pytest.raises(ValidationError):
        validate_kk("73720301011900")
