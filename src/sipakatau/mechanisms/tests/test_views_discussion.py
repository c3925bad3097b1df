"""The discussion pages: comments and answers by every stakeholder, resolving by the
kelurahan, meetings with their attendance list; the outsider gets 404."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import CommentStatus, Status
from sipakatau.mechanisms.models import Comment, MechanismVersion, Meeting
from tests.factories import Persona, english, make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(kelurahan_ws: Organisation) -> Persona:
    persona = make_persona(kelurahan_ws, Role.VILLAGE_OFFICER, username="ws.staf")
    english(persona.client)
    return persona


@pytest.fixture
def discussed(staff: Persona) -> MechanismVersion:
    version = services.mechanism_start(actor=staff.membership, area=staff.organisation.area)
    services.version_transition(actor=staff.membership, version=version, to=Status.IN_DISCUSSION)
    return version


def _url(name: str, pk: Any) -> str:
    return reverse(f"mechanisms:{name}", args=[pk])


def test_a_stakeholder_comments_on_a_step_once_even_when_sent_twice(
    discussed: MechanismVersion, dp3a_officer: Persona
) -> None:
    step = discussed.steps.get(position=3)
    data = {"form_key": "p-step", "section": "step", "step": step.pk, "text": "Tambahkan SAPA 129."}
    first = dp3a_officer.client.post(_url("comment_add", discussed.pk), data)
    second = dp3a_officer.client.post(_url("comment_add", discussed.pk), data)
    assert first.status_code == second.status_code == 302
    comment = Comment.objects.get()
    assert comment.step == step and comment.organisation == dp3a_officer.organisation
    page = english(dp3a_officer.client).get(_url("version_detail", discussed.pk))
    assertContains(page, "Tambahkan SAPA 129.")
    assertNotContains(page, "Mark resolved")


def test_an_empty_comment_is_shown_back_and_nothing_is_saved(
    discussed: MechanismVersion, dinsos_officer: Persona
) -> None:
    response = dinsos_officer.client.post(
        _url("comment_add", discussed.pk), {"form_key": "x", "section": "general", "text": " "}
    )
    assertContains(response, "errorlist", status_code=400)
    assert not Comment.objects.exists()


def test_the_outsider_cannot_comment_or_read(
    discussed: MechanismVersion, ikhlas_caseworker: Persona, dp3a_officer: Persona
) -> None:
    comment = services.comment_add(actor=dp3a_officer.membership, version=discussed, text="Usul")
    data = {"section": "general", "text": "Saya juga"}
    assert ikhlas_caseworker.client.post(_url("comment_add", discussed.pk), data).status_code == 404
    assert ikhlas_caseworker.client.post(_url("comment_resolve", comment.pk)).status_code == 404
    assert Comment.objects.count() == 1


def test_an_answer_and_the_drafter_resolving(
    staff: Persona, discussed: MechanismVersion, dp3a_officer: Persona
) -> None:
    comment = services.comment_add(actor=dp3a_officer.membership, version=discussed, text="Usul")
    answer = {"form_key": "r", "section": "general", "reply_to": comment.pk, "text": "Diterima."}
    assert staff.client.post(_url("comment_add", discussed.pk), answer).status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.ANSWERED and comment.replies.count() == 1
    assert dp3a_officer.client.post(_url("comment_resolve", comment.pk)).status_code == 403
    assert staff.client.post(_url("comment_resolve", comment.pk)).status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.RESOLVED


def _meeting_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_key": "m1",
        "held_on": "2026-11-10",
        "place": "Aula Kantor Kelurahan",
        "agenda": "Pembahasan draft",
        "minutes": "Rapat dibuka oleh Lurah.",
        "decisions": "Draft disetujui dengan perubahan.",
        "form-TOTAL_FORMS": "10",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "Hj. Rahmawati",
        "form-0-organisation": "DP3A Kota Parepare",
        "form-0-gender": "P",
        "form-1-name": "Pak Amir",
        "form-1-organisation": "RT 02",
        "form-1-gender": "L",
        "form-1-has_disability": "on",
    }
    data.update(changes)
    return data


def test_the_drafter_records_a_meeting_with_its_attendees_once(
    staff: Persona, discussed: MechanismVersion, bahagia_caseworker: Persona
) -> None:
    assert staff.client.get(_url("meeting_add", discussed.pk)).status_code == 200
    first = staff.client.post(_url("meeting_add", discussed.pk), _meeting_data())
    second = staff.client.post(_url("meeting_add", discussed.pk), _meeting_data())
    meeting = Meeting.objects.get()
    assert first["Location"] == second["Location"] == _url("meeting_detail", meeting.pk)
    assert [a.name for a in meeting.attendees.all()] == ["Hj. Rahmawati", "Pak Amir"]
    assert meeting.held_on == date(2026, 11, 10)
    page = english(bahagia_caseworker.client).get(_url("meeting_detail", meeting.pk))
    assertContains(page, "women: 1, men: 1")
    assertContains(page, "Attendance list (PDF)")


def test_a_meeting_form_error_keeps_the_rows_and_saves_nothing(
    staff: Persona, discussed: MechanismVersion, dp3a_officer: Persona
) -> None:
    response = staff.client.post(
        _url("meeting_add", discussed.pk), _meeting_data(**{"form-1-gender": ""})
    )
    assertContains(response, "Attendee 2: choose woman or man")
    assertContains(response, 'value="Pak Amir"')
    more = staff.client.post(_url("meeting_add", discussed.pk), _meeting_data(more_rows="1"))
    assertContains(more, "form-19-name")
    assert not Meeting.objects.exists()
    assert dp3a_officer.client.get(_url("meeting_add", discussed.pk)).status_code == 403
