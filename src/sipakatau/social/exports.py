"""The BNBA (by name, by address) list a SIKS-NG operator re-types, as XLSX and as a PDF
for signature, and the minutes of the musyawarah. Each export is a read of personal
data: the caller (page or API) records it with ``audit.log(..., "proposal_batch.exported")``."""

import io
from dataclasses import dataclass

from django.utils import timezone

from sipakatau.lib.pdf import html_to_pdf

from .codes import Relationship, VerificationResult
from .models import HouseholdMember, ProposalBatch, ProposalItem
from .queries import items_of

# The SIKS-NG entry order; fixed Indonesian headers (a format, not a sentence to translate).
BNBA_COLUMNS = (
    "No",
    "NIK",
    "No KK",
    "Nama",
    "Alamat",
    "RT",
    "RW",
    "Kelurahan",
    "Kecamatan",
    "Kabupaten/Kota",
    "Program usulan",
    "Keterangan",
)


@dataclass(frozen=True)
class BnbaRow:
    number: int
    nik: str
    kk: str
    name: str
    address: str
    rt: str
    rw: str
    kelurahan: str
    kecamatan: str
    city: str
    programme: str
    note: str

    def cells(self) -> tuple[object, ...]:
        return (
            self.number,
            self.nik,
            self.kk,
            self.name,
            self.address,
            self.rt,
            self.rw,
            self.kelurahan,
            self.kecamatan,
            self.city,
            self.programme,
            self.note,
        )


def bnba_rows(batch: ProposalBatch) -> list[BnbaRow]:
    """The households found eligible in the field, in the order they were added; the
    person named is the member the programme is for, else the head of the family."""
    items: list[ProposalItem] = list(
        items_of(batch).filter(verification=VerificationResult.ELIGIBLE)
    )
    heads = {
        row.household_id: row.person
        for row in HouseholdMember.objects.filter(
            household_id__in=[item.household_id for item in items],
            end_date__isnull=True,
            relationship=Relationship.HEAD,
        ).select_related("person")
    }
    rows = []
    for number, item in enumerate(items, start=1):
        household = item.household
        person = item.person or heads.get(household.pk)
        kecamatan = household.kelurahan.parent
        city = kecamatan.parent if kecamatan else None
        rows.append(
            BnbaRow(
                number=number,
                nik=(person.nik or "") if person else "",
                kk=household.kk_number,
                name=person.name if person else "",
                address=household.address,
                rt=household.rt,
                rw=household.rw,
                kelurahan=household.kelurahan.name,
                kecamatan=kecamatan.name if kecamatan else "",
                city=city.name if city else "",
                programme=item.programme.name,
                note=str(VerificationResult(item.verification).label),
            )
        )
    return rows


def bnba_xlsx(batch: ProposalBatch) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "BNBA"
    sheet.append(BNBA_COLUMNS)
    for row in bnba_rows(batch):
        sheet.append(row.cells())
    for line in sheet.iter_rows(min_row=2):
        for cell in line[1:]:
            # Every value is text: a NIK keeps its digits (no 3.2E+15), and a name that
            # starts with "=" stays a name, never a formula run by the operator's Excel.
            cell.data_type = "s"
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKL", (5, 19, 19, 28, 32, 5, 5, 18, 16, 18, 30, 18), strict=True
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bnba_pdf(batch: ProposalBatch) -> bytes:
    return html_to_pdf(
        "social/bnba.html",
        {
            "batch": batch,
            "columns": BNBA_COLUMNS,
            "rows": bnba_rows(batch),
            "printed_at": timezone.now(),
        },
    )


def minutes_pdf(batch: ProposalBatch) -> bytes:
    """The berita acara of the musyawarah; raises Musyawarah.DoesNotExist before one."""
    return html_to_pdf(
        "social/minutes.html",
        {
            "batch": batch,
            "musyawarah": batch.musyawarah,
            "items": list(items_of(batch)),
            "printed_at": timezone.now(),
        },
    )
