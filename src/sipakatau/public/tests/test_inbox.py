"""The unit's inbox: the routed unit reads a public report and decides what to do with it;
every other unit gets 404."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.codes import Channel
from sipakatau.cases.models import Case
from sipakatau.cases.services.intake import case_open
from sipakatau.public.models import PublicMessage, PublicReport, ReportStatus
from tests.factories import Persona

from .support import submit

pytestmark = pytest.mark.django_db


def test_the_routed_unit_sees_the_report(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit(what_happened="Anak tetangga dipukul.").report

    listing = bahagia_caseworker.client.get(reverse("public:inbox"))
    detail = bahagia_caseworker.client.get(reverse("public:inbox_detail", args=[report.pk]))

    assertContains(listing, "Watang Soreang")
    assertNotContains(listing, "Anak tetangga dipukul.")
    assertContains(detail, "Anak tetangga dipukul.")
    assert AuditEvent.objects.filter(action="public_report.viewed").exists()


def test_a_caseworker_promotes_the_report_to_a_case(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    report = submit(danger_now=True).report

    response = bahagia_caseworker.client.post(reverse("public:inbox_promote", args=[report.pk]))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert case.channel == Channel.PUBLIC_PORTAL
    assert case.organisation == bahagia
    assert case.danger_now is True
    report.refresh_from_db()
    assert report.case == case
    assert report.status == ReportStatus.HANDLING
    # Promoting again opens no second case.
    bahagia_caseworker.client.post(reverse("public:inbox_promote", args=[report.pk]))
    assert Case.objects.count() == 1


def test_another_unit_gets_404(
    bahagia: Organisation, ikhlas: Organisation, ikhlas_caseworker: Persona
) -> None:
    report = submit().report
    client = ikhlas_caseworker.client

    assert client.get(reverse("public:inbox_detail", args=[report.pk])).status_code == 404
    for name in ("inbox_promote", "inbox_close", "inbox_reply", "inbox_link"):
        assert client.post(reverse(f"public:{name}", args=[report.pk])).status_code == 404
    assertNotContains(client.get(reverse("public:inbox")), "Watang Soreang")
    assert not Case.objects.exists()


def test_a_volunteer_of_the_unit_gets_404(
    bahagia: Organisation, bahagia_volunteer: Persona
) -> None:
    report = submit().report

    response = bahagia_volunteer.client.get(reverse("public:inbox_detail", args=[report.pk]))

    assert response.status_code == 404


def test_a_report_is_closed_as_spam(bahagia: Organisation, bahagia_caseworker: Persona) -> None:
    report = submit().report

    bahagia_caseworker.client.post(
        reverse("public:inbox_close", args=[report.pk]), {"status": "spam"}
    )

    report.refresh_from_db()
    assert report.status == ReportStatus.SPAM


def test_a_report_is_linked_to_an_existing_case(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    case = case_open(actor=bahagia_caseworker.membership, channel="WALK_IN")
    report = submit().report

    bahagia_caseworker.client.post(
        reverse("public:inbox_link", args=[report.pk]), {"case": str(case.pk)}
    )

    report.refresh_from_db()
    assert report.case == case


@pytest.mark.parametrize("status", [ReportStatus.SPAM, ReportStatus.NOT_OURS, ReportStatus.FLOOD])
def test_a_report_closed_as_no_report_is_never_linked_to_a_case(
    bahagia: Organisation, bahagia_caseworker: Persona, status: str
) -> None:
    case = case_open(actor=bahagia_caseworker.membership, channel="WALK_IN")
    report = submit().report
    PublicReport.objects.filter(pk=report.pk).update(status=status)

    page = bahagia_caseworker.client.post(
        reverse("public:inbox_link", args=[report.pk]), {"case": str(case.pk)}, follow=True
    )

    report.refresh_from_db()
    assert (report.case, report.status) == (None, status)
    assertContains(page, "tidak bisa menjadi bagian kasus")
    assert not AuditEvent.objects.filter(action="public_report.linked").exists()


def test_a_report_of_one_case_is_not_moved_to_another(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    first = case_open(actor=bahagia_caseworker.membership, channel="WALK_IN")
    second = case_open(actor=bahagia_caseworker.membership, channel="WALK_IN")
    report = submit().report
    url = reverse("public:inbox_link", args=[report.pk])
    bahagia_caseworker.client.post(url, {"case": str(first.pk)})

    bahagia_caseworker.client.post(url, {"case": str(first.pk)})  # again: harmless
    bahagia_caseworker.client.post(url, {"case": str(second.pk)})

    report.refresh_from_db()
    assert report.case == first
    assert AuditEvent.objects.filter(action="public_report.linked").count() == 1


def test_a_reply_reaches_the_thread(bahagia: Organisation, bahagia_caseworker: Persona) -> None:
    report = submit().report

    bahagia_caseworker.client.post(
        reverse("public:inbox_reply", args=[report.pk]), {"body": "Kami sudah membaca."}
    )

    message = PublicMessage.objects.get()
    assert message.from_staff is True
    assert message.author == bahagia_caseworker.user


def test_a_report_from_a_kelurahan_without_a_unit_goes_to_the_city(
    bahagia: Organisation, dp3a: Organisation
) -> None:
    report = submit(kelurahan_code="73.72.01.1005").report

    assert report.organisation == dp3a
    assert PublicReport.objects.count() == 1


def test_a_promoted_report_starts_the_case_chronology_in_the_reporters_words_and_links_back(
    bahagia: Organisation, bahagia_caseworker: Persona
) -> None:
    # Given a report with the reporter's story and when it happened
    report = submit(what_happened="Anak tetangga dipukul tiap malam.", when="Sejak Senin").report

    # When the caseworker opens a case from it
    bahagia_caseworker.client.post(reverse("public:inbox_promote", args=[report.pk]))

    # Then the case's chronology holds those words, marked as the reporter's
    case = Case.objects.get()
    narrative = case.incident.narrative
    assert "Anak tetangga dipukul tiap malam." in narrative
    assert "Sejak Senin" in narrative
    assert narrative.index("pelapor") < narrative.index("Anak tetangga")
    # And the case page links back to the report, which links to the case
    page = bahagia_caseworker.client.get(reverse("cases:case_detail", args=[case.pk]))
    assertContains(page, reverse("public:inbox_detail", args=[report.pk]))
    detail = bahagia_caseworker.client.get(reverse("public:inbox_detail", args=[report.pk]))
    assertContains(detail, reverse("cases:case_detail", args=[case.pk]))
