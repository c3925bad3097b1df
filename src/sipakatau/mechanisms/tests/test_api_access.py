"""Who may do what through the API: the kelurahan's staff drafts, only the Lurah approves
and issues, every stakeholder reads and comments, and an outsider learns nothing (404)."""

import json
from typing import Any

import pytest
from django.test import Client

from sipakatau.accounts.models import Organisation, Role
from sipakatau.areas.models import Area
from sipakatau.directory.services import provider_create
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import MechanismVersion
from tests.builders import approved_version, created_id, draft_version, issued_version, post
from tests.builders import bearer as bearer_client
from tests.factories import CITY, Persona, english, make_persona

pytestmark = pytest.mark.django_db

API = "/api/v1/mechanisms"


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    """A kelurahan officer who drafts but does not sign."""
    return make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")


@pytest.fixture
def draft(kelurahan_ws: Organisation) -> MechanismVersion:
    return draft_version(kelurahan_ws)


def bearer(persona: Persona) -> Client:
    return english(bearer_client(persona))


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def _reads(version: MechanismVersion) -> list[str]:
    return [
        f"{API}/{version.mechanism_id}",
        f"{API}/{version.mechanism_id}/versions",
        f"{API}/versions/{version.pk}",
        f"{API}/versions/{version.pk}/comments",
        f"{API}/versions/{version.pk}/meetings",
    ]


def test_every_stakeholder_reads_and_an_outsider_gets_404(
    draft: MechanismVersion,
    dp3a_officer: Persona,
    dinsos_officer: Persona,
    bahagia_caseworker: Persona,
    ikhlas_caseworker: Persona,
    auditor: Persona,
) -> None:
    for persona in (dp3a_officer, dinsos_officer, bahagia_caseworker):
        client = bearer(persona)
        for url in _reads(draft):
            assert client.get(url).status_code == 200, (persona.user.username, url)
        assert client.get(API).json()["count"] == 1
    for persona in (ikhlas_caseworker, auditor):
        client = bearer(persona)
        for url in _reads(draft):
            assert client.get(url).status_code == 404, (persona.user.username, url)
        assert client.get(API).json()["count"] == 0
    for url in _reads(draft):
        assert Client().get(url).status_code == 401


def test_an_outsider_cannot_touch_a_single_part(
    draft: MechanismVersion, ikhlas_caseworker: Persona, kelurahan_ws: Organisation
) -> None:
    comment = services.comment_add(
        actor=make_persona(kelurahan_ws, Role.VILLAGE_OFFICER).membership,
        version=draft,
        text="Usul",
    )
    step, duty = draft.steps.first(), draft.duties.first()
    assert step is not None and duty is not None
    outsider = bearer(ikhlas_caseworker)

    answers = [
        put(outsider, f"{API}/steps/{step.pk}", {"title": "X", "responsible": "kader"}),
        outsider.delete(f"{API}/steps/{step.pk}"),
        post(outsider, f"{API}/steps/{step.pk}/move", {"position": 2}),
        put(outsider, f"{API}/duties/{duty.pk}", {"party": "lpmk", "duties": "X"}),
        outsider.delete(f"{API}/duties/{duty.pk}"),
        post(outsider, f"{API}/comments/{comment.pk}/resolve"),
        post(outsider, f"{API}/versions/{draft.pk}/comments", {"text": "Halo"}),
        post(outsider, f"{API}/versions/{draft.pk}/transition", {"to": "in_discussion"}),
        post(outsider, f"{API}/versions/{draft.pk}/new-version"),
        outsider.patch(
            f"{API}/{draft.mechanism_id}",
            json.dumps({"office_code": "Kel-X", "place": "X"}),
            content_type="application/json",
        ),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert draft.steps.count() == 11 and draft.duties.count() == 10


def test_the_decree_and_its_files_are_for_stakeholders_only(
    lurah: Persona, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    version = issued_version(lurah.organisation)
    files = [
        f"{API}/versions/{version.pk}/decree",
        f"{API}/versions/{version.pk}/decree.pdf",
    ]

    assert [bearer(dp3a_officer).get(url).status_code for url in files] == [200, 200]
    assert [bearer(ikhlas_caseworker).get(url).status_code for url in files] == [404, 404]


def test_a_draft_has_no_decree(draft: MechanismVersion, dp3a_officer: Persona) -> None:
    client = bearer(dp3a_officer)
    assert client.get(f"{API}/versions/{draft.pk}/decree").status_code == 404
    assert client.get(f"{API}/versions/{draft.pk}/decree.pdf").status_code == 404


def test_a_reader_may_comment_but_not_draft_or_decide(
    draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    client = bearer(dp3a_officer)
    step = draft.steps.first()
    assert step is not None

    comment = post(
        client,
        f"{API}/versions/{draft.pk}/comments",
        {"text": "Langkah ini terlalu lama.", "section": "step", "step_id": step.pk},
    )
    refused = [
        put(client, f"{API}/steps/{step.pk}", {"title": "X", "responsible": "kader"}),
        client.delete(f"{API}/steps/{step.pk}"),
        post(client, f"{API}/versions/{draft.pk}/duties", {"party": "lpmk", "duties": "X"}),
        post(client, f"{API}/versions/{draft.pk}/pathway", {"service_type": "X", "provider_id": 1}),
        post(client, f"{API}/versions/{draft.pk}/transition", {"to": "in_discussion"}),
        post(client, f"{API}/comments/{comment.json()['id']}/resolve"),
        post(
            client, f"{API}/versions/{draft.pk}/meetings", {"held_on": "2026-11-02", "place": "X"}
        ),
    ]

    assert comment.status_code == 201, comment.content
    assert comment.json()["step_title"] == step.title
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert refused[0].json()["code"] == "forbidden" and refused[0].json()["detail"]
    detail = client.get(f"{API}/versions/{draft.pk}").json()
    assert detail["may_draft"] is False and detail["may_sign"] is False


def test_only_the_lurah_approves_and_issues(
    staff: Persona, lurah: Persona, kelurahan_ws: Organisation
) -> None:
    version = draft_version(kelurahan_ws)
    drafter, signer = bearer(staff), bearer(lurah)
    opened = post(drafter, f"{API}/versions/{version.pk}/transition", {"to": "in_discussion"})
    assert opened.status_code == 200

    refused = post(drafter, f"{API}/versions/{version.pk}/transition", {"to": "approved"})
    approved = post(signer, f"{API}/versions/{version.pk}/transition", {"to": "approved"})
    issue = {"issued_on": "2026-11-20", "signer_name": "Andi Lurah"}
    not_issued = post(drafter, f"{API}/versions/{version.pk}/issue", issue)

    assert refused.status_code == 403
    assert approved.status_code == 200 and approved.json()["may_sign"] is True
    assert approved.json()["may_draft"] is False  # approved: nothing changes any more
    assert not_issued.status_code == 403
    version.refresh_from_db()
    assert version.status == Status.APPROVED


def test_a_wrong_status_word_is_refused_before_any_service(
    draft: MechanismVersion, staff: Persona
) -> None:
    response = post(bearer(staff), f"{API}/versions/{draft.pk}/transition", {"to": "issued"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "to"


def test_the_drafter_edits_steps_pathway_and_duties(
    draft: MechanismVersion, staff: Persona, city_admin: Persona
) -> None:
    client = bearer(staff)
    url = f"{API}/versions/{draft.pk}"

    # Steps: add one at position 2, move it last, remove it
    added = post(
        client,
        f"{url}/steps",
        {
            "title": "Kunjungan rumah",
            "responsible": "rt_rw",
            "trigger": "case_opened",
            "deadlines": [{"risk_level": "", "amount": 3, "unit": "working_days"}],
            "position": 2,
        },
    )
    step_id = created_id(added)
    assert added.json()["position"] == 2
    positions = [s["id"] for s in client.get(url).json()["steps"]]
    assert positions[1] == step_id and len(positions) == 12
    moved = post(client, f"{API}/steps/{step_id}/move", {"position": 99})
    assert moved.json()["position"] == 12
    assert client.delete(f"{API}/steps/{step_id}").status_code == 204
    steps = client.get(url).json()["steps"]
    assert [s["position"] for s in steps] == list(range(1, 12))

    # Pathway: a provider from the directory, then removed
    provider = provider_create(
        actor=city_admin.membership,
        name="UPTD PPA Kota Parepare",
        area=Area.objects.get(code=CITY),
        phone="0421-21000",
        services={"PENGADUAN": ""},
    )
    entry = post(
        client,
        f"{url}/pathway",
        {"service_type": "PENGADUAN", "provider_id": provider.pk, "contact": "Ibu Rina"},
    )
    assert entry.status_code == 201, entry.content
    assert entry.json()["provider_name"] == "UPTD PPA Kota Parepare"
    assert entry.json()["provider_phone"] == provider.phone
    unknown = post(
        client, f"{url}/pathway", {"service_type": "PENGADUAN", "provider_id": provider.pk + 99}
    )
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "provider"
    assert client.delete(f"{API}/pathway/{entry.json()['id']}").status_code == 204
    assert client.get(url).json()["pathway"] == []

    # Duties: add, change, remove
    duty_id = created_id(post(client, f"{url}/duties", {"party": "lpmk", "duties": "Mendukung"}))
    changed = put(client, f"{API}/duties/{duty_id}", {"party": "lpmk", "duties": "Mengawasi"})
    assert changed.json()["duties"] == "Mengawasi"
    assert client.delete(f"{API}/duties/{duty_id}").status_code == 204

    # The text sections
    text = {
        "title": "Mekanisme baru",
        "considerations": ["bahwa perlu"],
        "legal_bases": ["UU 12/2022"],
        "copies_to": ["Camat Soreang"],
    }
    response = client.patch(url, json.dumps(text), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Mekanisme baru"
    assert response.json()["copies_to"] == ["Camat Soreang"]
    # What a PATCH does not send keeps its value
    response = client.patch(url, json.dumps({"funding": "APBD"}), content_type="application/json")
    assert response.json()["funding"] == "APBD"
    assert response.json()["title"] == "Mekanisme baru"
    assert response.json()["considerations"] == ["bahwa perlu"]


def test_a_new_version_starts_from_the_active_one_once(
    staff: Persona, lurah: Persona, kelurahan_ws: Organisation
) -> None:
    issued = issued_version(kelurahan_ws)
    client = bearer(staff)

    first = post(client, f"{API}/versions/{issued.pk}/new-version")
    second = post(client, f"{API}/versions/{issued.pk}/new-version")

    assert first.status_code == 201, first.content
    assert first.json()["number"] == 2 and first.json()["based_on_id"] == issued.pk
    assert second.status_code == 422
    listed = client.get(f"{API}/{issued.mechanism_id}").json()
    assert listed["working_version"]["id"] == first.json()["id"]
    assert listed["active_version"]["id"] == issued.pk
    assert listed["may_draft"] is True and listed["may_sign"] is False


def test_the_settings_change_the_decree_numbers(
    staff: Persona, lurah: Persona, kelurahan_ws: Organisation
) -> None:
    version = approved_version(kelurahan_ws)
    body = {"classification_code": "400.2.2", "office_code": "Kel-WS", "place": "Parepare"}

    bad = bearer(staff).patch(
        f"{API}/{version.mechanism_id}",
        json.dumps({**body, "classification_code": "400.x"}),
        content_type="application/json",
    )
    good = bearer(staff).patch(
        f"{API}/{version.mechanism_id}",
        json.dumps({**body, "next_number": 3}),
        content_type="application/json",
    )
    decree = post(
        bearer(lurah),
        f"{API}/versions/{version.pk}/issue",
        {"issued_on": "2026-11-20", "signer_name": "Andi Lurah"},
    )

    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "classification_code"
    assert good.status_code == 200 and good.json()["classification_code"] == "400.2.2"
    assert good.json()["number_missing"] == [] and good.json()["next_number"] == 3
    place_only = bearer(staff).patch(
        f"{API}/{version.mechanism_id}",
        json.dumps({"place": "Pare-Pare"}),
        content_type="application/json",
    )
    assert place_only.json()["place"] == "Pare-Pare"
    assert place_only.json()["office_code"] == "Kel-WS"
    assert decree.json()["number"] == "400.2.2/03/Kel-WS/2026"
    assert decree.json()["place"] == "Parepare"
