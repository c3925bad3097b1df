"""The draft mechanism's discussion page stands on the needs mapping of its kelurahan:
the version page shows "Needs mapping of this kelurahan" with links to the analysis, its
service gaps and the report, for the kelurahan's coordinator (an analyst), but not for an
agency officer taking part in the discussion (who may not read the analysis), and the
outsider gets neither the page nor the analysis."""

import pytest
from django.test import Client
from django.urls import reverse

from sipakatau.accounts.models import Membership, Organisation, Role
from sipakatau.mapping.models import Questionnaire
from sipakatau.mechanisms import services as mechanisms
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import MechanismVersion
from tests.factories import english, signed_in_client

from .answered import answered_template
from .conftest import member

pytestmark = pytest.mark.django_db

SECTION = "Needs mapping of this kelurahan"


@pytest.fixture
def discussed(kelurahan_ws: Organisation) -> MechanismVersion:
    staff = member(kelurahan_ws, Role.VILLAGE_OFFICER)
    version = mechanisms.mechanism_start(actor=staff, area=kelurahan_ws.area)
    mechanisms.version_transition(actor=staff, version=version, to=Status.IN_DISCUSSION)
    return version


@pytest.fixture
def answered(analyst: Membership, enumerator: Membership) -> Questionnaire:
    return answered_template(analyst, enumerator)


def _client(membership: Membership) -> Client:
    return english(signed_in_client(membership.user))


def _page(membership: Membership, version: MechanismVersion) -> str:
    response = _client(membership).get(reverse("mechanisms:version_detail", args=[version.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_finds_the_analysis_on_the_discussion_page(
    discussed: MechanismVersion, answered: Questionnaire, analyst: Membership
) -> None:
    page = _page(analyst, discussed)

    analysis = reverse("mapping:analysis", args=[answered.pk])
    assert SECTION in page
    assert f'href="{analysis}"' in page
    assert f'href="{analysis}#gaps"' in page
    # The report is a button: a job prepares it (the page builds nothing)
    assert f'action="{reverse("mapping:report_pdf", args=[answered.pk])}"' in page
    assert "14 responses" in page
    # and the link leads to the analysis
    assert _client(analyst).get(analysis).status_code == 200


def test_a_dp3a_officer_in_the_discussion_reads_the_analysis_but_writes_no_findings(
    discussed: MechanismVersion, answered: Questionnaire, dp3a: Organisation
) -> None:
    officer = member(dp3a, Role.AGENCY_OFFICER)

    page = _page(officer, discussed)
    analysis = _client(officer).get(reverse("mapping:analysis", args=[answered.pk]))
    findings = _client(officer).get(reverse("mapping:findings_edit", args=[answered.pk]))

    assert SECTION in page
    assert reverse("mapping:analysis", args=[answered.pk]) in page
    assert analysis.status_code == 200
    assert reverse("mapping:findings_edit", args=[answered.pk]) not in analysis.content.decode()
    assert findings.status_code == 403  # the key findings are the analysts' to write


def test_no_section_before_anyone_has_answered(
    discussed: MechanismVersion, analyst: Membership
) -> None:
    assert SECTION not in _page(analyst, discussed)


def test_the_outsider_gets_neither_the_page_nor_the_analysis(
    discussed: MechanismVersion, answered: Questionnaire, outsider: Membership
) -> None:
    client = _client(outsider)

    assert client.get(reverse("mechanisms:version_detail", args=[discussed.pk])).status_code == 404
    assert client.get(reverse("mapping:analysis", args=[answered.pk])).status_code == 404
