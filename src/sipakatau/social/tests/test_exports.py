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


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_desa_proposal_names_the_kepala_desa_and_the_musyawarah_desa(db: None) -> None:
    import re

    from django.urls import reverse

    from sipakatau.accounts.models import OrganisationType, Role
    from sipakatau.areas.models import Area
    from sipakatau.mechanisms.tests.villagesupport import DESA, REGENCY, desa_office_make
    from sipakatau.referrals.tests.support import pdf_text
    from tests.factories import english, make_organisation, make_persona

    # Given a desa's LBK-KK that proposed one household and held the musyawarah desa
    desa_office_make()
    desa = Area.objects.get(code=DESA)
    unit = make_organisation(
        "LBK-KK Sipakainge Desa Lompo Riaja", type=OrganisationType.LBK_KK, area_code=DESA
    )
    dinsos = make_organisation("Dinsos Barru", type=OrganisationType.DINSOS, area_code=REGENCY)
    coordinator = make_persona(unit, Role.COORDINATOR)
    actor = coordinator.membership
    batch = new_batch(coordinator, desa, dinsos)
    services.batch_add_item(
        actor=actor,
        batch=batch,
        household=household(actor, desa, number="7311012001000111"),
        programme=programme("PKH"),
    )
    services.batch_advance(actor=actor, batch=batch, to_state="MUSYAWARAH")
    services.musyawarah_record(
        actor=actor,
        batch=batch,
        held_on=timezone.localdate(),
        place="Aula Kantor Desa",
        attendance="H. Baso — Kepala Desa",
        decisions="Satu usulan disetujui",
    )
    batch.refresh_from_db()
    # When the proposal's page and its two documents are read
    page = english(coordinator.client).get(reverse("social:batch_detail", args=[batch.pk]))
    shown = page.content.decode()
    main = shown[shown.index("<main") : shown.index("</main>")]
    from django.utils import translation

    with translation.override("en"):
        minutes, bnba = pdf_text(minutes_pdf(batch)), pdf_text(bnba_pdf(batch))
    # Then they speak of the desa and its Kepala Desa, never of a kelurahan or a Lurah
    assert "Musyawarah desa" in main
    assert "MINUTES OF THE DESA MUSYAWARAH" in minutes and "Kepala Desa Lompo Riaja" in minutes
    assert "Desa Lompo Riaja, proposal of" in bnba and "Kepala Desa Lompo Riaja" in bnba
    # (The BNBA's column headers are SIKS-NG's fixed format, its "Kelurahan" column too.)
    bnba = bnba.replace("RT RW Kelurahan Kecamatan", "RT RW - Kecamatan")
    for text in (main, minutes, bnba):
        found = re.findall(r".{40}lurah.{20}", text, re.IGNORECASE)
        assert not re.search("lurah", text, re.IGNORECASE), found
