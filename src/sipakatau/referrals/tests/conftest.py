"""Fixtures of the referral tests: the case fixtures, and the seeded deadline rules."""

from typing import Any

import pytest

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from tests.factories import Persona, make_organisation, make_persona

from .support import referral_rules  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _rules(referral_rules: None, deadline_rules: None) -> None:  # noqa: F811
    """Every referral test has its deadline rules."""


@pytest.fixture
def puskesmas(db: Any) -> Organisation:
    return make_organisation(
        "Puskesmas Lakessi", type=OrganisationType.PUSKESMAS, area_code="73.72.03"
    )


@pytest.fixture
def dinsos_manager(dinsos: Organisation) -> Persona:
    return make_persona(dinsos, Role.AGENCY_MANAGER, username="dinsos.kepala")
