"""Every refusal answers in its kind: the API in JSON (``detail`` in the visitor's
language, a stable ``code``), pages as pages — a 405 included, which Django's
``require_POST`` leaves empty."""

import pytest
from django.test import Client

from tests.factories import Persona, english

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/no-such-thing", 404, "not_found"),
        ("get", "/api/v1/auth/token", 405, "method_not_allowed"),
        ("delete", "/api/v1/cases", 405, "method_not_allowed"),
        ("get", "/api/v1/cases", 401, "unauthorized"),
    ],
)
def test_the_api_answers_json_with_a_code_in_indonesian(
    method: str, path: str, status: int, code: str
) -> None:
    response = getattr(Client(), method)(path)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["detail"] and body["detail"] != english_detail(method, path)


def english_detail(method: str, path: str) -> str:
    """The same answer in English: the Indonesian one must differ from it."""
    client = english(Client())
    return str(getattr(client, method)(path).json()["detail"])


def test_a_case_out_of_scope_answers_a_structured_404(
    bahagia_caseworker: Persona, ikhlas_caseworker: Persona
) -> None:
    from sipakatau.referrals.tests.support import case_with_victim

    case, _victim = case_with_victim(bahagia_caseworker.membership)

    response = ikhlas_caseworker.client.get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Tidak ditemukan, atau tidak dibagikan kepada Anda.",
        "code": "not_found",
    }


def test_a_405_keeps_its_allow_header(bahagia_caseworker: Persona) -> None:
    response = Client().get("/api/v1/auth/token")

    assert "POST" in response["Allow"]


def test_get_on_a_post_only_page_answers_a_page(bahagia_caseworker: Persona) -> None:
    response = bahagia_caseworker.client.get("/akun/keluar/")

    assert response.status_code == 405
    page = response.content.decode()
    assert "<h1>" in page and "tombol" in page
