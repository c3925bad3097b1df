"""The report form: works as a plain HTML form (no JavaScript), once per key, never for a
robot, and hands the code and PIN over once, with nothing in a URL."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.notifications.models import Notification
from sipakatau.public.models import PublicReport, ReportStatus
from tests.factories import Persona

from .support import first_focusable, form_data, form_url, public_urls

pytestmark = pytest.mark.django_db


def test_a_plain_post_creates_one_report_routed_to_bahagia(
    anonymous: Client,
    bahagia: Organisation,
    ikhlas: Organisation,
    bahagia_caseworker: Persona,
) -> None:
    response = anonymous.post(reverse("public:report"), form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("public:report_done")
    report = PublicReport.objects.get()
    assert report.organisation == bahagia
    assert report.kelurahan.code == "73.72.03.1003"
    assert report.status == ReportStatus.RECEIVED
    assert report.danger_now is True
    assert report.what_happened == "Saya dipukul di rumah."
    assert AuditEvent.objects.filter(action="public_report.submitted").count() == 1
    notice = Notification.objects.get(recipient=bahagia_caseworker.user)
    # The form said someone is in danger now (test_urgent.py has the rest of that path).
    assert notice.template == "public_report_urgent"


def test_the_done_page_shows_the_code_and_pin_once(
    anonymous: Client, bahagia: Organisation
) -> None:
    anonymous.post(reverse("public:report"), form_data())
    report = PublicReport.objects.get()

    page = anonymous.get(reverse("public:report_done"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    code = f"{report.tracking_code[:4]}-{report.tracking_code[4:]}"
    assertContains(page, code)
    pin = re.findall(r'class="code">(\d{6})<', page.content.decode())
    assert len(pin) == 1

    again = anonymous.get(reverse("public:report_done"))
    assert again.status_code == 302  # gone from the session after one showing


def test_the_same_key_twice_stores_one_report_with_the_same_code(
    anonymous: Client, bahagia: Organisation
) -> None:
    data = form_data()
    anonymous.post(reverse("public:report"), data)
    first = anonymous.get(reverse("public:report_done"))

    anonymous.post(reverse("public:report"), data)
    second = anonymous.get(reverse("public:report_done"))

    report = PublicReport.objects.get()
    code = f"{report.tracking_code[:4]}-{report.tracking_code[4:]}"
    assertContains(first, code)
    assertContains(second, code)
    text = second.content.decode()
    assert "already received" in text or "sudah diterima" in text
    assert not re.findall(r'class="code">(\d{6})<', text)


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(
    anonymous: Client, bahagia: Organisation
) -> None:
    response = anonymous.post(reverse("public:report"), form_data(website="http://spam.example"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "could not be sent" in page or "belum terkirim" in page
    assert not PublicReport.objects.exists()
    assert not AuditEvent.objects.filter(action="public_report.submitted").exists()


def test_a_report_without_a_story_is_refused_and_keeps_what_was_typed(
    anonymous: Client, bahagia: Organisation
) -> None:
    response = anonymous.post(
        reverse("public:report"), form_data(what_happened="", when="tadi pagi")
    )

    assertContains(response, "tadi pagi", status_code=400)
    assert not PublicReport.objects.exists()


def test_a_photo_is_cleaned_and_stored_encrypted(anonymous: Client, bahagia: Organisation) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.builders import png

    photo = SimpleUploadedFile("luka.png", png(), content_type="image/png")
    anonymous.post(reverse("public:report"), {**form_data(), "photo": photo})

    report = PublicReport.objects.get()
    assert report.photo_content_type == "image/png"
    assert report.photo


def test_a_file_that_is_not_a_photo_is_refused(anonymous: Client, bahagia: Organisation) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("luka.png", b"<html><script>x</script>", content_type="image/png")
    response = anonymous.post(reverse("public:report"), {**form_data(), "photo": fake})

    assert response.status_code == 400
    assert not PublicReport.objects.exists()


@pytest.mark.parametrize("url", public_urls())
def test_quick_exit_is_the_first_focusable_element(
    anonymous: Client, bahagia: Organisation, url: str
) -> None:
    html = anonymous.get(url).content.decode()

    first = first_focusable(html)
    assert 'id="quick-exit"' in first
    assert f'href="{settings.QUICK_EXIT_URL}"' in first
    assert "Quick exit" in html or "Keluar cepat" in html


def test_the_done_and_tracked_pages_start_with_quick_exit_too(
    anonymous: Client, bahagia: Organisation
) -> None:
    anonymous.post(reverse("public:report"), form_data())
    assert 'id="quick-exit"' in first_focusable(
        anonymous.get(reverse("public:report_done")).content.decode()
    )


@pytest.mark.parametrize("url", public_urls())
def test_no_public_page_names_another_host(
    anonymous: Client, bahagia: Organisation, url: str
) -> None:
    response = anonymous.get(url)
    # The one other site named is where the quick exit leads (test_quick_exit.py).
    html = response.content.decode().replace(f'href="{settings.QUICK_EXIT_URL}"', "")

    assert "http" not in html.lower()
    assert "//" not in re.sub(r"<!--.*?-->", "", html).replace("://", "")
    assert "no-store" in response["Cache-Control"]
    assert "htmx" not in html


def test_public_pages_carry_a_neutral_title(anonymous: Client, bahagia: Organisation) -> None:
    for url in public_urls():
        title = re.search(r"<title>(.*?)</title>", anonymous.get(url).content.decode())
        assert title is not None
        assert "Sipakatau" not in title.group(1)
        for word in ("kekerasan", "violence", "laporan", "report"):
            assert word not in title.group(1).lower()


def test_the_report_content_is_never_in_a_url(anonymous: Client, bahagia: Organisation) -> None:
    response = anonymous.post(reverse("public:report"), form_data(what_happened="RAHASIA-4411"))

    assert "RAHASIA" not in response["Location"]
    done = anonymous.get(response["Location"])
    assertNotContains(done, "RAHASIA")
    for href in re.findall(r'(?:href|action|src)="([^"]*)"', done.content.decode()):
        assert "RAHASIA" not in href


def test_a_refused_form_comes_back_with_every_text_kept(
    anonymous: Client, bahagia: Organisation
) -> None:
    # Given a form where everything is filled in but the RT is not a number
    data = form_data(
        what_happened="Cerita panjang tentang malam itu.",
        when="Sabtu malam",
        rw="4",
        rt="xx",
        contact="sms",
        contact_phone="081233344455",
        contact_times="setelah jam 5 sore",
        contact_safe="on",
    )

    response = anonymous.post(reverse("public:report"), data)

    # Then nothing is stored and every field comes back as she wrote it
    html = response.content.decode()
    assert response.status_code == 400
    assert not PublicReport.objects.exists()
    assertContains(response, "Cerita panjang tentang malam itu.</textarea>", status_code=400)
    for name in ("when", "rw", "rt", "contact_phone", "contact_times", "idempotency_key"):
        assert re.search(rf'name="{name}"[^>]*value="{re.escape(data[name])}"', html), name
    assert re.search(r'name="contact_safe"[^>]*checked', html)
    assert re.search(r'value="sms"[^>]*checked', html)
    # The error is tied to its field for screen readers
    assertContains(response, 'id="id_rt_error"', status_code=400)
    assert re.search(r'aria-describedby="[^"]*id_rt_error', html)
    assertContains(response, 'aria-invalid="true"', status_code=400)


def test_a_photo_over_the_limit_is_refused_in_plain_words_and_nothing_is_stored(
    anonymous: Client, bahagia: Organisation, settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.builders import png

    photo = png((400, 300))
    settings.UPLOAD_MAX_BYTES = len(photo) - 1
    upload = SimpleUploadedFile("luka.png", photo, content_type="image/png")

    response = anonymous.post(
        reverse("public:report"), {**form_data(what_happened="Foto luka."), "photo": upload}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "too big" in html or "terlalu besar" in html
    assertContains(response, 'id="id_photo_error"', status_code=400)
    assertContains(response, "Foto luka.", status_code=400)
    assert not PublicReport.objects.exists()


def test_the_form_offers_the_easy_version_and_keeps_drafts_only_in_the_tab(
    anonymous: Client, bahagia: Organisation
) -> None:
    html = anonymous.get(form_url())

    assertContains(html, f'href="{form_url("public:report_easy")}"')
    assertContains(html, "public-form.js")
    # One draft per place: the place is never restored from another place's draft
    assertContains(html, 'data-keep="report-73.72.03.1003"')
    assertContains(html, 'id="keep-note" hidden')  # shown by the script only, when it can keep


def test_every_visible_field_of_the_form_has_a_label(
    anonymous: Client, bahagia: Organisation
) -> None:
    for url in (form_url(), form_url("public:report_easy"), reverse("public:track")):
        html = anonymous.get(url).content.decode()
        labelled = set(re.findall(r'<label for="([^"]+)"', html))
        fields = re.findall(r"<(?:input|select|textarea)\b([^>]*)>", html)
        for attributes in fields:
            if 'type="hidden"' in attributes:
                continue
            found = re.search(r'id="([^"]+)"', attributes)
            assert found is not None and found.group(1) in labelled, (url, attributes)
