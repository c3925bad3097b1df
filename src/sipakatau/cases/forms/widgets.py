"""Input types that give a phone the right keyboard and picker, without JavaScript."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def digits(max_length: int) -> dict[str, str]:
    """A numeric keypad, and no suggestions stored by the phone's keyboard."""
    return {
        "inputmode": "numeric",
        "autocomplete": "off",
        "maxlength": str(max_length),
    }


NO_AUTOFILL = {"autocomplete": "off"}
