"""'Someone is in danger now' is acted on: the reporter is told first to call 112 / 110 /
SAPA 129, the unit's staff get an urgent notice, the report carries the first-contact
deadline of the kelurahan's mechanism, and the inbox puts it first — for that unit only."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation, Role
from sipakatau.notifications.models import Notification
from sipakatau.notifications.templates import render
from sipakatau.public.models import PublicReport, ReportStatus
from tests import builders as mechanism_builders
from tests.factories import Persona, english, make_persona

from .support import form_data, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deadline_rules")]

STORY = "Suami saya memukul saya dengan kayu di dapur"
TEL_LINKS = ('href="tel:112"', 'href="tel:110"', 'href="tel:129"', 'href="tel:+628111129129"')


def _hours(report: PublicReport) -> float:
    assert report.first_contact_due is not None
    return (report.first_contact_due - report.created_at) / timedelta(hours=1)


def _api_report(client: Client, key: str, danger_now: bool) -> dict[str, object]:
    body = {"kelurahan_code": "73.72.03.1003", "what_happened": STORY, "danger_now": danger_now}
    response = client.post(
        "/api/v1/public/reports",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 201
    answer: dict[str, object] = response.json()
    return answer


# --- The reporter ---------------------------------------------------------------------------


def test_the_done_page_says_to_call_now_before_the_code_only_when_someone_is_in_danger(
    anonymous: Client, bahagia: Organisation
) -> None:
    english(anonymous)
    anonymous.post(reverse("public:report"), form_data(danger_now="yes", what_happened=STORY))
    report = PublicReport.objects.get()
    urgent = anonymous.get(reverse("public:report_done")).content.decode()
    anonymous.post(reverse("public:report"), form_data(danger_now="no"))
    calm = anonymous.get(reverse("public:report_done")).content.decode()

    code = f"{report.tracking_code[:4]}-{report.tracking_code[4:]}"
    for link in TEL_LINKS:
        assert link in urgent
        assert urgent.index(link) < urgent.index(code)
        assert link not in calm
    assert urgent.index("call for help now") < urgent.index("Your PIN")
    assert "call for help now" not in calm
    assert "Your report was sent" in calm


def test_the_easy_read_form_leads_to_the_same_call_now_block(
    anonymous: Client, bahagia: Organisation
) -> None:
    data = {
        key: value
        for key, value in form_data(danger_now="yes").items()
        if key in ("idempotency_key", "about", "what_happened", "kelurahan", "danger_now")
    }
    response = anonymous.post(reverse("public:report_easy"), {**data, "website": ""})
    assert response.status_code == 302

    html = english(anonymous).get(reverse("public:report_done")).content.decode()

    assert all(link in html for link in TEL_LINKS)
    assert PublicReport.objects.get().danger_now is True


def test_the_api_answers_urgent_with_the_numbers_to_call(
    anonymous: Client, bahagia: Organisation
) -> None:
    urgent = _api_report(anonymous, "urgent-key-0001", danger_now=True)
    calm = _api_report(anonymous, "calm-key-00001", danger_now=False)

    assert urgent["urgent"] is True
    links = [line["link"] for line in urgent["call_now"]]  # type: ignore[attr-defined]
    assert links == ["tel:112", "tel:110", "tel:129", "tel:+628111129129"]
    assert calm["urgent"] is False
    assert calm["call_now"] == []


# --- The unit's staff -----------------------------------------------------------------------


def test_an_urgent_report_notifies_only_the_units_staff_with_urgent_words(
    anonymous: Client,
    bahagia: Organisation,
    ikhlas: Organisation,
    bahagia_caseworker: Persona,
    bahagia_volunteer: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    coordinator = make_persona(bahagia, Role.COORDINATOR, username="bahagia.koordinator")

    anonymous.post(reverse("public:report"), form_data(danger_now="yes", what_happened=STORY))

    notices = Notification.objects.filter(template="public_report_urgent")
    assert {n.recipient_id for n in notices} == {bahagia_caseworker.user.pk, coordinator.user.pk}
    assert not Notification.objects.filter(template="public_report_received").exists()
    notice = notices.first()
    assert notice is not None
    assert set(notice.context) == {"unit_name", "link"}
    with translation.override("en"):
        english_text = render(notice.template, notice.context)
    with translation.override("id"):
        indonesian_text = render(notice.template, notice.context)
    assert english_text.startswith("URGENT")
    for text in (english_text, indonesian_text):
        # Only the unit and a link: no word of the story, no name of anyone.
        for word in ("suami", "memukul", "kayu", "dapur", "test person", "bahaya", "danger"):
            assert word not in text.lower()


def test_an_urgent_report_through_the_api_notifies_the_unit_as_urgent(
    anonymous: Client, bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    urgent = _api_report(anonymous, "urgent-key-0002", danger_now=True)
    calm = _api_report(anonymous, "calm-key-00002", danger_now=False)

    templates = {
        notice.context["link"]: notice.template
        for notice in Notification.objects.filter(recipient=bahagia_caseworker.user)
    }
    reports = {r.tracking_code: r.pk for r in PublicReport.objects.all()}
    urgent_pk = reports[str(urgent["tracking_code"]).replace("-", "")]
    calm_pk = reports[str(calm["tracking_code"]).replace("-", "")]
    assert templates[reverse("public:inbox_detail", args=[urgent_pk])] == "public_report_urgent"
    assert templates[reverse("public:inbox_detail", args=[calm_pk])] == "public_report_received"


def test_the_inbox_lists_waiting_urgent_reports_first_with_a_text_label(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    # Given an urgent report that arrived first, then two ordinary ones
    urgent = submit(danger_now=True).report
    submit()
    newest = submit().report
    client = english(bahagia_caseworker.client)
    urgent_link = reverse("public:inbox_detail", args=[urgent.pk])
    newest_link = reverse("public:inbox_detail", args=[newest.pk])

    # When the unit opens its inbox
    response = client.get(reverse("public:inbox"))

    # Then the urgent one is listed first, labelled in words, not only in colour
    assertContains(response, "URGENT")
    assertContains(response, "Contact by")
    html = response.content.decode()
    assert html.index(urgent_link) < html.index(newest_link)

    # And once it is taken up (here: closed) it goes back to its place by arrival
    PublicReport.objects.filter(pk=urgent.pk).update(status=ReportStatus.CLOSED)
    response = client.get(reverse("public:inbox"))
    assertNotContains(response, "URGENT")
    html = response.content.decode()
    assert html.index(newest_link) < html.index(urgent_link)


def test_the_inbox_query_count_does_not_grow_with_rows(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    client = english(bahagia_caseworker.client)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("public:inbox"))
        assertContains(response, "URGENT")  # labels and deadlines are drawn
        return len(queries.captured_queries)

    submit(danger_now=True)
    submit()
    few = count()
    for _i in range(4):
        submit(danger_now=True)
        submit()
    assert count() == few


def test_an_overdue_report_says_so_in_words(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit(danger_now=True).report
    past = timezone.now() - timedelta(minutes=5)
    PublicReport.objects.filter(pk=report.pk).update(first_contact_due=past)
    client = english(bahagia_caseworker.client)

    listing = client.get(reverse("public:inbox"))
    detail = client.get(reverse("public:inbox_detail", args=[report.pk]))

    local = timezone.localtime(past, ZoneInfo("Asia/Makassar"))
    for page in (listing, detail):
        assertContains(page, "Overdue")
        assertContains(page, f"Contact by {local.day} {local:%b %Y %H:%M} WITA")


def test_the_staff_home_shows_the_urgent_notice_to_the_unit_only(
    bahagia: Organisation,
    ikhlas: Organisation,
    bahagia_caseworker: Persona,
    ikhlas_caseworker: Persona,
) -> None:
    report = submit(danger_now=True).report
    link = reverse("public:inbox_detail", args=[report.pk])

    own = english(bahagia_caseworker.client).get(reverse("accounts:home"))
    other = english(ikhlas_caseworker.client).get(reverse("accounts:home"))
    outsider = ikhlas_caseworker.client.get(link)

    assertContains(own, "URGENT")
    assertContains(own, link)
    assertNotContains(other, "URGENT")
    assertNotContains(other, link)
    assert outsider.status_code == 404
    assert report.pk not in [
        r.pk for r in ikhlas_caseworker.client.get(reverse("public:inbox")).context["reports"]
    ]


# --- The deadline ---------------------------------------------------------------------------


def test_without_a_mechanism_the_default_first_contact_deadlines_apply(
    bahagia: Organisation,
) -> None:
    urgent = submit(danger_now=True).report
    calm = submit().report

    # The default rules: high risk within 2 hours, a risk not yet assessed within 6.
    assert _hours(urgent) == pytest.approx(2, abs=0.01)
    assert _hours(calm) == pytest.approx(6, abs=0.01)


def test_the_kelurahan_mechanism_sets_the_deadline_the_shortest_when_urgent(
    bahagia: Organisation, kelurahan_ws: Organisation
) -> None:
    # Given the kelurahan's issued mechanism: high risk 3 hours, medium 1 hour, else 5
    version = mechanism_builders.draft_version(kelurahan_ws)
    mechanism_builders.set_first_contact_deadlines(
        version, kelurahan_ws, {"HIGH": 3, "MEDIUM": 1, "": 5}
    )
    mechanism_builders.issued_version(kelurahan_ws)

    # When one urgent and one ordinary report arrive for that kelurahan
    urgent = submit(danger_now=True).report
    calm = submit().report

    # Then the urgent one gets the shortest (1 hour), the other the every-level rule
    assert _hours(urgent) == pytest.approx(1, abs=0.01)
    assert _hours(calm) == pytest.approx(5, abs=0.01)
