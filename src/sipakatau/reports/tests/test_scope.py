"""Who sees which figures: the coordinator her unit, the Lurah the kelurahan, DP3A and
Dinsos the city; drill-down to units only; everyone else is refused."""

from datetime import date

import pytest
from django.http import Http404

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.reports import queries
from sipakatau.reports.periods import Period
from tests.factories import CITY, Persona, make_organisation, make_persona

from .dataset import NOW, build

NOVEMBER = Period("month", date(2026, 11, 1))


@pytest.fixture
def data(bahagia: Organisation, ikhlas: Organisation, coordinator: Persona) -> None:
    build(bahagia, ikhlas, coordinator.user)


def cases(persona: Persona, **kwargs: object) -> int | None:
    figures = queries.statistics_for(persona.membership, NOVEMBER, now=NOW, **kwargs)  # type: ignore[arg-type]
    return figures.tables["cases_by_channel"].total


@pytest.mark.django_db
def test_the_coordinator_sees_her_unit_exactly(data: None, coordinator: Persona) -> None:
    figures = queries.statistics_for(coordinator.membership, NOVEMBER, now=NOW)
    assert figures.tables["cases_by_channel"].total == 3  # not hidden, though below 5
    assert not figures.suppressed


@pytest.mark.django_db
def test_the_lurah_sees_her_kelurahan_suppressed(data: None, lurah: Persona) -> None:
    figures = queries.statistics_for(lurah.membership, NOVEMBER, now=NOW)
    assert figures.suppressed
    assert figures.tables["cases_by_channel"].total is None  # 3 cases: below 5
    assert figures.tables["cases_by_channel"].left_out == 1
    # Watang Soreang holds Bahagia only.
    assert [r.code for r in figures.tables["cases_by_unit"].rows] == [
        str(Organisation.objects.get(name__startswith="LBK-KK Bahagia").pk)
    ]


@pytest.mark.django_db
def test_dp3a_and_dinsos_see_the_city_and_drill_down_to_a_unit(
    data: None,
    dp3a_officer: Persona,
    dinsos_officer: Persona,
    dp3a_manager: Persona,
    bahagia: Organisation,
    ikhlas: Organisation,
    settings: object,
) -> None:
    settings.SIPAKATAU_SUPPRESSION_THRESHOLD = 1  # type: ignore[attr-defined]
    for persona in (dp3a_officer, dinsos_officer, dp3a_manager):
        assert cases(persona) == 4
        assert cases(persona, unit_id=ikhlas.pk) == 1
        assert cases(persona, area_code="73.72.03") == 3  # Kecamatan Soreang
        assert cases(persona, area_code="73.72.01.1005") == 1  # Kelurahan Watang Bacukiki


@pytest.mark.django_db
def test_nobody_reaches_beyond_the_scope(
    data: None, coordinator: Persona, lurah: Persona, dp3a_officer: Persona, ikhlas: Organisation
) -> None:
    with pytest.raises(Http404):
        queries.statistics_for(coordinator.membership, NOVEMBER, unit_id=ikhlas.pk)
    with pytest.raises(Http404):
        queries.statistics_for(lurah.membership, NOVEMBER, unit_id=ikhlas.pk)
    with pytest.raises(Http404):
        queries.statistics_for(lurah.membership, NOVEMBER, area_code="73.72.01")
    with pytest.raises(Http404):
        queries.statistics_for(dp3a_officer.membership, NOVEMBER, area_code="73.71")
    with pytest.raises(Http404):
        queries.statistics_for(coordinator.membership, NOVEMBER, area_code="73.72")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN])
def test_other_roles_have_no_statistics(bahagia: Organisation, role: str) -> None:
    persona = make_persona(bahagia, role)
    assert queries.reporting_scope(persona.membership) is None
    with pytest.raises(Http404):
        queries.statistics_for(persona.membership, NOVEMBER)


@pytest.mark.django_db
def test_an_agency_that_is_not_a_leading_sector_has_no_statistics(db: None) -> None:
    puskesmas = make_organisation("Puskesmas Uji", type=OrganisationType.PUSKESMAS, area_code=CITY)
    persona = make_persona(puskesmas, Role.AGENCY_MANAGER)
    assert queries.reporting_scope(persona.membership) is None
