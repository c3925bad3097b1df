"""Downloading the decree: the preview for every stakeholder, the issued PDF byte for byte,
the DOCX of issued versions; 404 for everyone outside the kelurahan's mechanism."""

import hashlib
import io

import pytest
from django.urls import reverse
from docx import Document

from sipakatau.accounts.models import Organisation
from sipakatau.mechanisms.models import MechanismVersion
from tests import builders
from tests.factories import Persona

from .docsupport import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(kelurahan_ws: Organisation) -> MechanismVersion:
    return builders.issued_version(kelurahan_ws)


def test_the_issued_pdf_is_served_byte_for_byte(
    issued: MechanismVersion, dp3a_officer: Persona
) -> None:
    response = dp3a_officer.client.get(reverse("mechanisms:decree_pdf", args=[issued.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == issued.decree.pdf
    assert hashlib.sha256(response.content).hexdigest() == issued.decree.pdf_sha256
    assert (
        response["Content-Disposition"] == 'attachment; filename="SK-Lurah-Watang-Soreang-v1.pdf"'
    )
    assert "no-store" in response["Cache-Control"]


def test_a_version_without_a_decree_has_no_sk(kelurahan_ws: Organisation, lurah: Persona) -> None:
    draft = builders.draft_version(kelurahan_ws)
    for name in ("mechanisms:decree_pdf", "mechanisms:decree_docx"):
        assert lurah.client.get(reverse(name, args=[draft.pk])).status_code == 404


def test_the_preview_is_a_draft_for_every_stakeholder(
    kelurahan_ws: Organisation, bahagia_volunteer: Persona, dinsos_officer: Persona
) -> None:
    draft = builders.draft_version(kelurahan_ws)
    url = reverse("mechanisms:decree_preview", args=[draft.pk])
    for persona in (bahagia_volunteer, dinsos_officer):
        response = persona.client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline;")
        text = pdf_text(response.content)
        assert "DRAF — belum berlaku" in text and "MEMUTUSKAN:" in text


def test_the_docx_of_an_issued_version(issued: MechanismVersion, lurah: Persona) -> None:
    response = lurah.client.get(reverse("mechanisms:decree_docx", args=[issued.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="SK-Lurah-Watang-Soreang-v1.docx"')
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert f"NOMOR {issued.decree.number}" in paragraphs


def test_outsiders_get_404(
    issued: MechanismVersion, ikhlas_caseworker: Persona, auditor: Persona
) -> None:
    for name in ("mechanisms:decree_preview", "mechanisms:decree_pdf", "mechanisms:decree_docx"):
        url = reverse(name, args=[issued.pk])
        assert ikhlas_caseworker.client.get(url).status_code == 404, name
        assert auditor.client.get(url).status_code == 404, name


def test_an_anonymous_visitor_is_sent_to_sign_in(issued: MechanismVersion) -> None:
    from django.test import Client

    response = Client().get(reverse("mechanisms:decree_pdf", args=[issued.pk]))
    assert response.status_code == 302
