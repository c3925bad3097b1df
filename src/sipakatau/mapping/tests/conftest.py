"""Personas of the mapping tests: an analyst (coordinator) and an enumerator (kader) of
LBK-KK Bahagia (Watang Soreang), the kelurahan officer there, and the coordinator of
LBK-KK Ikhlas (Watang Bacukiki), who must see nothing of Watang Soreang's mapping."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.utils import translation
from django_q.conf import Conf

from sipakatau.accounts.models import Membership, Organisation, OrganisationType, Role
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, QuestionnaireStatus
from tests.factories import WATANG_SOREANG, make_organisation, make_user

from .forms import workbook


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def jobs_at_once(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> Callable[[], AbstractContextManager[Any]]:
    """django-q2's sync mode (the cluster does not run in tests): a job queued on commit
    runs in this process, through django-q2's worker, when the on-commit callbacks of the
    block ``with jobs_at_once():`` run at its end."""
    monkeypatch.setattr(Conf, "SYNC", True)
    return lambda: django_capture_on_commit_callbacks(execute=True)


def member(organisation: Organisation, role: str) -> Membership:
    user = make_user(organisation, role)
    return Membership.objects.select_related("organisation__area", "user").get(
        user=user, organisation=organisation
    )


@pytest.fixture
def analyst(bahagia: Organisation) -> Membership:
    return member(bahagia, Role.COORDINATOR)


@pytest.fixture
def enumerator(bahagia: Organisation) -> Membership:
    return member(bahagia, Role.VOLUNTEER)


@pytest.fixture
def officer(db: None) -> Membership:
    office = make_organisation(
        "Kelurahan Watang Soreang", type=OrganisationType.KELURAHAN, area_code=WATANG_SOREANG
    )
    return member(office, Role.VILLAGE_OFFICER)


@pytest.fixture
def outsider(ikhlas: Organisation) -> Membership:
    return member(ikhlas, Role.COORDINATOR)


@pytest.fixture
def questionnaire(analyst: Membership) -> Questionnaire:
    made = services.questionnaire_import(actor=analyst, data=workbook(), file_name="uji.xlsx")
    return services.questionnaire_set_status(
        actor=analyst, questionnaire=made, status=QuestionnaireStatus.ACTIVE
    )
