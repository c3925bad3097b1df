"""NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers.

A NIK reads ``PP KK CC DD MM YY NNNN``: province, city/regency and kecamatan of first
registration, day of birth (plus 40 for women), month, two-digit year, and a sequence
number (UU 24/2013 on population administration; Permendagri 72/2019 for the layout).

Length and digits are **errors**: such a value is not a NIK and would break the blind
index. Everything else — an unknown region, an impossible date, a sex or birth date that
disagrees with the record — is only a **warning**: old NIKs are often inconsistent, the
holder cannot have them corrected, and refusing them would turn a victim away
(docs: domain/README, "NIK").
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NIK_LENGTH = 16
KK_LENGTH = 16

# Kemendagri province codes (two digits) in use, including the Papua provinces of 2022.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikWarning:
    """Something odd about a NIK that the person entering it should look at again."""

    code: str
    message: str


@dataclass(frozen=True)
class NikCheck:
    nik: str
    warnings: tuple[NikWarning, ...]
    # What the NIK itself says, when its date part is a real date; None otherwise.
    sex: str | None
    birth_date: date | None


def clean_number(raw: str) -> str:
    """Drop the spaces, dots and dashes people type between digit groups."""
    return "".join(ch for ch in raw if ch not in " .-\t")


def _require_digits(value: str, length: int, label: str) -> None:
    if len(value) != length or not (value.isascii() and value.isdigit()):
        raise ValidationError(
            _("%(label)s must have exactly %(length)d digits."),
            code="invalid_length",
            params={"label": label, "length": length},
        )


def _date_from_nik(day: int, month: int, year2: int, today: date) -> date | None:
    # Two-digit year: the latest century that does not put the birth in the future.
    for century in (2000, 1900):
        try:
            candidate = date(century + year2, month, day)
        except ValueError:
            return None
        if candidate <= today:
            return candidate
    return None


def validate_nik(
    raw: str,
    *,
    sex: str | None = None,
    birth_date: date | None = None,
    today: date | None = None,
) -> NikCheck:
    """Check a NIK; raise ValidationError if it is not 16 digits, else return warnings.

    ``sex`` is ``"L"`` or ``"P"`` (other values are not cross-checked).
    """
    nik = clean_number(raw)
    _require_digits(nik, NIK_LENGTH, _("NIK"))
    today = today or date.today()
    warnings: list[NikWarning] = []

    province, regency, kecamatan = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCE_CODES or regency == "00" or kecamatan == "00":
        warnings.append(
            NikWarning(
                "region",
                _("The first six digits of the NIK are not a known region. Check the NIK again."),
            )
        )

    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > FEMALE_DAY_OFFSET else "L"
    nik_birth = _date_from_nik(
        day - FEMALE_DAY_OFFSET if day > FEMALE_DAY_OFFSET else day, month, year2, today
    )
    if nik_birth is None:
        warnings.append(
            NikWarning("date", _("Digits 7 to 12 of the NIK are not a real birth date."))
        )
        nik_sex_known: str | None = None
    else:
        nik_sex_known = nik_sex
    if nik[12:16] == "0000":
        warnings.append(NikWarning("sequence", _("The last four digits of the NIK are 0000.")))

    if nik_sex_known and sex in ("L", "P") and sex != nik_sex_known:
        warnings.append(
            NikWarning(
                "sex",
                _("The NIK is of a woman, but the sex given is male.")
                if nik_sex_known == "P"
                else _("The NIK is of a man, but the sex given is female."),
            )
        )
    if (
        nik_birth is not None
        and birth_date is not None
        and (
            (nik_birth.day, nik_birth.month, nik_birth.year % 100)
            != (birth_date.day, birth_date.month, birth_date.year % 100)
        )
    ):
        warnings.append(
            NikWarning("birth_date", _("The birth date does not match the one in the NIK."))
        )
    return NikCheck(nik=nik, warnings=tuple(warnings), sex=nik_sex_known, birth_date=nik_birth)


def validate_kk(raw: str) -> str:
    """A KK (family card) number: 16 digits, returned without separators."""
    number = clean_number(raw)
    _require_digits(number, KK_LENGTH, _("The family card (KK) number"))
    return number
