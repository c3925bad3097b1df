"""The API's lists cost the same number of queries however many rows they hold."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sipakatau.accounts.models import Organisation, OrganisationType, Role
from sipakatau.areas.models import Area, Level
from sipakatau.mechanisms import services
from sipakatau.mechanisms.models import MechanismVersion
from tests.builders import bearer, draft_version, issued_version, officer
from tests.factories import Persona, make_organisation, make_persona

pytestmark = pytest.mark.django_db

API = "/api/v1/mechanisms"


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


def _offices(count: int, skip: int = 0) -> list[Organisation]:
    """Kelurahan offices of the city, one per kelurahan."""
    areas = Area.objects.filter(level=Level.KELURAHAN, code__startswith="73.72.").order_by("code")
    return [
        make_organisation(
            f"Kantor {area.name}", type=OrganisationType.KELURAHAN, area_code=area.code
        )
        for area in areas[skip : skip + count]
    ]


def test_the_mechanism_list_costs_the_same_for_2_and_6_kelurahan(dp3a_officer: Persona) -> None:
    client = bearer(dp3a_officer)
    offices = _offices(2)
    # One issued (active version with a decree) and one draft, so both branches are read
    issued_version(offices[0])
    draft_version(offices[1])
    client.get(API)  # the first request of a token records its use; count the next ones

    few = _count(client, API)
    for office in _offices(4, skip=2):
        draft_version(office)
    many = _count(client, API)

    assert many == few
    items = client.get(API).json()["items"]
    assert len(items) == 6
    assert sum(1 for item in items if item["active_version"]) == 1


def test_the_version_list_costs_the_same_for_1_and_3_versions(
    kelurahan_ws: Organisation, dp3a_officer: Persona
) -> None:
    client = bearer(dp3a_officer)
    first = issued_version(kelurahan_ws, on=date(2026, 11, 2))
    url = f"{API}/{first.mechanism_id}/versions"
    client.get(url)

    few = _count(client, url)
    second = services.version_new(actor=officer(kelurahan_ws), based_on=first)
    issued_again = _issue_again(kelurahan_ws, second)
    services.version_new(actor=officer(kelurahan_ws), based_on=issued_again)
    many = _count(client, url)

    assert many == few
    listed = client.get(url).json()
    assert [v["number"] for v in listed] == [3, 2, 1]
    assert [v["status"] for v in listed] == ["draft", "issued", "superseded"]
    assert listed[2]["decree_number"] == "400/01/Kel-WS/2026"


def _issue_again(office: Organisation, version: MechanismVersion) -> MechanismVersion:
    lurah = officer(office, signs=True)
    services.version_transition(actor=lurah, version=version, to="in_discussion")
    services.version_transition(actor=lurah, version=version, to="approved")
    services.decree_issue(
        actor=lurah,
        version=version,
        issued_on=date(2026, 11, 20),
        signer_name="Andi Lurah",
        base_url="http://testserver",
    )
    version.refresh_from_db()
    return version


def test_the_comment_list_costs_the_same_for_2_and_8_threads(
    kelurahan_ws: Organisation, dp3a_officer: Persona, dinsos_officer: Persona
) -> None:
    version = draft_version(kelurahan_ws)
    url = f"{API}/versions/{version.pk}/comments"
    step = version.steps.first()
    drafter = officer(kelurahan_ws)

    def thread(n: int) -> None:
        author = dp3a_officer if n % 2 else dinsos_officer
        comment = services.comment_add(
            actor=author.membership, version=version, text=f"Usul {n}", section="step", step=step
        )
        services.comment_add(actor=drafter, version=version, text="Diterima", reply_to=comment)
        if n % 3 == 0:
            services.comment_resolve(actor=drafter, comment=comment)

    client = bearer(dp3a_officer)
    for n in range(2):
        thread(n)
    client.get(url)

    few = _count(client, url)
    for n in range(2, 8):
        thread(n)
    many = _count(client, url)

    assert many == few
    listed = client.get(url).json()
    assert len(listed) == 8 and all(len(c["replies"]) == 1 for c in listed)
    assert listed[0]["status"] == "resolved" and listed[1]["status"] == "answered"


def test_the_meeting_list_costs_the_same_for_1_and_4_meetings(
    kelurahan_ws: Organisation, dp3a_officer: Persona
) -> None:
    version = draft_version(kelurahan_ws)
    url = f"{API}/versions/{version.pk}/meetings"
    drafter = officer(kelurahan_ws)

    def meeting(n: int) -> None:
        services.meeting_record(
            actor=drafter,
            version=version,
            held_on=date(2026, 10, n + 1),
            place=f"Aula {n}",
            attendees=[
                services.AttendeeInput(name=f"Peserta {i}", organisation="RT", gender="PL"[i % 2])
                for i in range(n + 2)
            ],
        )

    client = bearer(dp3a_officer)
    meeting(0)
    client.get(url)

    few = _count(client, url)
    for n in range(1, 4):
        meeting(n)
    many = _count(client, url)

    assert many == few
    assert [len(m["attendees"]) for m in client.get(url).json()] == [2, 3, 4, 5]


def test_a_version_costs_the_same_with_more_steps(
    kelurahan_ws: Organisation, dp3a_officer: Persona
) -> None:
    version = draft_version(kelurahan_ws)
    url = f"{API}/versions/{version.pk}"
    client = bearer(dp3a_officer)
    client.get(url)

    few = _count(client, url)
    drafter = make_persona(kelurahan_ws, Role.VILLAGE_OFFICER).membership
    for n in range(5):
        services.step_save(
            actor=drafter,
            version=version,
            title=f"Langkah {n}",
            description="",
            responsible="kader",
            trigger="case_active",
            deadlines=[
                services.DeadlineInput(risk_level="HIGH", amount=1, unit="days"),
                services.DeadlineInput(risk_level="LOW", amount=5, unit="days"),
            ],
        )
    many = _count(client, url)

    assert many == few
    assert len(client.get(url).json()["steps"]) == 16
