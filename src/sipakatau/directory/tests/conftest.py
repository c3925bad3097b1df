"""Fixtures of the directory tests: the providers' managers beside the usual personas."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.areas.models import Area
from sipakatau.directory.models import Provider
from sipakatau.directory.services import provider_create
from tests.factories import CITY, Persona, make_organisation, make_persona

SOREANG = "73.72.03"
LAKESSI = "73.72.03.1001"


@pytest.fixture
def puskesmas(db: None) -> Organisation:
    return make_organisation(
        "Puskesmas Lakessi", type=OrganisationType.PUSKESMAS, area_code=SOREANG
    )


@pytest.fixture
def dinsos_manager(dinsos: Organisation) -> Persona:
    return make_persona(dinsos, Role.AGENCY_MANAGER, username="dinsos.kepala")


@pytest.fixture
def puskesmas_manager(puskesmas: Organisation) -> Persona:
    return make_persona(puskesmas, Role.AGENCY_MANAGER, username="puskesmas.kepala")


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def add_provider(actor: Membership, name: str, area_code: str, **values: Any) -> Provider:
    """A provider made through the real service (by an administrator whose area holds it)."""
    values.setdefault("services", {"PSIKOSOSIAL": ""})
    return provider_create(actor=actor, name=name, area=area(area_code), **values)


__all__ = ["CITY", "LAKESSI", "SOREANG", "add_provider", "area"]


@pytest.fixture(autouse=True)
def _service_messages_in_english() -> Iterator[None]:
    """Service messages are matched in English here (pages and the API answer in the
    visitor's language, Indonesian by default; the catalogue test covers Indonesian)."""
    with translation.override("en"):
        yield
