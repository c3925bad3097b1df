"""Social-protection and needs-mapping indicators against a small dataset computed by
hand (November 2026, Kelurahan Watang Soreang, the kelurahan of LBK-KK Bahagia):

- needs (worklist): e1 rule, open; e2 rule, proposed; e3 from C1 (counted), set aside;
  e4 from C3 (its only victim withdrew her consent): left out; e5 made in October.
- proposals of the November batch: h1 accepted, h2 refused, h3 waiting, h4 from e4: left
  out. The October batch's line is outside the period.
- mapping: answers in RT 001/RW 001 (twice, written "1" and "001") and RT 003/RW 002 by
  November; RT 001/RW 003 only in December; "RW 9 RT 9" is no RT of the kelurahan.
  The kelurahan has 20 RTs: 2 mapped, 18 not.
"""

from datetime import date, datetime

import pytest

from sipakatau.accounts.models import Organisation
from sipakatau.areas.models import Area
from sipakatau.mapping.models import Questionnaire, Submission
from sipakatau.reports.indicators import Indicators
from sipakatau.reports.suppression import suppress
from sipakatau.social import services as social
from sipakatau.social.models import Programme, ProposalItem, WorklistEntry
from tests.factories import WATANG_SOREANG, Persona

from .dataset import WITA, Built, at, build
from .test_indicators import figures


def entry(
    household: object, source: str, status: str, created: datetime, case: object = None
) -> WorklistEntry:
    made = WorklistEntry.objects.create(
        household=household, source=source, status=status, case=case
    )
    WorklistEntry.objects.filter(pk=made.pk).update(created_at=created)
    return made


@pytest.fixture
def social_data(
    bahagia: Organisation,
    ikhlas: Organisation,
    dinsos: Organisation,
    coordinator: Persona,
    programmes: None,
) -> Built:
    built = build(bahagia, ikhlas, coordinator.user)
    actor = coordinator.membership
    kelurahan = Area.objects.get(code=WATANG_SOREANG)
    homes = [
        social.household_create(
            actor=actor, kk_number=f"73720300000000{n:02d}", kelurahan=kelurahan, rw="1", rt="1"
        )
        for n in range(1, 6)
    ]
    entry(homes[0], "RULE", "OPEN", at(4))
    entry(homes[1], "RULE", "PROPOSED", at(6))
    entry(homes[2], "CASE_NEED", "DISMISSED", at(7), built.cases["c1"])
    e4 = entry(homes[3], "CASE_NEED", "OPEN", at(21), built.cases["c3"])
    entry(homes[4], "RULE", "OPEN", at(20, month=10))

    pkh = Programme.objects.get(code="PKH")
    november = social.batch_create_for_month(
        actor=actor, kelurahan=kelurahan, month=date(2026, 11, 1), dinsos=dinsos
    )
    outcomes = ["DITETAPKAN", "DITOLAK", "PENDING", "DITETAPKAN"]
    for home, outcome in zip(homes[:4], outcomes, strict=True):
        item = social.batch_add_item(
            actor=actor,
            batch=november,
            household=home,
            programme=pkh,
            worklist_entry=e4 if home is homes[3] else None,
        )
        ProposalItem.objects.filter(pk=item.pk).update(outcome=outcome)
    october = social.batch_create_for_month(
        actor=actor, kelurahan=kelurahan, month=date(2026, 10, 1), dinsos=dinsos
    )
    social.batch_add_item(actor=actor, batch=october, household=homes[4], programme=pkh)

    survey = Questionnaire.objects.create(
        title="Pemetaan", kelurahan=kelurahan, organisation=bahagia, form_id="p",
        created_by=coordinator.user,
    )  # fmt: skip
    for rw, rt, when in (
        ("1", "1", at(2)),
        ("001", "001", at(3)),
        ("2", "3", at(30, 23)),
        ("3", "1", datetime(2026, 12, 1, 8, tzinfo=WITA)),
        ("9", "9", at(5)),
    ):
        Submission.objects.create(
            questionnaire=survey, rw=rw, rt=rt, submitted_at=when, source="WEB"
        )
    return built


def table(result: Indicators, key: str) -> tuple[dict[str, int | None], int | None, int]:
    found = result.tables[key]
    return {row.code: row.value for row in found.rows}, found.total, found.left_out


@pytest.mark.django_db
def test_social_protection_and_mapping_of_the_kelurahan(
    social_data: Built, bahagia: Organisation
) -> None:
    result = figures(Organisation.objects.filter(pk=bahagia.pk))
    assert table(result, "social_needs_by_status") == (
        {"OPEN": 1, "PROPOSED": 1, "DISMISSED": 1},
        3,
        1,
    )
    assert table(result, "proposals_by_outcome") == (
        {"PENDING": 1, "DITETAPKAN": 1, "DITOLAK": 1},
        3,
        1,
    )
    assert table(result, "mapping_coverage") == ({"MAPPED": 2, "NOT_MAPPED": 18}, 20, 0)
    # By the end of the year the December answer counts too.
    from sipakatau.reports.periods import Period

    year = figures(Organisation.objects.filter(pk=bahagia.pk), Period("year", date(2026, 1, 1)))
    assert table(year, "mapping_coverage")[0] == {"MAPPED": 3, "NOT_MAPPED": 17}
    assert table(year, "social_needs_by_status")[1] == 4  # e5 of October too


@pytest.mark.django_db
def test_another_kelurahan_sees_none_of_it(social_data: Built, ikhlas: Organisation) -> None:
    result = figures(Organisation.objects.filter(pk=ikhlas.pk))
    assert table(result, "social_needs_by_status")[1] == 0
    assert table(result, "proposals_by_outcome")[1] == 0
    assert table(result, "mapping_coverage") == ({"MAPPED": 0, "NOT_MAPPED": 14}, 14, 0)


@pytest.mark.django_db
def test_small_social_figures_are_hidden_like_the_rest(
    social_data: Built, bahagia: Organisation
) -> None:
    result = suppress(figures(Organisation.objects.filter(pk=bahagia.pk)), 5)
    assert table(result, "social_needs_by_status")[:2] == (
        {"OPEN": None, "PROPOSED": None, "DISMISSED": None},
        None,
    )
    # 2 of 20: the small cell hides, and its partner too, so 20 - 18 gives nothing away.
    assert table(result, "mapping_coverage")[:2] == ({"MAPPED": None, "NOT_MAPPED": None}, 20)


@pytest.mark.django_db
def test_the_dashboard_shows_them(social_data: Built, coordinator: Persona) -> None:
    page = coordinator.client.get("/statistik/", {"period": "2026-11"}).content.decode()
    for key in ("social_needs_by_status", "proposals_by_outcome", "mapping_coverage"):
        assert f'data-table="{key}"' in page
    assert '<tr data-code="MAPPED"><td>' in page
