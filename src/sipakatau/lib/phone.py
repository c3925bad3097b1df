"""Telephone numbers in one canonical form (E.164), so ``0812-3456-7890``, ``+62 812 3456
7890`` and ``6281234567890`` are the same number to a blind index.

Small on purpose, with no new dependency (``phonenumbers`` would add 40 MB of metadata for
every country): Indonesian numbers only need the trunk prefix ``0`` or the international
prefixes ``00``/``+`` turned into ``+62``; foreign numbers are kept as written after ``+``.
"""

import re

COUNTRY_CODE = "62"
# ITU-T E.164 allows at most 15 digits with the country code. Indonesian national
# significant numbers run from 8 digits (a landline with its area code; a local number
# without one is refused as ambiguous) to 12 digits (the longest mobile numbers).
_NATIONAL_MIN = 8
_NATIONAL_MAX = 12
_SEPARATORS = re.compile(r"[\s().\-/]")


class PhoneError(ValueError):
    """Not a telephone number we can put in E.164 form."""


def normalise_phone(raw: str) -> str:
    """``raw`` in E.164 (``+6281234567890``); raises PhoneError when it is not a number."""
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("+"):
        international = True
        digits = text[1:]
    elif text.startswith("00"):
        international = True
        digits = text[2:]
    else:
        international = False
        digits = text
    if not digits.isascii() or not digits.isdigit():
        raise PhoneError("a telephone number has only digits, spaces, dashes and a leading +")
    if international and not digits.startswith(COUNTRY_CODE):
        if not 8 <= len(digits) <= 15:
            raise PhoneError("an international number has 8 to 15 digits")
        return "+" + digits
    if international:
        national = digits[len(COUNTRY_CODE) :]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith(COUNTRY_CODE + "8"):
        # Written without the plus, as many people copy it from WhatsApp: 62812...
        national = digits[len(COUNTRY_CODE) :]
    elif digits.startswith("8"):
        # A mobile number written without its leading 0 (812...).
        national = digits
    else:
        raise PhoneError("start the number with 0 or +62")
    national = national.lstrip("0") if national.startswith("0") else national
    if not _NATIONAL_MIN <= len(national) <= _NATIONAL_MAX:
        raise PhoneError("an Indonesian number has 9 to 13 digits, counting the leading 0")
    return f"+{COUNTRY_CODE}{national}"
