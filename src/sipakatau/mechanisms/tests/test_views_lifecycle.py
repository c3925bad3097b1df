"""A version's way on the pages: the drafter opens the discussion, the Lurah approves and
issues; the comparison of two versions; the outsider gets 404."""

import zoneinfo
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.areas.queries import area_time_zone
from sipakatau.mechanisms import services
from sipakatau.mechanisms.codes import Status
from sipakatau.mechanisms.models import Decree, MechanismVersion
from tests import builders
from tests.factories import Persona, english, make_persona

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


def _status(version: MechanismVersion) -> str:
    version.refresh_from_db()
    return version.status


def test_the_drafter_opens_the_discussion_and_only_the_lurah_approves(
    staff: Persona, lurah: Persona, draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    move = _url("version_transition", draft.pk)
    assert dp3a_officer.client.post(move, {"to": "in_discussion"}).status_code == 403
    assert staff.client.post(move, {"to": "in_discussion"}).status_code == 302
    assert _status(draft) == Status.IN_DISCUSSION
    assert staff.client.post(move, {"to": "approved"}).status_code == 403
    page = english(lurah.client).get(_url("version_detail", draft.pk))
    assertContains(page, "Approve")
    assert lurah.client.post(move, {"to": "approved"}).status_code == 302
    assert _status(draft) == Status.APPROVED


def test_an_approval_with_open_comments_is_refused_with_a_message(
    staff: Persona, lurah: Persona, draft: MechanismVersion, dp3a_officer: Persona
) -> None:
    services.version_transition(actor=staff.membership, version=draft, to=Status.IN_DISCUSSION)
    services.comment_add(actor=dp3a_officer.membership, version=draft, text="Belum")
    client = english(lurah.client)
    response = client.post(_url("version_transition", draft.pk), {"to": "approved"}, follow=True)
    assertContains(response, "not resolved yet")
    assert _status(draft) == Status.IN_DISCUSSION


def test_the_lurah_issues_the_decree_with_defaults_filled_in(
    lurah: Persona, kelurahan_ws: Organisation, staff: Persona, ikhlas_caseworker: Persona
) -> None:
    version = builders.approved_version(kelurahan_ws)
    client = english(lurah.client)
    assert staff.client.get(_url("decree_issue", version.pk)).status_code == 403
    assert ikhlas_caseworker.client.get(_url("decree_issue", version.pk)).status_code == 404
    form = client.get(_url("decree_issue", version.pk))
    assertContains(form, "LURAH WATANG SOREANG")
    assertContains(form, "makes it binding")
    # The form proposes today in the kelurahan's own time zone (WITA), which differs from
    # the server's date for eight hours of every day.
    today_there = timezone.localdate(timezone=zoneinfo.ZoneInfo(area_time_zone(kelurahan_ws.area)))
    assertContains(form, today_there.isoformat())
    wrong = client.post(
        _url("decree_issue", version.pk),
        {
            "issued_on": "2026-11-02",
            "signer_name": "Andi",
            "signer_nip": "19800A",
            "signer_title": "LURAH",
        },
    )
    assertContains(wrong, "A NIP has digits only")
    assert not Decree.objects.exists()
    data = {
        "issued_on": "2026-11-02",
        "signer_name": "Andi Lurah",
        "signer_nip": "198001012005011001",
        "signer_title": "LURAH WATANG SOREANG",
    }
    response = client.post(_url("decree_issue", version.pk), data, follow=True)
    decree = Decree.objects.get()
    assert decree.issued_on == date(2026, 11, 2) and decree.signer_nip == "198001012005011001"
    assertContains(response, decree.number)
    assertContains(response, "was issued")
    again = client.post(_url("decree_issue", version.pk), data)
    assert again.status_code == 302 and Decree.objects.count() == 1


def test_a_new_version_and_its_comparison(
    staff: Persona, kelurahan_ws: Organisation, dinsos_officer: Persona, ikhlas_caseworker: Persona
) -> None:
    issued = builders.issued_version(kelurahan_ws)
    assert staff.client.post(_url("version_new", issued.pk)).status_code == 302
    new = MechanismVersion.objects.get(number=2)
    step = new.steps.get(position=1)
    services.step_save(
        actor=staff.membership,
        version=new,
        step=step,
        title="Menerima laporan warga",
        description=step.description,
        responsible=step.responsible,
        escalate_to=step.escalate_to,
    )
    page = english(dinsos_officer.client).get(_url("version_diff", new.pk))
    assertContains(page, "What changed from version 1 to version 2")
    assertContains(page, "Menerima laporan<ins>")
    assertContains(page, "added: </span> warga</ins>")
    assertContains(page, "Menerima laporan warga")
    same = english(dinsos_officer.client).get(
        _url("version_diff", issued.pk) + f"?dengan={issued.pk}"
    )
    assertContains(same, "The two versions are the same")
    outsider = ikhlas_caseworker.client.get(_url("version_diff", new.pk))
    assert outsider.status_code == 404
    other = builders.draft_version(ikhlas_caseworker.organisation)
    mixed = dinsos_officer.client.get(_url("version_diff", new.pk) + f"?dengan={other.pk}")
    assert mixed.status_code == 404


def test_the_first_version_has_nothing_to_compare(staff: Persona, draft: MechanismVersion) -> None:
    page = staff.client.get(_url("version_diff", draft.pk))
    assertContains(page, "nothing to compare")
