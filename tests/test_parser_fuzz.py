"""Parser fuzzing (issue 18): every parser of outside input either succeeds or refuses the
input with the project's own validation error — never another exception, which would be a
500 for the person uploading or typing it.

Hypothesis, not atheris: atheris is not a dependency of the project (see
``bench/fuzz_parsers.py`` for the long run, which uses atheris when it is installed).

Covered: NIK and KK parsing, telephone normalisation, the upload type check (random
bytes, truncated PNG/JPEG/PDF, polyglots), the XLSForm importer (garbled workbooks and
random well-shaped sheets), the submission importer (KoBo/ODK CSV and XLSX), and the
spreadsheet reader with the directory import behind it.

``FUZZ_EXAMPLES=5000`` runs that many examples per cheap parser (a tenth of it per
importer): ``make fuzz-parsers``. A crash found becomes a plain regression test at the
end of this file.
"""

import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sipakatau.lib.nik import validate_kk, validate_nik
from sipakatau.lib.phone import PhoneError, normalise_phone
from sipakatau.lib.tables import TableError, read_table
from sipakatau.lib.uploads import UploadError, clean_upload
from sipakatau.mapping import kobo, xlsform
from sipakatau.mapping.tests.forms import CHOICES, SETTINGS, SURVEY, workbook

_SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
CHEAP = _SCALE or 200
IMPORTER = max(_SCALE // 10, 30)

cheap = settings(max_examples=CHEAP, deadline=None, derandomize=not _SCALE)
importer = settings(
    max_examples=IMPORTER,
    deadline=None,
    derandomize=not _SCALE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def refuses_only(call: Callable[[], object], *allowed: type[BaseException]) -> object:
    """Run ``call``; an error it raises must be one of ``allowed`` and carry a message."""
    try:
        return call()
    except allowed as exc:
        message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        assert all(str(text).strip() for text in message), repr(exc)
        return None


# --- Typed text: NIK, KK, telephone ------------------------------------------------------------

DIGITISH = st.text(alphabet="0123456789 .-\t+()/", max_size=40)
TEXT = st.text(max_size=60)
# Digits of other scripts (Arabic-Indic, fullwidth, Devanagari) pass str.isdigit().
FOREIGN_DIGITS = st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６७८९¹²³", min_size=1, max_size=20)


@cheap
@given(st.one_of(DIGITISH, TEXT, FOREIGN_DIGITS))
@example("7372019999990042")
@example("7372 0199 9999 0042")
@example("737201999999004\uff12")  # a fullwidth 2
@example("")
@example("0000000000000000")
def test_nik_parsing_refuses_with_a_validation_error_only(raw: str) -> None:
    for sex in (None, "L", "P", "X"):
        check = refuses_only(
            lambda sex=sex: validate_nik(raw, sex=sex, birth_date=date(1990, 7, 1)),
            ValidationError,
        )
        if check is not None:
            assert check.nik.isascii() and check.nik.isdigit() and len(check.nik) == 16  # type: ignore[attr-defined]
    number = refuses_only(lambda: validate_kk(raw), ValidationError)
    if number is not None:
        assert str(number).isascii() and len(str(number)) == 16


@cheap
@given(st.one_of(DIGITISH, TEXT, FOREIGN_DIGITS))
@example("081299990042")
@example("+62 812-9999-0042")
@example("0062812")
@example("+")
@example("08\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")  # fullwidth digits
def test_phone_normalising_refuses_with_a_phone_error_only(raw: str) -> None:
    phone = refuses_only(lambda: normalise_phone(raw), PhoneError)
    if phone is not None:
        text = str(phone)
        assert text.startswith("+") and text[1:].isascii() and text[1:].isdigit(), text
        assert 8 <= len(text) - 1 <= 15, text
        # Normalising is idempotent: the stored form reads back as itself.
        assert normalise_phone(text) == text


# --- The upload type check ---------------------------------------------------------------------


def _png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SAMPLES = {"png": _png(), "jpg": _jpeg(), "pdf": PDF}
NAMES = st.sampled_from(
    ["a.png", "a.jpg", "a.jpeg", "a.pdf", "a.PNG", "a", "a.gif", ".png", "a.png.exe", ""]
)
FOREIGN = [
    b"<script>alert(1)</script>",
    b"<svg onload=x>",
    b"%PDF-1.7\n/JavaScript",
    b"PK\x03\x04",
    b"<html>",
    b"\x00" * 16,
]


@st.composite
def uploads(draw: st.DrawFn) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(sorted(SAMPLES)))
    good = SAMPLES[kind]
    shape = draw(st.sampled_from(["random", "truncated", "flipped", "polyglot", "prefix"]))
    if shape == "random":
        data = draw(st.binary(max_size=300))
    elif shape == "truncated":
        data = good[: draw(st.integers(0, len(good)))]
    elif shape == "flipped":
        data = bytearray(good)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        data = bytes(data)
    elif shape == "polyglot":
        other = SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]
        extra = draw(st.sampled_from([*FOREIGN, other]))
        data = draw(st.sampled_from([good + extra, extra + good, good[:40] + extra + good[40:]]))
    else:
        data = good[: draw(st.integers(1, 16))] + draw(st.binary(max_size=200))
    name = draw(st.one_of(NAMES, st.just(f"photo.{kind}")))
    return name, data


@cheap
@given(uploads())
def test_the_upload_check_refuses_with_an_upload_error_only(upload: tuple[str, bytes]) -> None:
    name, data = upload
    clean = refuses_only(lambda: clean_upload(filename=name, data=data), UploadError)
    if clean is not None:
        assert clean.content_type in {"application/pdf", "image/jpeg", "image/png"}  # type: ignore[attr-defined]


def test_the_untouched_samples_are_accepted() -> None:
    """The seeds of the fuzzing are good files, so garbling them tests the refusals."""
    for kind, data in SAMPLES.items():
        assert clean_upload(filename=f"ok.{kind}", data=data).data


# --- Workbooks -------------------------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.none(),
)
SURVEY_TYPES = st.sampled_from(
    [
        "text",
        "integer",
        "decimal",
        "date",
        "note",
        "select_one yn",
        "select_multiple yn",
        "select_one missing",
        "begin group",
        "end group",
        "begin repeat",
        "end repeat",
        "calculate",
        "geopoint",
        "start",
        "",
        "select_one",
        "select_one yn or_other",
    ]
)
NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True) | st.text(max_size=8)


def _clean_cell(value: object) -> object:
    """openpyxl refuses control characters in a cell; a spreadsheet program cannot write
    them either."""
    if isinstance(value, str):
        return "".join(c for c in value if c.isprintable() or c == " ")
    return value


def _book(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title[:31] or "Sheet")
        for row in rows:
            sheet.append([_clean_cell(value) for value in row])
    saved = io.BytesIO()
    book.save(saved)
    return _deterministic(saved.getvalue())


def _deterministic(data: bytes) -> bytes:
    """The workbook with fixed dates (openpyxl stamps the time of saving), so the same
    sheets make the same bytes, as hypothesis needs to replay an example."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.namelist():
            content = source.read(member)
            if member == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT[\d:.]+Z?", b"2026-01-01T00:00:00Z", content)
            info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def xlsforms(draw: st.DrawFn) -> bytes:
    """A workbook shaped like an XLSForm: survey rows of plausible types and names, a
    choices sheet, settings, with random cells mixed in."""
    header = ["type", "name", "label", *draw(st.lists(st.sampled_from(
        ["required", "relevant", "constraint", "label::English (en)", "hint", "choice_filter",
         "appearance", "calculation", "personal"]), max_size=3, unique=True))]  # fmt: skip
    survey: list[list[object]] = [header]
    for _ in range(draw(st.integers(0, 8))):
        row: list[object] = [draw(SURVEY_TYPES), draw(NAME), draw(st.text(max_size=20))]
        row += [draw(st.one_of(st.sampled_from(["yes", "", ". > 0", "${x} = 'ya'"]), CELL))
                for _ in header[3:]]  # fmt: skip
        survey.append(row)
    choices = [["list_name", "name", "label"]] + [
        [draw(st.sampled_from(["yn", "other", ""])), draw(NAME), draw(CELL)]
        for _ in range(draw(st.integers(0, 5)))
    ]
    sheets: dict[str, list[list[object]]] = {
        draw(st.sampled_from(["survey", "Survey", " survey ", "questions"])): survey
    }
    if draw(st.booleans()):
        sheets["choices"] = choices
    if draw(st.booleans()):
        sheets["settings"] = [["form_id", "version", "form_title"], [draw(CELL), draw(CELL),
                                                                     draw(CELL)]]  # fmt: skip
    return _book(sheets)


def _garble(data: bytes, draw: st.DrawFn) -> bytes:
    shape = draw(st.sampled_from(["truncated", "flipped", "member", "random", "zip"]))
    if shape == "truncated":
        return data[: draw(st.integers(0, len(data)))]
    if shape == "flipped":
        garbled = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            garbled[draw(st.integers(0, len(garbled) - 1))] = draw(st.integers(0, 255))
        return bytes(garbled)
    if shape == "random":
        return b"PK\x03\x04" + draw(st.binary(max_size=400))
    # Rewrite one member of the ZIP with garbage, or build a ZIP of random members.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        members = source.namelist()
        victim = draw(st.sampled_from(members)) if shape == "member" else None
        for member in members:
            content = source.read(member)
            if member == victim:
                content = draw(
                    st.one_of(
                        st.binary(max_size=200),
                        st.just(content[: len(content) // 2]),
                        st.just(content.replace(b"<", b"<x", 1)),
                        st.just(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'),
                    )
                )
            if shape == "zip" and draw(st.booleans()):
                continue
            target.writestr(member, content)
    return out.getvalue()


_WORKBOOK = _deterministic(workbook())


@st.composite
def garbled_xlsforms(draw: st.DrawFn) -> bytes:
    return _garble(_WORKBOOK, draw)


@importer
@given(st.one_of(xlsforms(), garbled_xlsforms(), st.binary(max_size=200)))
def test_the_xlsform_importer_refuses_with_a_form_error_only(data: bytes) -> None:
    parsed = refuses_only(lambda: xlsform.parse(data), xlsform.FormError)
    if parsed is not None:
        _definition, questions, _warnings = parsed  # type: ignore[misc]
        assert questions


# --- Submissions (KoBoToolbox / ODK Central exports) -----------------------------------------

_PARSED = xlsform.parse(workbook(SURVEY, CHOICES, SETTINGS))
QUESTIONS = _PARSED[1]
LISTS = xlsform.choice_lists(_PARSED[0])
COLUMNS = ["_uuid", "KEY", "SubmissionDate", "_submission_time", "rt", "rw"] + [
    q.path for q in QUESTIONS
] + [q.name for q in QUESTIONS]  # fmt: skip
ANSWER = st.one_of(
    st.sampled_from(["ya", "tidak", "L", "P", "Perempuan", "12", "-1", "1e400", "nan",
                     "2026-13-45", "2026-02-01", "lain kesehatan", "0x1F", "1/2", ""]),
    st.text(max_size=20),
)  # fmt: skip


@st.composite
def submission_tables(draw: st.DrawFn) -> list[list[object]]:
    header = draw(st.lists(st.sampled_from(COLUMNS) | st.text(max_size=10), max_size=12))
    rows = [header]
    for _ in range(draw(st.integers(0, 6))):
        rows.append([draw(st.one_of(ANSWER, CELL)) for _ in range(draw(st.integers(0, 14)))])
    return rows


def _csv(rows: list[list[object]], delimiter: str) -> str:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(
        [["" if cell is None else str(cell) for cell in row] for row in rows]
    )
    return out.getvalue()


@st.composite
def submission_files(draw: st.DrawFn) -> tuple[str, bytes]:
    rows = draw(submission_tables())
    shape = draw(st.sampled_from(["csv", "csv;", "xlsx", "garbled", "raw", "long"]))
    if shape in ("csv", "csv;"):
        text = _csv(rows, ";" if shape == "csv;" else ",")
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
        return "data.csv", text.encode(encoding, errors="replace")
    if shape == "xlsx":
        return "data.xlsx", _book({"data": rows})
    if shape == "garbled":
        return "data.xlsx", _garble(_book({"data": rows}), draw)
    if shape == "long":
        # One quoted field longer than the csv module's field limit (128 KiB).
        return "data.csv", b'_uuid,umur\n"' + b"x" * 140_000 + b'",12\n'
    return draw(st.sampled_from(["data.csv", "data.xlsx", "data"])), draw(st.binary(max_size=300))


LONG_FIELD = b'_uuid,umur\n"' + b"x" * 140_000 + b'",12\n'


@importer
@given(submission_files())
@example(("data.csv", LONG_FIELD))
@example(("data.csv", b"_uuid,umur\n\x00,1\n"))
@example(("data.xlsx", b"PK\x03\x04"))
@example(("data.csv", "_uuid;umur\nä;1\n".encode("utf-16")))
def test_the_submission_importer_refuses_with_an_import_error_only(
    upload: tuple[str, bytes],
) -> None:
    name, data = upload

    def read_and_check() -> list[kobo.RowResult]:
        table = kobo.read_table(data, name)
        return list(kobo.rows(table, QUESTIONS, LISTS))

    results = refuses_only(read_and_check, kobo.ImportFileError)
    for row in results or []:  # type: ignore[attr-defined]
        assert all(isinstance(reason, str) and reason for reason in row.reasons), row


# --- Spreadsheets for the directory (lib.tables, then the directory import) --------------------

DIRECTORY_COLUMNS = ["name", "address", "area_code", "phone", "whatsapp", "email", "hours",
                     "services", "wheelchair_access", "sign_language", "cost", "is_public",
                     "areas_served"]  # fmt: skip
DIRECTORY_CELL = st.one_of(
    st.sampled_from(["73.72", "73.72.03.1003", "99.99", "PSIKOSOSIAL;HUKUM", "ya", "tidak",
                     "0812-3456-7890", "+62 21 555", "x@y", "a" * 300, "GRATIS", "-", ""]),
    CELL,
)  # fmt: skip


@st.composite
def directory_files(draw: st.DrawFn) -> tuple[str, bytes]:
    header = draw(st.lists(st.sampled_from(DIRECTORY_COLUMNS) | st.text(max_size=8), max_size=10))
    rows: list[list[object]] = [header] + [
        [draw(DIRECTORY_CELL) for _ in range(draw(st.integers(0, 11)))]
        for _ in range(draw(st.integers(0, 5)))
    ]
    shape = draw(st.sampled_from(["csv", "csv;", "xlsx", "garbled", "raw", "long"]))
    if shape in ("csv", "csv;"):
        text = _csv(rows, ";" if shape == "csv;" else ",")
        return "dir.csv", text.encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])),
                                      errors="replace")  # fmt: skip
    if shape == "xlsx":
        return "dir.xlsx", _book({"Sheet": rows})
    if shape == "garbled":
        return "dir.xlsx", _garble(_book({"Sheet": rows}), draw)
    if shape == "long":
        return "dir.csv", b'name,area_code\n"' + b"x" * 140_000 + b'",73.72\n'
    return draw(st.sampled_from(["dir.csv", "dir.xlsx", "dir.txt"])), draw(st.binary(max_size=300))


@importer
@given(directory_files())
@example(("dir.csv", LONG_FIELD))
@example(("dir.xlsx", b"PK\x03\x04"))
def test_the_spreadsheet_reader_refuses_with_a_table_error_only(upload: tuple[str, bytes]) -> None:
    name, data = upload
    rows = refuses_only(lambda: read_table(filename=name, data=data), TableError)
    for row in rows or []:  # type: ignore[attr-defined]
        assert all(isinstance(key, str) and isinstance(v, str) for key, v in row.items())


@pytest.mark.django_db
@settings(
    max_examples=IMPORTER,
    deadline=None,
    derandomize=not _SCALE,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(directory_files())
def test_the_directory_import_refuses_with_a_validation_error_only(
    upload: tuple[str, bytes],
) -> None:
    from sipakatau.areas.services import areas_load_parepare
    from sipakatau.directory.services.importing import directory_import

    areas_load_parepare()
    name, data = upload
    rows = refuses_only(lambda: read_table(filename=name, data=data), TableError)
    if rows is None:
        return
    refuses_only(
        lambda: directory_import(actor=None, rows=rows, source=name),  # type: ignore[arg-type]
        ValidationError,
    )


# --- Regression tests: each crash the fuzzing found ---------------------------------------------


def _rewrite_member(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, content if name == member else source.read(name))
    return out.getvalue()


_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
# A cell pointing at shared string 99 of a workbook that has none (IndexError in openpyxl).
MISSING_SHARED_STRING = _SHEET + b'<row><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>'
# A cell past column XFD (ValueError in openpyxl, raised while the rows are read).
BAD_COLUMN = _SHEET + b'<row><c r="ZZZZZZ1"><v>1</v></c></row></sheetData></worksheet>'


def _submissions_xlsx() -> bytes:
    return _book({"data": [["_uuid", "umur"], ["a", 1]]})


def test_regression_a_csv_field_over_the_csv_limit_is_refused_not_a_server_error() -> None:
    """Crash 1 (kobo.read_table): csv.Error "field larger than field limit (131072)"."""
    with pytest.raises(kobo.ImportFileError):
        kobo.read_table(LONG_FIELD, "data.csv")


@pytest.mark.parametrize("sheet", [MISSING_SHARED_STRING, BAD_COLUMN], ids=["string", "column"])
def test_regression_a_broken_submissions_sheet_is_refused_not_a_server_error(sheet: bytes) -> None:
    """Crash 2 and 3 (kobo.read_table): openpyxl reads a read-only sheet lazily, so a
    broken sheet raises IndexError or ValueError while the rows are read, past the
    ``load_workbook`` guard."""
    data = _rewrite_member(_submissions_xlsx(), "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(kobo.ImportFileError):
        kobo.read_table(data, "data.xlsx")


@pytest.mark.parametrize("sheet", [MISSING_SHARED_STRING, BAD_COLUMN], ids=["string", "column"])
def test_regression_a_broken_xlsform_sheet_is_refused_not_a_server_error(sheet: bytes) -> None:
    """Crash 4 and 5 (xlsform.read_workbook): the same lazy read of the survey sheet."""
    data = _rewrite_member(_WORKBOOK, "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(xlsform.FormError):
        xlsform.parse(data)


def _directory_xlsx() -> bytes:
    return _book({"Sheet": [["name", "area_code"], ["Posko", "73.72"]]})


def _corrupt_deflate(data: bytes, member: str) -> bytes:
    """The ZIP with the compressed bytes of one member damaged (its CRC unchanged)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    garbled = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start, start + min(info.compress_size, 24)):
        garbled[at] ^= 0x5A
    return bytes(garbled)


@pytest.mark.parametrize(
    "damage",
    [
        # lxml's XMLSyntaxError is a SyntaxError, not a ValueError.
        lambda data: _rewrite_member(data, "docProps/core.xml", b"<a b='></a>"),
        # zlib.error from a damaged member, also outside the caught kinds.
        lambda data: _corrupt_deflate(data, "docProps/core.xml"),
    ],
    ids=["xml", "deflate"],
)
def test_regression_a_damaged_directory_workbook_is_refused_not_a_server_error(
    damage: Callable[[bytes], bytes],
) -> None:
    """Crash 6 and 7 (lib.tables.read_xlsx, found by the long run): ``load_workbook``
    raised lxml's XMLSyntaxError and zlib.error, which the refusal did not catch."""
    data = damage(_directory_xlsx())
    with pytest.raises(TableError):
        read_table(filename="dir.xlsx", data=data)
