"""Password rules beyond Django's: refuse words that anyone near the system would guess."""

from typing import Any

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


class ContextWordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        folded = password.lower().replace(" ", "")
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
