"""Password rules beyond Django's: refuse words that anyone near the system would guess."""

import re
from functools import cache
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Names of the place and the programme, plus the classic keyboard walks: an attacker who
# targets Parepare's service tries these first.
CONTEXT_WORDS = (
    "sipakatau",
    "parepare",
    "soreang",
    "bacukiki",
    "bahagia",
    "ikhlas",
    "lbkkk",
    "password",
    "passw0rd",
    "qwerty",
    "asdfgh",
    "123456",
    "654321",
    "111111",
    "000000",
    "rahasia",
    "katasandi",
    "indonesia",
    "admin",
)


_DECORATION = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


class ContextWordValidator:
    """Refuses what breached-password lists are full of: a common password or a local
    word dressed up with digits and symbols ("iloveyou2020", "Parepare2026!")."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = password.lower().replace(" ", "")
        core = _DECORATION.sub("", folded)
        if core and (core in _common_passwords() or core in CONTEXT_WORDS):
            raise ValidationError(
                _("This password is a common password with a few characters added."),
                code="password_decorated_common",
            )
        for word in CONTEXT_WORDS:
            if word in folded and len(folded) - len(word) < 8:
                raise ValidationError(
                    _("This password is built on a word that is easy to guess (%(word)s)."),
                    code="password_context_word",
                    params={"word": word},
                )
        if len(set(folded)) < 5:
            raise ValidationError(
                _("This password repeats too few different characters."),
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return _(
            "Do not build your password on the name of the place, the programme or a keyboard row."
        )
