"""The mechanism list, one mechanism, one version, and the drafting pages: the owner (the
kelurahan's staff), a stakeholder who is let in (DP3A, the LBK-KK) and the outsider
(LBK-KK Ikhlas of another kelurahan) who gets 404."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import Mechanism, MechanismVersion, Step
from tests import builders
from tests.factories import Persona, english, make_organisation, make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    persona = make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")
    english(persona.client)
    return persona


@pytest.fixture
def draft(staff: Persona) -> MechanismVersion:
    return services.mechanism_start(actor=staff.membership, area=staff.organisation.area)


def _url(name: str, pk: Any) -> str:
    return reverse(f"mechanisms:{name}", args=[pk])


def _step_data(**changes: Any) -> dict[str, Any]:
    data = {
        "form_key": "k1",
        "title": "Kunjungan rumah",
        "description": "RT mengunjungi rumah korban.",
        "responsible": "rt_rw",
        "action": "",
        "trigger": "case_opened",
        "escalate_to": "coordinator",
        "amount_any": "2",
        "unit_any": "days",
        **{f"unit_{k}": "hours" for k in ("high", "medium", "low", "unassessed")},
    }
    data.update(changes)
    return data


# --- The list ------------------------------------------------------------------------------


def test_a_kelurahan_officer_without_a_mechanism_starts_from_the_template(staff: Persona) -> None:
    page = staff.client.get(reverse("mechanisms:mechanism_list"))
    assertContains(page, "Start from the template")
    assertContains(page, 'value="Kel-WS"')
    assertContains(page, 'value="Parepare"')
    assertNotContains(page, "{seq")
    data = {"place": "Parepare", "classification_code": "400.2.2", "office_code": "Kel-WS"}
    response = staff.client.post(reverse("mechanisms:mechanism_start"), data)
    version = MechanismVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(
        "version_detail", version.pk
    )
    assert version.steps.count() == 11
    mechanism = version.mechanism
    assert (mechanism.classification_code, mechanism.office_code) == ("400.2.2", "Kel-WS")
    again = staff.client.get(reverse("mechanisms:mechanism_list"))
    assertNotContains(again, "Start from the template")
    assertContains(again, "Watang Soreang")


def test_the_list_shows_stakeholders_their_mechanisms_only(
    draft: MechanismVersion, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    seen = english(dp3a_officer.client).get(reverse("mechanisms:mechanism_list"))
    assertContains(seen, "Watang Soreang")
    assertContains(seen, "Working on version 1")
    assertNotContains(seen, "Start from the template")
    hidden = ikhlas_caseworker.client.get(reverse("mechanisms:mechanism_list"))
    assertNotContains(hidden, "Watang Soreang")
    refused = ikhlas_caseworker.client.post(reverse("mechanisms:mechanism_start"))
    assert refused.status_code == 403 and not Mechanism.objects.exclude(pk=draft.mechanism_id)


def test_the_list_takes_the_same_queries_for_one_or_many_mechanisms(
    draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert dp3a_officer.client.get(reverse("mechanisms:mechanism_list")).status_code == 200
        return len(queries)

    one = count()
    builders.issued_version(make_organisation(area_code="73.72.01.1005"))
    builders.issued_version(make_organisation(area_code="73.72.02.1001"))
    assert count() == one


# --- One mechanism, one version -------------------------------------------------------------


def test_the_version_page_for_owner_stakeholder_and_outsider(
    staff: Persona, draft: MechanismVersion, bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    own = staff.client.get(_url("version_detail", draft.pk))
    assertContains(own, draft.title)
    assertContains(own, "Change the text")
    assertContains(own, "Open the discussion")
    assertContains(own, "Kontak pertama dengan korban")
    assertContains(own, "High: <strong>2 hours</strong>")
    seen = english(bahagia_caseworker.client).get(_url("version_detail", draft.pk))
    assertNotContains(seen, "Change the text")
    for name, pk in (("version_detail", draft.pk), ("mechanism_detail", draft.mechanism_id)):
        assert ikhlas_caseworker.client.get(_url(name, pk)).status_code == 404


def test_the_version_page_takes_the_same_queries_however_many_steps_and_comments(
    staff: Persona, draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    services.version_transition(actor=staff.membership, version=draft, to=Status.IN_DISCUSSION)
    comment = services.comment_add(actor=dp3a_officer.membership, version=draft, text="Satu")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.client.get(_url("version_detail", draft.pk)).status_code == 200
        return len(queries)

    meeting = {"actor": staff.membership, "version": draft, "held_on": date(2026, 11, 2)}
    attendee = services.AttendeeInput(name="Ani", organisation="RT 01", gender="P")
    services.meeting_record(**meeting, place="Aula", attendees=[attendee])  # type: ignore[arg-type]
    before = count()
    step = draft.steps.first()
    for n in range(3):
        services.step_save(
            actor=staff.membership,
            version=draft,
            title=f"Langkah {n}",
            description="",
            responsible="kader",
        )
        services.comment_add(
            actor=dp3a_officer.membership, version=draft, text="Dua", section="step", step=step
        )
        services.comment_add(actor=staff.membership, version=draft, text="Jawab", reply_to=comment)
        services.meeting_record(**meeting, place="Aula", attendees=[attendee])  # type: ignore[arg-type]
    assert count() == before


def test_the_mechanism_page_takes_the_same_queries_however_many_versions(
    kelurahan_ws: Organisation, dp3a_officer: Persona
) -> None:
    first = builders.issued_version(kelurahan_ws)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = dp3a_officer.client.get(_url("mechanism_detail", first.mechanism_id))
            assert response.status_code == 200
        return len(queries)

    before = count()
    drafter = builders.officer(kelurahan_ws)
    for _ in range(2):
        latest = first.mechanism.versions.get(status=Status.ISSUED)
        services.version_new(actor=drafter, based_on=latest)
        approved = builders.approved_version(kelurahan_ws)
        services.decree_issue(
            actor=builders.officer(kelurahan_ws, signs=True),
            version=approved,
            issued_on=date(2026, 11, 20),
            signer_name="Andi Lurah",
            base_url="http://testserver",
        )
    assert first.mechanism.versions.count() == 3
    assert count() == before


def test_the_mechanism_page_offers_settings_to_the_drafter(
    staff: Persona, draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    page = staff.client.get(_url("mechanism_detail", draft.mechanism_id))
    assertContains(page, "Decree numbering and place")
    settings = {
        "classification_code": "400.2.2",
        "office_code": "Kel-WS",
        "next_number": "1",
        "place": "Parepare",
    }
    response = staff.client.post(_url("mechanism_settings", draft.mechanism_id), settings)
    assert response.status_code == 302
    wrong = staff.client.post(
        _url("mechanism_settings", draft.mechanism_id),
        {**settings, "classification_code": "400.x", "place": "X"},
    )
    assertContains(wrong, "is not complete")
    draft.mechanism.refresh_from_db()
    assert draft.mechanism.classification_code == "400.2.2"
    assert draft.mechanism.place == "Parepare"
    assert (
        dp3a_officer.client.get(_url("mechanism_settings", draft.mechanism_id)).status_code == 403
    )


# --- Drafting -----------------------------------------------------------------------------------


def test_the_drafter_changes_the_text_one_paragraph_per_line(
    staff: Persona, draft: MechanismVersion
) -> None:
    data = {
        "title": "Mekanisme baru",
        "considerations": "bahwa satu;\n\n  bahwa dua;\n",
        "legal_bases": "UU 12/2022",
        "copies_to": "Camat Soreang",
        "reporting_schedule": "",
        "funding": "",
        "monitoring": "",
    }
    assert staff.client.post(_url("version_edit", draft.pk), data).status_code == 302
    draft.refresh_from_db()
    assert draft.considerations == ["bahwa satu;", "bahwa dua;"] and draft.title == "Mekanisme baru"
    refused = staff.client.post(_url("version_edit", draft.pk), {**data, "legal_bases": "\n"})
    assertContains(refused, "at least one legal basis")
    draft.refresh_from_db()
    assert draft.legal_bases == ["UU 12/2022"]


def test_a_step_is_added_once_even_when_sent_twice(staff: Persona, draft: MechanismVersion) -> None:
    first = staff.client.post(_url("step_add", draft.pk), _step_data())
    second = staff.client.post(_url("step_add", draft.pk), _step_data())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    step = Step.objects.get(version=draft, title="Kunjungan rumah")
    assert step.position == 12 and [
        (d.risk_level, d.amount, d.unit) for d in step.deadlines.all()
    ] == [("", 2, "days")]


def test_a_step_form_shows_the_service_refusal_next_to_the_field(
    staff: Persona, draft: MechanismVersion
) -> None:
    response = staff.client.post(_url("step_add", draft.pk), _step_data(trigger=""))
    assertContains(response, "from which event the deadline counts")
    assert not Step.objects.filter(title="Kunjungan rumah").exists()
    # The corrected form goes out with the same key: it is done, not taken for a repeat.
    assert staff.client.post(_url("step_add", draft.pk), _step_data()).status_code == 302
    assert Step.objects.filter(title="Kunjungan rumah").count() == 1


def test_the_drafter_edits_a_deadline_per_risk_level(
    staff: Persona, draft: MechanismVersion
) -> None:
    step = draft.steps.get(action="first_contact")
    page = staff.client.get(_url("step_edit", step.pk))
    assertContains(page, 'name="amount_high" value="2"')
    data = _step_data(
        title=step.title,
        responsible=step.responsible,
        action="first_contact",
        trigger="case_opened",
        amount_any="",
        amount_high="1",
        unit_high="hours",
        amount_low="3",
        unit_low="working_days",
        form_key="k2",
    )
    assert staff.client.post(_url("step_edit", step.pk), data).status_code == 302
    assert {(d.risk_level, d.amount, d.unit) for d in step.deadlines.all()} == {
        ("HIGH", 1, "hours"),
        ("LOW", 3, "working_days"),
    }


def test_others_may_not_draft(
    draft: MechanismVersion, dp3a_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    step = draft.steps.first()
    assert step is not None
    assert dp3a_officer.client.get(_url("step_add", draft.pk)).status_code == 403
    assert dp3a_officer.client.post(_url("step_delete", step.pk)).status_code == 403
    assert ikhlas_caseworker.client.get(_url("step_edit", step.pk)).status_code == 404
    assert ikhlas_caseworker.client.post(_url("step_delete", step.pk)).status_code == 404
    assert draft.steps.count() == 11


def test_duties_and_pathway(staff: Persona, draft: MechanismVersion) -> None:
    duty = draft.duties.first()
    assert duty is not None
    data = {"form_key": "d1", "party": duty.party, "duties": "Memimpin rapat."}
    assert staff.client.post(_url("duty_edit", duty.pk), data).status_code == 302
    duty.refresh_from_db()
    assert duty.duties == "Memimpin rapat."
    assert staff.client.post(_url("duty_delete", duty.pk)).status_code == 302
    assert staff.client.get(_url("pathway_add", draft.pk)).status_code == 200
    empty = staff.client.post(_url("pathway_add", draft.pk), {"service_type": "KESEHATAN"})
    assertContains(empty, "errorlist")


def test_a_party_is_added_once_even_when_sent_twice(
    staff: Persona, draft: MechanismVersion
) -> None:
    before = draft.duties.count()
    data = {"form_key": "d2", "party": "babinsa", "duties": "Menjaga keamanan korban."}
    first = staff.client.post(_url("duty_add", draft.pk), data)
    second = staff.client.post(_url("duty_add", draft.pk), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert draft.duties.count() == before + 1


def test_an_issued_version_shows_no_edit_buttons_and_refuses_changes(
    staff: Persona, lurah: Persona, kelurahan_ws: Organisation
) -> None:
    version = builders.issued_version(kelurahan_ws)
    step = version.steps.first()
    assert step is not None
    page = english(lurah.client).get(_url("version_detail", version.pk))
    assertNotContains(page, "Change the text")
    assertNotContains(page, "Add a step")
    assertContains(page, "Decree (SK Lurah), PDF")
    assertContains(page, version.decree.number)
    staff_page = staff.client.get(_url("version_detail", version.pk))
    assertContains(staff_page, "Make a new version")
    assertNotContains(staff_page, "Change this step")
    staff.client.post(_url("step_add", version.pk), _step_data())
    staff.client.post(_url("step_delete", step.pk))
    staff.client.post(_url("comment_add", version.pk), {"section": "general", "text": "Telat"})
    assert version.steps.count() == 11 and not version.comments.exists()


def test_the_menu_links_the_mechanism_for_stakeholders_only(
    dp3a_officer: Persona, bahagia_volunteer: Persona, auditor: Persona
) -> None:
    link = f'href="{reverse("mechanisms:mechanism_list")}"'
    for persona in (dp3a_officer, bahagia_volunteer):
        assertContains(persona.client.get(reverse("accounts:home")), link)
    assertNotContains(auditor.client.get(reverse("accounts:home")), link)
    assert auditor.client.get(reverse("mechanisms:mechanism_list")).status_code == 403
