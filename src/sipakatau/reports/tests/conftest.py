"""The people of the reports tests, beside the project's personas (conftest.py at the
root): the coordinators of both units, and the agency managers."""

import pytest

from sipakatau.accounts.models import Organisation, Role
from tests.factories import Persona, make_persona


@pytest.fixture
def coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


@pytest.fixture
def ikhlas_coordinator(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.COORDINATOR, username="ikhlas.koordinator")


@pytest.fixture
def dp3a_manager(dp3a: Organisation) -> Persona:
    return make_persona(dp3a, Role.AGENCY_MANAGER, username="dp3a.kepala")


@pytest.fixture
def ikhlas_lurah(ikhlas: Organisation) -> Persona:
    from sipakatau.accounts.models import OrganisationType
    from tests.factories import WATANG_BACUKIKI, make_organisation

    office = make_organisation(
        "Kantor Kelurahan Watang Bacukiki",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_BACUKIKI,
    )
    return make_persona(office, Role.VILLAGE_OFFICER, username="wb.lurah", is_signatory=True)
