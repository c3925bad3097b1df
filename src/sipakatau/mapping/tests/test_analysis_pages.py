"""The questionnaire and analysis pages: upload an XLSForm (with pyxform's errors in plain
words), make one from the template, publish it, download it, import KoBo submissions and
read the refused rows, and the analysis page with its suppressed figures, charts, ranking
and gaps. Each page refuses the outsider (Ikhlas, another kelurahan) with 404."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sipakatau.accounts.models import Membership
from sipakatau.audit.models import AuditEvent
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, QuestionnaireStatus, Submission
from sipakatau.mapping.tests.support import imported
from tests.factories import english, signed_in_client

from .forms import SETTINGS, SURVEY, workbook
from .test_import_submissions import KOBO_HEADER, KOBO_ROWS


def client_of(membership: Membership) -> Client:
    return english(signed_in_client(membership.user))


def kobo_csv() -> bytes:
    lines = [",".join(KOBO_HEADER)] + [",".join(f'"{c}"' for c in row) for row in KOBO_ROWS]
    return ("\n".join(lines) + "\n").encode()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- Questionnaires ------------------------------------------------------------------------


def test_an_analyst_uploads_an_xlsform_and_lands_on_its_page(analyst: Membership) -> None:
    response = client_of(analyst).post(
        reverse("mapping:questionnaire_upload"),
        {"file": upload("uji.xlsx", workbook()), "title": ""},
    )

    made = Questionnaire.objects.get(form_id="uji_pemetaan")
    assert response.status_code == 302
    assert response["Location"] == reverse("mapping:questionnaire_detail", args=[made.pk])
    page = client_of(analyst).get(response["Location"]).content.decode()
    assert "Uji pemetaan" in page and "Open for answers (publish)" in page


def test_a_form_pyxform_refuses_is_explained_and_the_title_is_kept(analyst: Membership) -> None:
    broken = [*SURVEY, ["select_one nowhere", "rusak", "Rusak", "Broken", "", "", ""]]

    response = client_of(analyst).post(
        reverse("mapping:questionnaire_upload"),
        {"file": upload("rusak.xlsx", workbook(survey=broken)), "title": "Judul saya"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "nowhere" in page and "not in the choices sheet" in page
    assert 'value="Judul saya"' in page
    assert not Questionnaire.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_plain_words(analyst: Membership) -> None:
    response = client_of(analyst).post(
        reverse("mapping:questionnaire_upload"), {"file": upload("form.xlsx", b"hello")}
    )

    assert "This file is not an Excel (.xlsx) file." in response.content.decode()


def test_pyxform_s_own_message_reaches_the_page(analyst: Membership) -> None:
    # Two questions with the same name: pyxform refuses, and says where.
    twice = [
        *SURVEY[:4],
        ["text", "dua", "Dua", "Two", "", "", ""],
        ["text", "dua", "", "", "", "", ""],
    ]
    twice += SURVEY[4:]

    response = client_of(analyst).post(
        reverse("mapping:questionnaire_upload"), {"file": upload("dua.xlsx", workbook(twice))}
    )

    page = response.content.decode()
    assert "KoBo/ODK would also refuse" in page and "dua" in page


def test_an_enumerator_cannot_upload_forms(enumerator: Membership) -> None:
    client = client_of(enumerator)

    assert client.get(reverse("mapping:questionnaire_upload")).status_code == 403
    assert client.post(reverse("mapping:questionnaire_from_template")).status_code == 403


def test_the_template_is_made_published_and_exported(analyst: Membership) -> None:
    client = client_of(analyst)

    made = client.post(reverse("mapping:questionnaire_from_template"))
    questionnaire = Questionnaire.objects.get(form_id="pemetaan_kebutuhan")
    assert made["Location"] == reverse("mapping:questionnaire_detail", args=[questionnaire.pk])
    published = client.post(
        reverse("mapping:questionnaire_status", args=[questionnaire.pk]), {"status": "ACTIVE"}
    )
    questionnaire.refresh_from_db()
    assert published.status_code == 302 and questionnaire.status == QuestionnaireStatus.ACTIVE

    exported = client.get(reverse("mapping:questionnaire_export", args=[questionnaire.pk]))
    book = load_workbook(io.BytesIO(exported.content))
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    assert book.sheetnames == ["survey", "choices", "settings"]
    assert AuditEvent.objects.filter(action="questionnaire.exported").count() == 1


def test_loading_the_template_twice_says_why_not(analyst: Membership) -> None:
    client = client_of(analyst)
    client.post(reverse("mapping:questionnaire_from_template"))

    again = client.post(reverse("mapping:questionnaire_from_template"), follow=True)

    assert "already here" in again.content.decode()
    assert Questionnaire.objects.count() == 1


def test_a_wrong_move_is_refused_with_a_message(
    analyst: Membership, questionnaire: Questionnaire
) -> None:
    response = client_of(analyst).post(
        reverse("mapping:questionnaire_status", args=[questionnaire.pk]),
        {"status": "DRAFT"},
        follow=True,
    )

    assert "cannot move to that status" in response.content.decode()


def test_an_enumerator_sees_the_open_questionnaire_but_cannot_close_or_export_it(
    enumerator: Membership, questionnaire: Questionnaire
) -> None:
    client = client_of(enumerator)
    url = reverse("mapping:questionnaire_detail", args=[questionnaire.pk])

    page = client.get(url).content.decode()
    assert "Uji pemetaan" in page and "Close: no new answers" not in page
    status = reverse("mapping:questionnaire_status", args=[questionnaire.pk])
    assert client.post(status, {"status": "CLOSED"}).status_code == 403
    export = reverse("mapping:questionnaire_export", args=[questionnaire.pk])
    assert client.get(export).status_code == 403


@pytest.mark.parametrize(
    "name", ["questionnaire_detail", "questionnaire_export", "submissions_upload", "analysis"]
)
def test_the_outsider_gets_404(
    outsider: Membership, questionnaire: Questionnaire, name: str
) -> None:
    response = client_of(outsider).get(reverse(f"mapping:{name}", args=[questionnaire.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["questionnaire_status", "submissions_upload"])
def test_the_outsider_cannot_post_either(
    outsider: Membership, questionnaire: Questionnaire, name: str
) -> None:
    response = client_of(outsider).post(
        reverse(f"mapping:{name}", args=[questionnaire.pk]), {"status": "CLOSED"}
    )

    assert response.status_code == 404
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.ACTIVE


def test_the_list_does_not_grow_in_queries_with_questionnaires(
    analyst: Membership, django_assert_max_num_queries: Any
) -> None:
    client = client_of(analyst)
    for version in range(3):
        settings = [SETTINGS[0], [*SETTINGS[1][:2], f"v{version}", SETTINGS[1][3]]]
        services.questionnaire_import(actor=analyst, data=workbook(settings=settings))
    client.get(reverse("mapping:questionnaire_list"))  # warm the session

    with django_assert_max_num_queries(12) as few:
        client.get(reverse("mapping:questionnaire_list"))
    for version in range(3, 9):
        settings = [SETTINGS[0], [*SETTINGS[1][:2], f"v{version}", SETTINGS[1][3]]]
        services.questionnaire_import(actor=analyst, data=workbook(settings=settings))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("mapping:questionnaire_list"))
    assert page.content.decode().count("Uji pemetaan") == 9


# --- Submissions import --------------------------------------------------------------------


def test_an_import_lists_refused_rows_and_a_second_import_adds_nothing(
    analyst: Membership, questionnaire: Questionnaire, jobs_at_once: Any
) -> None:
    client = client_of(analyst)
    url = reverse("mapping:submissions_upload", args=[questionnaire.pk])

    with jobs_at_once():
        first = client.post(url, {"file": upload("kobo.csv", kobo_csv())})
    result = client.get(first["Location"]).content.decode()
    created = Submission.objects.count()
    with jobs_at_once():
        again = client.post(url, {"file": upload("kobo.csv", kobo_csv())})
    second = client.get(again["Location"]).content.decode()

    assert created > 0 and Submission.objects.count() == created
    assert "Rows refused, and why" in result and "must be a whole number" in result
    assert "<dt>Added</dt><dd>0</dd>" in second.replace("\n", "")


def test_a_draft_takes_no_import(analyst: Membership) -> None:
    draft = services.questionnaire_import(actor=analyst, data=workbook())

    response = client_of(analyst).get(
        reverse("mapping:submissions_upload", args=[draft.pk]), follow=True
    )

    assert "a draft takes no answers" in response.content.decode()


def test_an_import_result_is_404_for_the_outsider(
    analyst: Membership, outsider: Membership, questionnaire: Questionnaire
) -> None:
    run = imported(
        actor=analyst, questionnaire=questionnaire, data=kobo_csv(), file_name="kobo.csv"
    )
    url = reverse("mapping:import_run_detail", args=[run.pk])

    assert client_of(analyst).get(url).status_code == 200
    assert client_of(outsider).get(url).status_code == 404
