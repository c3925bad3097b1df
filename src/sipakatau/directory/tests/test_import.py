"""Importing the directory from CSV and XLSX: all or nothing, line-numbered refusals, and
the same file twice changes nothing."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from sipakatau.audit.models import AuditEvent
from sipakatau.directory.models import Provider
from sipakatau.directory.services import IMPORT_COLUMNS, directory_import
from sipakatau.lib.tables import TableError, read_table
from tests.factories import WATANG_BACUKIKI, Persona

HEADER = ",".join(IMPORT_COLUMNS)
GOOD = (
    f"{HEADER}\n"
    'RSUD Andi Makkasau,"Jl. Nurussamawati",73.72.04.1006,0421 5550106,,,IGD 24 jam,'
    "KESEHATAN;PSIKOSOSIAL,ya,tidak,BPJS,ya\n"
    "Disdukcapil Kota Parepare,,73.72,0421 5550107,,,Senin-Jumat,DOKUMEN_KEPENDUDUKAN,"
    "tidak,tidak,Gratis,ya\n"
)


def _csv(text: str) -> list[dict[str, str]]:
    return read_table(filename="layanan.csv", data=text.encode("utf-8-sig"))


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _snapshot() -> list[tuple[object, ...]]:
    return list(Provider.objects.order_by("pk").values_list("pk", "name", "hours", "is_public"))


def test_a_good_csv_creates_providers_with_their_services(city_admin: Persona) -> None:
    result = directory_import(actor=city_admin.membership, rows=_csv(GOOD), source="layanan.csv")

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    rsud = Provider.objects.get(name="RSUD Andi Makkasau")
    assert rsud.area.code == "73.72.04.1006"
    assert rsud.phone == "+624215550106"
    assert rsud.wheelchair_access and not rsud.sign_language and rsud.is_public
    assert sorted(rsud.services.values_list("service_type", flat=True)) == [
        "KESEHATAN",
        "PSIKOSOSIAL",
    ]
    assert AuditEvent.objects.filter(action="directory.imported").count() == 1
    assert AuditEvent.objects.filter(action="provider.created").count() == 2


def test_importing_the_same_file_again_changes_nothing(city_admin: Persona) -> None:
    directory_import(actor=city_admin.membership, rows=_csv(GOOD))
    before = _snapshot()
    events = AuditEvent.objects.count()

    again = directory_import(actor=city_admin.membership, rows=_csv(GOOD))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _snapshot() == before
    assert AuditEvent.objects.count() == events


def test_a_changed_row_updates_the_provider_of_that_name_and_area(city_admin: Persona) -> None:
    directory_import(actor=city_admin.membership, rows=_csv(GOOD))
    rsud = Provider.objects.get(name="RSUD Andi Makkasau")
    rsud.services.filter(service_type="KESEHATAN").update(description="IGD dan visum")

    changed = GOOD.replace("IGD 24 jam,KESEHATAN;PSIKOSOSIAL", "Buka 24 jam,KESEHATAN")
    result = directory_import(
        actor=city_admin.membership, rows=_csv(changed.replace("RSUD Andi", "rsud andi"))
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    rsud.refresh_from_db()
    assert rsud.hours == "Buka 24 jam"
    assert rsud.name == "rsud andi Makkasau"
    # The services listed replace the old ones; the details of a kept one stay.
    assert list(rsud.services.values_list("service_type", "description")) == [
        ("KESEHATAN", "IGD dan visum")
    ]


def test_a_bad_line_refuses_the_whole_file_and_names_every_bad_line(city_admin: Persona) -> None:
    directory_import(actor=city_admin.membership, rows=_csv(GOOD))
    before = _snapshot()
    bad = (
        GOOD.replace("IGD 24 jam", "Buka 24 jam")  # a good change that must not be kept
        + "Klinik Baru,,73.72.99.9999,,,,,KESEHATAN,ya,tidak,,ya\n"
        + "\n"  # a blank row keeps its number
        + "Klinik Lain,,73.72,,,,,PIJAT,mungkin,tidak,,ya\n"
    )

    with pytest.raises(ValidationError) as refused:
        directory_import(actor=city_admin.membership, rows=_csv(bad))

    messages = refused.value.messages
    assert messages[0].startswith(("Line 4:", "Baris 4:")) and "73.72.99.9999" in messages[0]
    assert any(m.startswith(("Line 6:", "Baris 6:")) and "PIJAT" in m for m in messages)
    assert any(m.startswith(("Line 6:", "Baris 6:")) and "mungkin" in m for m in messages)
    assert _snapshot() == before
    assert not Provider.objects.filter(name__startswith="Klinik").exists()


def test_a_repeated_provider_in_one_file_is_refused(city_admin: Persona) -> None:
    lines = GOOD.splitlines()
    with pytest.raises(ValidationError) as refused:
        directory_import(actor=city_admin.membership, rows=_csv("\n".join([*lines, lines[1]])))

    assert "Line 4:" in refused.value.messages[0]
    assert "line 2" in refused.value.messages[0]


def test_unknown_or_missing_columns_are_refused(city_admin: Persona) -> None:
    with pytest.raises(ValidationError) as refused:
        directory_import(actor=city_admin.membership, rows=_csv("nama,area_code\nRSUD,73.72\n"))

    assert any("nama" in message for message in refused.value.messages)
    assert any("name" in message for message in refused.value.messages)


def test_an_admin_imports_only_inside_its_area(bahagia_admin: Persona) -> None:
    with pytest.raises(ValidationError) as refused:
        directory_import(actor=bahagia_admin.membership, rows=_csv(GOOD))

    assert "outside your area" in refused.value.messages[0]
    assert not Provider.objects.exists()


def test_only_an_admin_imports(dinsos_officer: Persona, bahagia_caseworker: Persona) -> None:
    for persona in (dinsos_officer, bahagia_caseworker):
        with pytest.raises(PermissionDenied):
            directory_import(actor=persona.membership, rows=_csv(GOOD))


def test_an_xlsx_file_imports_like_the_csv(city_admin: Persona) -> None:
    data = _xlsx(
        [
            [name.upper() if name == "name" else name for name in IMPORT_COLUMNS],
            [
                "RSUD Andi Makkasau",
                "",
                "73.72.04.1006",
                81234567890,
                None,
                None,
                "24 jam",
                "KESEHATAN",
                True,
                False,
                "BPJS",
                "ya",
            ],
            [None] * len(IMPORT_COLUMNS),
            [
                "Disdukcapil",
                "",
                "73.72",
                "",
                "",
                "",
                "",
                "DOKUMEN_KEPENDUDUKAN",
                False,
                False,
                "",
                1,
            ],
        ]
    )
    rows = read_table(filename="layanan.xlsx", data=data)

    result = directory_import(actor=city_admin.membership, rows=rows)

    assert result.created == 2
    rsud = Provider.objects.get(name="RSUD Andi Makkasau")
    # A mobile number typed as a number lost its 0 in the spreadsheet; still understood.
    assert rsud.phone == "+6281234567890"
    assert rsud.wheelchair_access
    assert Provider.objects.get(name="Disdukcapil").is_public
    assert directory_import(actor=city_admin.membership, rows=rows).unchanged == 2


def test_a_bad_xlsx_row_is_named_by_its_row_number(city_admin: Persona) -> None:
    data = _xlsx(
        [
            ["name", "area_code", "services"],
            ["RSUD", "73.72", "KESEHATAN"],
            [None, None, None],
            ["Klinik", WATANG_BACUKIKI, "BOGUS"],
        ]
    )

    with pytest.raises(ValidationError) as refused:
        directory_import(actor=city_admin.membership, rows=read_table(filename="a.xlsx", data=data))

    assert refused.value.messages == ["Line 4: unknown service codes: BOGUS."]
    assert not Provider.objects.exists()


def test_a_csv_saved_by_indonesian_excel_with_semicolons_is_read() -> None:
    text = 'name;area_code;services\nRSUD;73.72;"KESEHATAN;PSIKOSOSIAL"\n'

    rows = read_table(filename="a.csv", data=text.encode("cp1252"))

    assert rows == [{"name": "RSUD", "area_code": "73.72", "services": "KESEHATAN;PSIKOSOSIAL"}]


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("a.pdf", b"%PDF-1.4"),
        ("a.xlsx", b"name,area_code\n"),
        ("a.xlsx", b"PK\x03\x04 not really a workbook"),
        ("a.csv", b""),
    ],
)
def test_a_file_that_is_not_a_table_is_refused(filename: str, data: bytes) -> None:
    with pytest.raises(TableError):
        read_table(filename=filename, data=data)


def test_the_command_imports_a_file_and_refuses_a_bad_one(db: None, tmp_path: Path) -> None:
    from tests.factories import load_areas

    load_areas()
    good = tmp_path / "layanan.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()

    call_command("import_directory", str(good), stdout=out)
    assert "created 2" in out.getvalue()

    bad = tmp_path / "rusak.csv"
    bad.write_text(f"{HEADER}\n,,73.72,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 2"):
        call_command("import_directory", str(bad))
    assert Provider.objects.count() == 2


def test_an_xlsx_that_inflates_to_a_huge_size_is_refused_before_it_is_opened() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (60 * 1024 * 1024))

    with pytest.raises(TableError, match="too big"):
        read_table(filename="bom.xlsx", data=out.getvalue())
