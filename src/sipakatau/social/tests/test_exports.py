"""The BNBA read back cell by cell, its PDF for signature, and the musyawarah minutes."""

import io
import shutil

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sipakatau.social import services
from sipakatau.social.exports import BNBA_COLUMNS, bnba_pdf, bnba_xlsx, minutes_pdf
from tests.factories import Persona

from .conftest import household, person, programme
from .test_batches import new_batch


def _batch_with_two_households(preparer: Persona, dinsos_person: Persona, ws):
    actor = preparer.membership
    batch = new_batch(preparer, ws, dinsos_person.organisation)
    first = household(
        actor,
        ws,
        number="7372031003000111",
        head="=SUM(A1)",
        nik="7372035505850002",
        birth_date=None,
    )
    second = household(actor, ws, number="7372031003000222", head="Rahmat")
    ani = person(actor, "Ani Lestari", age_estimate=70)
    services.household_member_add(
        actor=actor, household=second, person=ani, relationship="ORANG_TUA"
    )
    items = [
        services.batch_add_item(
            actor=actor, batch=batch, household=first, programme=programme("PKH")
        ),
        services.batch_add_item(
            actor=actor, batch=batch, household=second, programme=programme("ASLUT"), person=ani
        ),
        services.batch_add_item(
            actor=actor, batch=batch, household=second, programme=programme("BPNT")
        ),
    ]
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=timezone.localdate(),
        place="Aula Kantor Lurah",
        attendance="H. Andi — Lurah\nIbu Nur — Ketua RW 002",
        decisions="Tiga usulan disetujui",
    )
    services.batch_advance(actor=actor, batch=batch, to_state="VERVAL")
    for item, result in zip(items, ["LAYAK", "LAYAK", "TIDAK_LAYAK"], strict=True):
        services.verification_record(
            actor=actor, item=item, result=result, verified_on=timezone.localdate()
        )
    return batch


def test_the_bnba_has_the_siks_ng_columns_and_only_eligible_households(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    batch = _batch_with_two_households(bahagia_coordinator, dinsos_officer, ws)
    sheet = load_workbook(io.BytesIO(bnba_xlsx(batch))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(BNBA_COLUMNS)
    assert rows[1] == [
        1,
        "7372035505850002",
        "7372031003000111",
        "=SUM(A1)",
        "Jl. Bau Massepe 1",
        "001",
        "002",
        "Watang Soreang",
        "Soreang",
        "Kota Parepare",
        "Program Keluarga Harapan (PKH)",
        "Eligible",
    ]
    assert rows[2] == [
        2,
        None,
        "7372031003000222",
        "Ani Lestari",
        "Jl. Bau Massepe 1",
        "001",
        "002",
        "Watang Soreang",
        "Soreang",
        "Kota Parepare",
        "Asistensi Sosial Lanjut Usia (ASLUT)",
        "Eligible",
    ]
    # (no NIK known for Ani: an empty cell)
    assert len(rows) == 3  # the household not eligible for BPNT is not listed
    # A name that looks like a formula stays text: the operator's Excel never runs it
    assert sheet["D2"].data_type == "s"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_bnba_pdf_and_the_minutes_read_back(
    bahagia_coordinator: Persona, dinsos_officer: Persona, ws
) -> None:
    from sipakatau.referrals.tests.support import pdf_text

    batch = _batch_with_two_households(bahagia_coordinator, dinsos_officer, ws)
    text = pdf_text(bnba_pdf(batch))
    assert (
        "Ani" in text
        and "Lestari" in text
        and "7372031003000222" in text
        and "Program usulan" in text
    )
    minutes = pdf_text(minutes_pdf(batch))
    assert "Aula Kantor Lurah" in minutes and "Ibu Nur — Ketua RW 002" in minutes
    assert "Tiga usulan disetujui" in minutes
