"""The easy-read form: four short questions in large type; the same service stores it."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sipakatau.accounts.models import Organisation
from sipakatau.public.models import PublicReport
from tests.factories import WATANG_SOREANG

from .support import form_data

pytestmark = pytest.mark.django_db


def test_the_easy_form_asks_only_the_four_questions(
    anonymous: Client, bahagia: Organisation
) -> None:
    # The place was chosen on the step before: the form carries it
    url = f"{reverse('public:report_easy')}?tempat={WATANG_SOREANG}"
    html = anonymous.get(url)

    assertContains(html, f'name="kelurahan" value="{WATANG_SOREANG}"')
    for name in ("about", "what_happened", "kelurahan", "danger_now"):
        assertContains(html, f'name="{name}"')
    for name in ("when", "rt", "rw", "contact_phone", "photo"):
        assertNotContains(html, f'name="{name}"')
    assertContains(html, 'class="easy"')
    assertContains(html, "<svg")
    assertContains(html, 'aria-hidden="true"')
    assertContains(html, 'id="quick-exit"')


def test_the_easy_form_sends_a_report(anonymous: Client, bahagia: Organisation) -> None:
    data = {
        key: value
        for key, value in form_data(what_happened="Saya takut pulang.").items()
        if key in ("idempotency_key", "about", "what_happened", "kelurahan", "danger_now")
    }

    response = anonymous.post(reverse("public:report_easy"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("public:report_done")
    report = PublicReport.objects.get()
    assert report.what_happened == "Saya takut pulang."
    assert report.organisation == bahagia
    assert report.contact == "none"


def test_the_easy_form_keeps_the_text_when_the_place_is_missing(
    anonymous: Client, bahagia: Organisation
) -> None:
    response = anonymous.post(
        reverse("public:report_easy"),
        {"idempotency_key": "abcdef123456", "about": "other", "what_happened": "Tolong kami."},
    )

    assertContains(response, "Tolong kami.", status_code=400)
    assert not PublicReport.objects.exists()
