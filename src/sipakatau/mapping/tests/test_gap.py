"""Gap analysis: the needs named in the mapping set against the directory's services in
reach of the kelurahan (Watang Soreang, Kecamatan Soreang, Kota Parepare)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.areas.models import Area
from sipakatau.directory.models import Provider
from sipakatau.directory.services import provider_create
from sipakatau.mapping.gap import need_rows, service_types_for
from sipakatau.mapping.queries import analysis_for
from tests.factories import (
    CITY,
    WATANG_BACUKIKI,
    WATANG_SOREANG,
    english,
    make_organisation,
    signed_in_client,
)

from .answered import answered_template
from .conftest import member
from .forms import workbook
from .support import analysed

SOREANG_KECAMATAN = "73.72.03"


@pytest.fixture
def directory(db: None) -> dict[str, Provider]:
    """A Puskesmas of Kecamatan Soreang (health, so in reach of Watang Soreang below it)
    and a legal-aid post located in Watang Bacukiki that serves only Watang Bacukiki."""
    office = make_organisation("Dinas Kota", type=OrganisationType.OTHER, area_code=CITY)
    admin = member(office, Role.ADMIN)
    area = Area.objects.get
    puskesmas = provider_create(
        actor=admin,
        name="Puskesmas Lapadde",
        area=area(code=SOREANG_KECAMATAN),
        services={"KESEHATAN": ""},
    )
    legal = provider_create(
        actor=admin,
        name="Posbakum Bacukiki",
        area=area(code=WATANG_BACUKIKI),
        areas_served=[area(code=WATANG_BACUKIKI)],
        services={"BANTUAN_HUKUM": ""},
    )
    return {"puskesmas": puskesmas, "legal": legal}


def test_needs_are_matched_to_kinds_of_service() -> None:
    assert service_types_for("dokumen") == ["DOKUMEN_KEPENDUDUKAN"]
    assert service_types_for("kesehatan") == ["KESEHATAN", "JAMINAN_KESEHATAN"]
    assert service_types_for("RUMAH_AMAN") == ["RUMAH_AMAN"]  # a service code as value
    assert service_types_for("pendidikan") == []  # no such service in the directory


def test_a_need_with_no_provider_in_reach_is_a_gap(
    analyst: Membership, enumerator: Membership, directory: dict[str, Provider]
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    analysis = analysis_for(analyst, questionnaire)

    rows = {r.value: r for r in need_rows(analysis.needs_ranking(), questionnaire.kelurahan)}

    # Hand count: dokumen 12, kesehatan 8, hukum 4, psikososial 2; pendidikan 0 (left out).
    assert {v: r.count for v, r in rows.items()} == {
        "dokumen": 12,
        "kesehatan": 8,
        "hukum": 4,
        "psikososial": 2,
    }
    assert [p.name for p in rows["kesehatan"].providers] == ["Puskesmas Lapadde"]
    assert not rows["kesehatan"].is_gap
    # The legal-aid post serves Watang Bacukiki only: out of reach for Watang Soreang.
    assert rows["hukum"].providers == [] and rows["hukum"].is_gap
    assert rows["dokumen"].is_gap and rows["psikososial"].is_gap


def test_an_inactive_provider_does_not_close_a_gap(
    analyst: Membership, enumerator: Membership, directory: dict[str, Provider]
) -> None:
    Provider.objects.filter(pk=directory["puskesmas"].pk).update(is_active=False)
    questionnaire = answered_template(analyst, enumerator)

    rows = {
        r.value: r
        for r in need_rows(
            analysis_for(analyst, questionnaire).needs_ranking(), questionnaire.kelurahan
        )
    }

    assert rows["kesehatan"].is_gap


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_analysis_page_lists_the_gaps_with_small_counts_hidden(
    analyst: Membership, enumerator: Membership, directory: dict[str, Provider]
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    analysed(actor=analyst, questionnaire=questionnaire)
    client = english(signed_in_client(analyst.user))

    page = client.get(reverse("mapping:analysis", args=[questionnaire.pk])).content.decode()

    gaps = page[page.index('id="gaps-h"') : page.index('id="sample-h"')]
    assert "Puskesmas Lapadde" in gaps
    assert gaps.count("Needed, but no service in reach") == 3  # dokumen, hukum, psikososial
    assert "named by 12 respondents" in gaps and "named by &lt;5 respondents" in gaps
    assert "named by 2 respondents" not in gaps and "named by 4 respondents" not in gaps
    assert f"service=DOKUMEN_KEPENDUDUKAN&amp;kelurahan={WATANG_SOREANG}" in gaps
    assert '<strong data-figure="gaps">3</strong>' in page


def test_a_provider_added_after_the_analysis_closes_its_gap_at_the_next_visit(
    analyst: Membership, enumerator: Membership, directory: dict[str, Provider]
) -> None:
    # Given an analysis made when no provider in reach gave legal aid
    questionnaire = answered_template(analyst, enumerator)
    analysed(actor=analyst, questionnaire=questionnaire)
    client = english(signed_in_client(analyst.user))
    url = reverse("mapping:analysis", args=[questionnaire.pk])
    before = client.get(url).content.decode()

    # When the directory's keepers add one serving the kelurahan
    office = make_organisation("Dinas Kota", type=OrganisationType.OTHER, area_code=CITY)
    provider_create(
        actor=member(office, Role.ADMIN),
        name="LBH Soreang",
        area=Area.objects.get(code=SOREANG_KECAMATAN),
        services={"BANTUAN_HUKUM": ""},
    )
    after = client.get(url).content.decode()

    # Then the page sets the kept needs against the directory as it is now, with no new
    # analysis: the legal-aid gap is closed, the count of gaps one less
    assert '<strong data-figure="gaps">3</strong>' in before
    assert "LBH Soreang" not in before
    assert "LBH Soreang" in after and '<strong data-figure="gaps">2</strong>' in after
    assert "is up to date" in after


def test_the_mechanism_discussion_finds_the_kelurahan_s_analyses(
    analyst: Membership, enumerator: Membership, outsider: Membership
) -> None:
    from django.template.loader import render_to_string

    from sipakatau.mapping import services
    from sipakatau.mapping.queries import analyses_for_kelurahan

    questionnaire = answered_template(analyst, enumerator)
    services.questionnaire_import(actor=analyst, data=workbook())  # a draft: not listed
    kelurahan = questionnaire.kelurahan

    found = analyses_for_kelurahan(analyst, kelurahan)
    html = render_to_string("mapping/includes/mechanism_analyses.html", {"analyses": found})

    assert found == [(questionnaire, 14)]
    assert analyses_for_kelurahan(outsider, kelurahan) == []
    # The kader takes part in the discussion too: she is shown the same analysis.
    assert analyses_for_kelurahan(enumerator, kelurahan) == [(questionnaire, 14)]
    assert reverse("mapping:analysis", args=[questionnaire.pk]) + "#gaps" in html


def test_the_gaps_become_a_request_to_the_directorys_keepers_once_a_day(
    analyst: Membership, enumerator: Membership, outsider: Membership
) -> None:
    from sipakatau.audit.models import AuditEvent
    from sipakatau.notifications.models import Notification

    # Given answers naming needs that no provider in the (empty) directory serves, and a
    # city administrator who keeps the directory, and one of another kelurahan who does not
    questionnaire = answered_template(analyst, enumerator)
    city = make_organisation("Dinas Kota", type=OrganisationType.OTHER, area_code=CITY)
    keeper = member(city, Role.ADMIN)
    elsewhere = make_organisation(
        "Kantor Lain", type=OrganisationType.OTHER, area_code=WATANG_BACUKIKI
    )
    stranger = member(elsewhere, Role.ADMIN)
    url = reverse("mapping:gaps_report", args=[questionnaire.pk])
    client = english(signed_in_client(analyst.user))

    # When the analyst asks twice, and the outsider once
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)
    refused = english(signed_in_client(outsider.user)).post(url)

    # Then the keeper is told once, with the kelurahan and a count only
    notices = Notification.objects.filter(template="directory_gaps_found")
    assert [n.recipient_id for n in notices] == [keeper.user_id]
    assert notices.get().context["unit_name"] == "Watang Soreang"
    assert int(notices.get().context["count"]) >= 1
    assert not Notification.objects.filter(recipient_id=stranger.user_id).exists()
    assert "were asked to find providers" in first.content.decode()
    assert "already asked today" in second.content.decode()
    assert refused.status_code == 404
    assert AuditEvent.objects.filter(action="mapping.gaps_reported").count() == 1
