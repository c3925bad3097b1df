"""Telephone numbers in E.164, whichever way people write them."""

import pytest

from sipakatau.lib.phone import PhoneError, normalise_phone


@pytest.mark.parametrize(
    "written",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456.7890",
        "+62 812 3456 7890",
        "+62812-3456-7890",
        "+62 0812 3456 7890",
        "6281234567890",
        "006281234567890",
        "81234567890",
    ],
)
def test_every_way_of_writing_a_mobile_number_gives_one_form(written: str) -> None:
    assert normalise_phone(written) == "+6281234567890"


def test_a_landline_keeps_its_area_code() -> None:
    assert normalise_phone("(0421) 21234") == "+6242121234"


def test_a_foreign_number_is_kept_as_written() -> None:
    assert normalise_phone("+60 12-345 6789") == "+60123456789"


@pytest.mark.parametrize(
    "bad", ["", "0812", "08123456789012345", "0812-ABCD-7890", "21234", "+1 23"]
)
def test_it_refuses_what_is_not_a_number(bad: str) -> None:
    with pytest.raises(PhoneError):
        normalise_phone(bad)
