"""Refused attempts to open case data are audited, and a burst tells the account's admins.

An Ikhlas caseworker trying Bahagia's case, victim page, referral and public report (and
the API equivalents) gets 404 each time — and each time one ``access.refused`` event
names who asked for what id, with no personal data.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.audit.middleware import refused_access
from sipakatau.audit.models import AuditEvent
from sipakatau.audit.refusals import ALERTED, REFUSED
from sipakatau.notifications.models import Notification
from sipakatau.notifications.templates import render
from sipakatau.public.tests.support import submit
from sipakatau.referrals.tests.support import (  # noqa: F401 (fixture)
    case_with_victim,
    referral_between,
    referral_rules,
)
from tests.builders import bearer
from tests.factories import Persona

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("referral_rules", "deadline_rules")]

VICTIM = "Kenari Sulawesi"
STORY = "RAHASIA-CERITA-5521"


@pytest.fixture
def bahagia_objects(
    bahagia: Organisation, dinsos: Organisation, bahagia_caseworker: Persona
) -> dict[str, int]:
    case, _victim = case_with_victim(bahagia_caseworker.membership, name=VICTIM)
    return {
        "case": case.pk,
        "referral": referral_between(bahagia, dinsos).pk,
        "report": submit(what_happened=STORY).report.pk,
    }


def _refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=REFUSED))


def _assert_no_personal_data(event: AuditEvent) -> None:
    values = repr([getattr(event, field.name) for field in AuditEvent._meta.fields])
    for needle in (VICTIM, "Kenari", STORY, "?"):
        assert needle not in values


TARGETS: dict[str, tuple[str, Callable[[dict[str, int]], str]]] = {
    "case page": ("cases.case", lambda o: reverse("cases:case_detail", args=[o["case"]])),
    "victim page": ("cases.case", lambda o: reverse("cases:intake_victim", args=[o["case"]])),
    "referral page": (
        "referrals.referral",
        lambda o: reverse("referrals:referral_detail", args=[o["referral"]]),
    ),
    "public report page": (
        "public.publicreport",
        lambda o: reverse("public:inbox_detail", args=[o["report"]]),
    ),
    "case API": ("cases.case", lambda o: f"/api/v1/cases/{o['case']}"),
    "referral API": ("referrals.referral", lambda o: f"/api/v1/referrals/{o['referral']}"),
}
OBJECT_KEY = {
    "cases.case": "case",
    "referrals.referral": "referral",
    "public.publicreport": "report",
}


@pytest.mark.parametrize("target", list(TARGETS))
def test_an_outsider_is_refused_and_the_refusal_is_audited_once(
    target: str, bahagia_objects: dict[str, int], ikhlas_caseworker: Persona
) -> None:
    object_type, url = TARGETS[target]
    # The API through a bearer token (the membership is named by the token, after the
    # middleware has started), the pages through the signed-in session.
    client = bearer(ikhlas_caseworker) if "API" in target else ikhlas_caseworker.client

    response = client.get(url(bahagia_objects))

    assert response.status_code == 404
    (event,) = _refusals()
    assert event.object_type == object_type
    assert event.object_id == str(bahagia_objects[OBJECT_KEY[object_type]])
    assert event.actor_id == ikhlas_caseworker.user.pk
    assert event.organisation_id == ikhlas_caseworker.organisation.pk
    assert event.role == "caseworker"
    assert event.fields == ["http_404"]
    _assert_no_personal_data(event)


def test_an_allowed_open_writes_no_refusal(
    bahagia_objects: dict[str, int], bahagia_caseworker: Persona
) -> None:
    case, report = bahagia_objects["case"], bahagia_objects["report"]
    answers = [
        bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case])).status_code,
        bahagia_caseworker.client.get(reverse("public:inbox_detail", args=[report])).status_code,
        bearer(bahagia_caseworker).get(f"/api/v1/cases/{case}").status_code,
    ]

    assert answers == [200, 200, 200]
    assert _refusals() == []


def test_neither_the_query_string_nor_a_number_that_is_no_id_is_written(
    bahagia_objects: dict[str, int], ikhlas_caseworker: Persona
) -> None:
    case_url = reverse("cases:case_detail", args=[bahagia_objects["case"]])
    nik = "7372031234560001"

    searched = ikhlas_caseworker.client.get(case_url, {"q": VICTIM})
    typed = ikhlas_caseworker.client.get(reverse("cases:case_detail", args=[nik]))

    assert (searched.status_code, typed.status_code) == (404, 404)
    first, second = _refusals()
    _assert_no_personal_data(first)
    assert first.object_id == str(bahagia_objects["case"])
    assert second.object_id == ""
    assert nik not in repr(second.__dict__)


def test_a_refusal_on_a_route_without_case_data_is_not_audited(
    bahagia_objects: dict[str, int], ikhlas_caseworker: Persona
) -> None:
    answers = [
        ikhlas_caseworker.client.get("/tidak-ada/").status_code,
        ikhlas_caseworker.client.get(
            reverse("cases:mechanism_monitoring", args=[999999])
        ).status_code,
    ]

    assert answers == [404, 404]
    assert _refusals() == []


def _middleware_answering(status: int) -> Callable[[HttpRequest], HttpResponse]:
    return refused_access(lambda request: HttpResponse(status=status))


def _request(path: str, user: Any) -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def test_an_anonymous_refusal_is_left_to_the_public_portals_limits(db: None) -> None:
    _middleware_answering(404)(_request("/kasus/12/", AnonymousUser()))

    assert _refusals() == []


def test_a_403_is_audited_like_a_404(ikhlas_caseworker: Persona) -> None:
    request = _request("/rujukan/12/", ikhlas_caseworker.user)
    request.membership = ikhlas_caseworker.membership  # type: ignore[attr-defined]

    _middleware_answering(403)(request)
    _middleware_answering(200)(request)

    (event,) = _refusals()
    assert (event.object_type, event.object_id, event.fields) == (
        "referrals.referral",
        "12",
        ["http_403"],
    )


# --- A burst --------------------------------------------------------------------------


def _probe(persona: Persona, times: int, start: int = 900_000) -> None:
    for n in range(times):
        assert persona.client.get(f"/kasus/{start + n}/").status_code == 404


def _alerts() -> list[Notification]:
    return list(Notification.objects.filter(template="access_probing").order_by("recipient_id"))


def test_a_burst_tells_the_accounts_admins_once_and_no_other_units(
    ikhlas_caseworker: Persona,
    ikhlas_admin: Persona,
    city_admin: Persona,
    bahagia_admin: Persona,
) -> None:
    # Given the default threshold (10 refusals within 10 minutes)
    # When the Ikhlas caseworker tries 15 case numbers in a row
    _probe(ikhlas_caseworker, 15)

    # Then Ikhlas's admin and the city admin who manages Ikhlas are told once, not
    # Bahagia's admin; the notice names the account and the count, nothing else
    alerts = _alerts()
    assert [alert.recipient_id for alert in alerts] == sorted(
        [ikhlas_admin.user.pk, city_admin.user.pk]
    )
    user_page = reverse("accounts:user_detail", args=[ikhlas_caseworker.user.pk])
    assert alerts[0].context == {"username": "ikhlas.pendamping", "count": "10", "link": user_page}
    text = render("access_probing", alerts[0].context)
    assert "ikhlas.pendamping" in text and "10" in text
    assert AuditEvent.objects.filter(action=ALERTED).count() == 1
    assert len(_refusals()) == 15


def test_refusals_below_the_threshold_tell_nobody(
    settings: Any, ikhlas_caseworker: Persona, ikhlas_admin: Persona, bahagia_caseworker: Persona
) -> None:
    settings.SIPAKATAU_PROBING_REFUSALS = 3
    # Two refusals each from two accounts: three in all, but never three from one
    _probe(ikhlas_caseworker, 2)
    _probe(bahagia_caseworker, 2)

    assert _alerts() == []


def test_a_burst_after_the_window_is_told_again(
    settings: Any, ikhlas_caseworker: Persona, ikhlas_admin: Persona
) -> None:
    settings.SIPAKATAU_PROBING_REFUSALS = 3
    settings.SIPAKATAU_PROBING_WINDOW_MINUTES = 10
    _probe(ikhlas_caseworker, 5)
    assert len(_alerts()) == 1

    later = timezone.now() + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=later):
        _probe(ikhlas_caseworker, 3)

    assert len(_alerts()) == 2
    assert AuditEvent.objects.filter(action=ALERTED).count() == 2
