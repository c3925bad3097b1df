"""Personas and builders of the social-protection tests, on top of the fixed personas of
the project's conftest: households are made through the real services."""

import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import translation

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.areas.models import Area
from sipakatau.people.models import Person
from sipakatau.people.services import person_create
from sipakatau.social import services
from sipakatau.social.models import Household, Programme
from tests.factories import (
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    Persona,
    make_organisation,
    make_persona,
)

_kk = itertools.count(1)


@pytest.fixture(autouse=True)
def _programmes(programmes: None) -> None:
    """Every social test has the programmes (tests/builders.py)."""


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Messages and labels in English, so the tests read them (Indonesian is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def ws(db: None) -> Area:
    return Area.objects.get(code=WATANG_SOREANG)


@pytest.fixture
def wb(db: None) -> Area:
    return Area.objects.get(code=WATANG_BACUKIKI)


@pytest.fixture
def bahagia_coordinator(bahagia: Organisation) -> Persona:
    return make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")


@pytest.fixture
def ikhlas_coordinator(ikhlas: Organisation) -> Persona:
    return make_persona(ikhlas, Role.COORDINATOR, username="ikhlas.koordinator")


@pytest.fixture
def kelurahan_wb(db: None) -> Organisation:
    return make_organisation(
        "Kantor Kelurahan Watang Bacukiki",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_BACUKIKI,
    )


@pytest.fixture
def ws_staff(kelurahan_ws: Organisation) -> Persona:
    """A kelurahan officer who does not sign."""
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


@pytest.fixture
def wb_lurah(kelurahan_wb: Organisation) -> Persona:
    return make_persona(kelurahan_wb, Role.VILLAGE_OFFICER, username="wb.lurah", is_signatory=True)


@pytest.fixture
def dinsos_manager(dinsos: Organisation) -> Persona:
    return make_persona(dinsos, Role.AGENCY_MANAGER, username="dinsos.kepala")


@pytest.fixture
def other_dinsos(db: None) -> Organisation:
    return make_organisation(
        "Dinas Sosial Kota Lain", type=OrganisationType.DINSOS, area_code="73.72"
    )


def kk() -> str:
    return f"7372031003{next(_kk):06d}"


def person(actor: Membership, name: str = "Siti Aminah", **kwargs: object) -> Person:
    """People are recorded by the front line (people.services: RECORD_PEOPLE)."""
    recorder = actor
    if actor.role not in {Role.VOLUNTEER, Role.CASEWORKER, Role.COORDINATOR}:
        unit = Organisation.objects.filter(type=OrganisationType.LBK_KK).first()
        assert unit is not None
        recorder = make_persona(unit, Role.CASEWORKER).membership
    kwargs.setdefault("sex", "P")
    kwargs.setdefault("age_estimate", 35)
    return person_create(actor=recorder, name=name, **kwargs).person  # type: ignore[arg-type]


def household(
    actor: Membership,
    kelurahan: Area,
    *,
    head: str | None = "Siti Aminah",
    number: str | None = None,
    **head_kwargs: object,
) -> Household:
    created = services.household_create(
        actor=actor,
        kk_number=number or kk(),
        kelurahan=kelurahan,
        rw="002",
        rt="001",
        address="Jl. Bau Massepe 1",
    )
    if head is not None:
        services.household_member_add(
            actor=actor,
            household=created,
            person=person(actor, head, **head_kwargs),
            relationship="KEPALA",
            start_date=date(2020, 1, 1),
        )
    return created


def programme(code: str) -> Programme:
    return Programme.objects.get(code=code)
