"""The mapping API: questionnaire detail, XLSForm upload and export, status, submissions
import, and the analysis as JSON (suppressed). The outsider gets 404 everywhere."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import load_workbook

from sipakatau.accounts.models import Membership
from sipakatau.mapping import services
from sipakatau.mapping.models import Questionnaire, Submission
from sipakatau.mapping.tests.support import analysed, imported
from tests.factories import signed_in_client

from .answered import answered_template
from .forms import SETTINGS, SURVEY, workbook
from .test_analysis_pages import kobo_csv

API = "/api/v1/mapping"


def api(membership: Membership) -> Client:
    return signed_in_client(membership.user)


def test_an_xlsform_is_uploaded_and_exported_back(analyst: Membership) -> None:
    client = api(analyst)

    made = client.post(
        f"{API}/questionnaires", {"file": SimpleUploadedFile("uji.xlsx", workbook())}
    )
    pk = made.json()["id"]
    detail = client.get(f"{API}/questionnaires/{pk}").json()
    exported = client.get(f"{API}/questionnaires/{pk}/xlsform")

    assert made.status_code == 201 and detail["status"] == "DRAFT"
    assert "anak/umur_anak" in {q["path"] for q in detail["questions"]}
    assert load_workbook(io.BytesIO(exported.content)).sheetnames == [
        "survey",
        "choices",
        "settings",
    ]


def test_a_refused_form_answers_422_with_the_reason(analyst: Membership) -> None:
    broken = [*SURVEY, ["select_one nowhere", "rusak", "Rusak", "Broken", "", "", ""]]

    response = api(analyst).post(
        f"{API}/questionnaires", {"file": SimpleUploadedFile("x.xlsx", workbook(broken))}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert "nowhere" in response.json()["detail"][0]["message"]


def test_publishing_and_importing_twice_adds_nothing_the_second_time(
    analyst: Membership, jobs_at_once: Any
) -> None:
    client = api(analyst)
    draft = services.questionnaire_import(actor=analyst, data=workbook())

    opened = client.post(
        f"{API}/questionnaires/{draft.pk}/status",
        {"status": "ACTIVE"},
        content_type="application/json",
    )
    with jobs_at_once():
        queued = client.post(
            f"{API}/questionnaires/{draft.pk}/imports",
            {"file": SimpleUploadedFile("kobo.csv", kobo_csv())},
        )
    first = client.get(queued.json()["url"]).json()
    with jobs_at_once():
        again = client.post(
            f"{API}/questionnaires/{draft.pk}/imports",
            {"file": SimpleUploadedFile("kobo.csv", kobo_csv())},
        )
    second = client.get(again.json()["url"]).json()

    assert opened.json()["status"] == "ACTIVE"
    assert queued.status_code == 202 and queued.json()["status"] == "QUEUED"
    assert queued.json()["rows_done"] == 0 and queued.json()["rows_created"] == 0
    assert first["status"] == second["status"] == "DONE"
    assert first["rows_done"] == first["rows_total"] > 0
    assert first["rows_created"] > 0 and first["rows_rejected"] > 0
    assert all(item["reasons"] for item in first["rejected"])
    assert second["rows_created"] == 0
    assert second["rows_duplicate"] == first["rows_created"] + first["rows_duplicate"]
    assert Submission.objects.count() == first["rows_created"]
    assert client.get(f"{API}/imports/{first['id']}").json()["rows_total"] == first["rows_total"]


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_analysis_json_is_suppressed_like_the_report(
    analyst: Membership, enumerator: Membership
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    analysed(actor=analyst, questionnaire=questionnaire)

    body = api(analyst).get(f"{API}/questionnaires/{questionnaire.pk}/analysis").json()
    chosen = (
        api(analyst)
        .get(
            f"{API}/questionnaires/{questionnaire.pk}/analysis",
            {"q": "responden/jk", "by": "rw"},
        )
        .json()["crosstab"]
    )

    assert body["respondents"] == "14" and body["threshold"] == 5
    assert body["ranking"]["rows"][0] == ["1", "Dokumen kependudukan", "12", "85.7"]
    hukum = next(g for g in body["gaps"] if g["need"] == "hukum")
    assert hukum == {
        "need": "hukum",
        "label": "Bantuan hukum",
        "respondents": "<5",
        "service_types": ["BANTUAN_HUKUM"],
        "providers": [],
        "gap": True,
    }
    # Men: 4 in RW 002, none in RW 001; women: 10 in RW 001.
    assert chosen["rows"][0] == ["Laki-laki", "0", "<5"]
    assert chosen["rows"][1] == ["Perempuan", "10", "0"]


def test_the_outsider_gets_404_and_the_kader_reads_only_the_analysis(
    analyst: Membership, enumerator: Membership, outsider: Membership
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    run = imported(
        actor=analyst, questionnaire=questionnaire, data=b"_uuid\nx\n", file_name="a.csv"
    )
    paths = [
        f"{API}/questionnaires/{questionnaire.pk}",
        f"{API}/questionnaires/{questionnaire.pk}/xlsform",
        f"{API}/questionnaires/{questionnaire.pk}/analysis",
        f"{API}/imports/{run.pk}",
    ]

    for path in paths:
        assert api(outsider).get(path).status_code == 404, path
    assert api(enumerator).get(paths[0]).status_code == 200
    # The kader takes part in the mechanism's discussion: she reads the counts, but
    # neither exports the form nor sees the imports.
    assert api(enumerator).get(paths[2]).status_code == 200
    for path in (paths[1], paths[3]):
        assert api(enumerator).get(path).status_code in (403, 404), path
    moved = api(outsider).post(
        f"{API}/questionnaires/{questionnaire.pk}/status",
        {"status": "CLOSED"},
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert Client().get(paths[0]).status_code == 401


def test_the_list_endpoint_does_not_grow_in_queries(
    analyst: Membership, django_assert_max_num_queries: Any
) -> None:
    client = api(analyst)

    def add(n: int) -> None:
        settings = [SETTINGS[0], [*SETTINGS[1][:2], f"v{n}", SETTINGS[1][3]]]
        services.questionnaire_import(actor=analyst, data=workbook(settings=settings))

    add(0)
    client.get(f"{API}/questionnaires")
    with django_assert_max_num_queries(10) as few:
        client.get(f"{API}/questionnaires")
    for n in range(1, 7):
        add(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        listed = client.get(f"{API}/questionnaires").json()
    assert len(listed) == 7 and Questionnaire.objects.count() == 7
