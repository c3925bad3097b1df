"""The one-case summary PDF for the paper file: "RAHASIA" on every page, only what the
reader may see on the case page, the printing audited, outsiders 404."""

import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from sipakatau.accounts.models import Organisation
from sipakatau.audit.models import AuditEvent
from sipakatau.cases.models import Case
from sipakatau.cases.services import care
from tests.builders import add_party, full_case
from tests.factories import Persona


def pages_of(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(  # noqa: S603 (a fixed command on a file of our own)
            ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 (poppler-utils, on PATH)
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return [page for page in text.split("\f") if page.strip()]


def summary(persona: Persona, case: Case) -> object:
    return persona.client.get(reverse("reports:case_summary_pdf", args=[case.pk]))


@pytest.fixture
def long_case(bahagia_caseworker: Persona) -> Case:
    """A case with something in every section and enough people to fill several pages."""
    actor = bahagia_caseworker.membership
    case = full_case(actor)
    for n in range(40):
        add_party(actor, case, "WITNESS", name=f"Saksi Nomor {n}", age=20 + n)
    return case


@pytest.mark.django_db
def test_rahasia_is_on_every_page_and_no_identity_number_or_story(
    long_case: Case, bahagia_caseworker: Persona
) -> None:
    response = summary(bahagia_caseworker, long_case)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pages_of(response.content)
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        assert "RAHASIA" in page, f"page {n}"
    text = "".join(pages)
    assert "Siti Aminah" in text and "Budi Santoso" in text and "Saksi Nomor 39" in text
    # Shown on the case page only on request (NIK), or behind a click (the story), or in
    # Sipakatau only (notes): never on paper.
    assert "7372034505900001" not in text
    assert "Dipukul dengan sapu" not in text and "Catatan rahasia" not in text
    assert AuditEvent.objects.filter(
        action="case.summary_exported", object_id=str(long_case.pk)
    ).exists()


@pytest.mark.django_db
def test_a_kader_with_only_a_follow_up_gets_no_names(
    long_case: Case, bahagia_caseworker: Persona, bahagia_volunteer: Persona
) -> None:
    care.follow_up_plan(
        actor=bahagia_caseworker.membership,
        case=long_case,
        assigned_to=bahagia_volunteer.user,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    response = summary(bahagia_volunteer, long_case)
    assert response.status_code == 200
    text = "".join(pages_of(response.content))
    assert "RAHASIA" in text and long_case.register_number in text
    assert "Siti Aminah" not in text and "Budi Santoso" not in text and "Sapu" not in text
    event = AuditEvent.objects.filter(
        action="case.summary_exported", object_id=str(long_case.pk)
    ).get()
    assert "parties" not in event.fields


@pytest.mark.django_db
def test_outsiders_get_404(
    long_case: Case,
    ikhlas: Organisation,
    bahagia_volunteer: Persona,
    lurah: Persona,
    dp3a_officer: Persona,
    auditor: Persona,
) -> None:
    from sipakatau.accounts.models import Role
    from tests.factories import make_persona

    ikhlas_worker = make_persona(ikhlas, Role.CASEWORKER)
    for persona in (ikhlas_worker, bahagia_volunteer, lurah, dp3a_officer, auditor):
        assert summary(persona, long_case).status_code == 404
    assert not AuditEvent.objects.filter(action="case.summary_exported").exists()
