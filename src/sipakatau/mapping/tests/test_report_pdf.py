""" "Laporan Hasil Pemetaan Kebutuhan" as PDF and the tables as XLSX: the parts of the
report are there, the analyst's findings are printed, and every small cell is "<5" in
both (read back with pdftotext and openpyxl)."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from sipakatau.accounts.models import Membership
from sipakatau.audit.models import AuditEvent
from sipakatau.mapping import services
from tests.factories import english, signed_in_client

from .answered import answered_template

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603 (a fixed program on a file the test wrote)
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_poppler
@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_pdf_report_has_its_parts_and_hides_small_cells(
    analyst: Membership, enumerator: Membership, tmp_path: Path
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    questionnaire = services.questionnaire_findings_save(
        actor=analyst,
        questionnaire=questionnaire,
        findings="Dokumen kependudukan paling dibutuhkan di RW 001.",
    )

    with translation.override("en"):
        data = services.analysis_report_pdf(actor=analyst, questionnaire=questionnaire)
    text = pdf_text(data, tmp_path)

    assert data.startswith(b"%PDF-")
    # (In English: the Indonesian catalogue is checked by the project's catalogue test.)
    for part in ("NEEDS MAPPING RESULTS REPORT", "Watang Soreang", "Method", "Sample"):
        assert part in text, part
    assert "Dokumen kependudukan paling dibutuhkan di RW 001." in text
    assert "Respondents: 14." in text
    # Needs ranking, hand count: dokumen 12 (85.7%), kesehatan 8 (57.1%), hukum 4 and
    # psikososial 2 hidden with their percentages.
    assert re.search(r"Dokumen kependudukan\s+12\s+85\.7", text)
    assert re.search(r"Bantuan hukum\s+<5\s+-", text)
    assert re.search(r"Pendampingan psikologis\s+<5\s+-", text)
    # RW 002 has 4 respondents: hidden wherever it is counted.
    assert re.search(r"RW 002\s+<5", text) and not re.search(r"RW 002\s+4\b", text)
    assert AuditEvent.objects.filter(action="mapping.report_printed").count() == 1


@override_settings(SIPAKATAU_SUPPRESSION_THRESHOLD=5)
def test_the_xlsx_hides_small_cells_on_every_sheet(
    analyst: Membership, enumerator: Membership
) -> None:
    questionnaire = answered_template(analyst, enumerator)

    book = load_workbook(
        io.BytesIO(services.analysis_export(actor=analyst, questionnaire=questionnaire))
    )

    assert {"Needs ranking", "Needs and services in reach", "Respondents by RW"} <= set(
        book.sheetnames
    )
    counts = {
        str(cell.value)
        for sheet in book
        if sheet.title != "Numbers"
        for row in sheet.iter_rows(min_row=4, min_col=2, max_col=2)
        for cell in row
    }
    assert "<5" in counts and not {"1", "2", "3", "4"} & counts
    gaps = [
        [c.value for c in row] for row in book["Needs and services in reach"].iter_rows(min_row=4)
    ]
    assert ["Bantuan hukum", "<5", "Legal aid", "NONE — a gap"] in gaps


def test_the_report_is_asked_for_by_the_analyst_and_is_404_for_the_outsider(
    analyst: Membership, enumerator: Membership, outsider: Membership
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    own = english(signed_in_client(analyst.user))
    other = english(signed_in_client(outsider.user))
    kader = english(signed_in_client(enumerator.user))

    # (a job prepares the report: test_report_job.py)
    for name in ("report_pdf", "report_xlsx"):
        url = reverse(f"mapping:{name}", args=[questionnaire.pk])
        assert own.post(url).status_code == 302, name
        assert other.post(url).status_code == 404, name
    url = reverse("mapping:findings_edit", args=[questionnaire.pk])
    assert own.get(url).status_code == 200
    assert other.get(url).status_code == 404
    # The kader takes part in the discussion: she reads the report, writes no findings.
    assert kader.post(reverse("mapping:report_pdf", args=[questionnaire.pk])).status_code == 302
    findings = kader.get(reverse("mapping:findings_edit", args=[questionnaire.pk]))
    assert findings.status_code == 403


def test_the_findings_are_saved_from_the_page_and_kept_when_too_long(
    analyst: Membership, enumerator: Membership, outsider: Membership
) -> None:
    questionnaire = answered_template(analyst, enumerator)
    client = english(signed_in_client(analyst.user))
    url = reverse("mapping:findings_edit", args=[questionnaire.pk])

    saved = client.post(url, {"findings": "Kebutuhan dokumen tinggi."})
    too_long = client.post(url, {"findings": "x" * 5001})
    refused = english(signed_in_client(outsider.user)).post(url, {"findings": "Tidak"})

    questionnaire.refresh_from_db()
    assert saved.status_code == 302 and questionnaire.findings == "Kebutuhan dokumen tinggi."
    assert too_long.status_code == 200 and "x" * 50 in too_long.content.decode()
    assert refused.status_code == 404
