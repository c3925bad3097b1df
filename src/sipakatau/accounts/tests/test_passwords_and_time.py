"""Password rules (length and guessability, no composition rules) and local time."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from sipakatau.accounts.middleware import active_membership
from sipakatau.accounts.models import User
from tests.factories import Persona


@pytest.mark.parametrize(
    "password",
    [
        "pendek",
        "password1234",
        "iloveyou2020",
        "Parepare2026!",
        "sipakatau123",
        "aaaaaaaaaaaaaaaa",
        "123456789012",
    ],
)
def test_guessable_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, User(username="siti"))


@pytest.mark.parametrize(
    "password", ["kopi susu gula aren", "pisang goreng hangat", "j7#kQ9!zx2Lm"]
)
def test_long_or_random_passwords_pass_without_composition_rules(password: str) -> None:
    validate_password(password, User(username="siti"))


def test_pages_show_time_in_the_organisations_zone(bahagia_caseworker: Persona) -> None:
    seen = {}

    def view(request: object) -> object:
        seen["zone"] = timezone.get_current_timezone_name()
        return object()

    request = RequestFactory().get("/")
    request.user = bahagia_caseworker.user
    request.session = {}  # type: ignore[assignment]
    active_membership(view)(request)  # type: ignore[arg-type]

    assert seen["zone"] == "Asia/Makassar"
    assert timezone.get_current_timezone_name() == "UTC"
