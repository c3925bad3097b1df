"""Reading a spreadsheet that a person uploads: CSV (as Excel or LibreOffice save it) or
XLSX. Rows come back as dictionaries keyed by the lower-cased header, every value text.

A blank row keeps its place in the list (as an empty dictionary), so that "line 7" in an
error message is row 7 of the file the person has open.
"""

import csv
import io
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_ROWS = 5000
# An XLSX is a ZIP of XML: a small upload can inflate to gigabytes (a "zip bomb"), and
# openpyxl reads the shared strings whole. A real directory is far below this.
MAX_XLSX_INFLATED = 50 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language."""


Row = dict[str, str]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # A spreadsheet keeps 5 as 5.0; nobody typed the ".0".
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _rows_from_cells(cells: list[list[str]]) -> list[Row]:
    if not cells or not any(cells[0]):
        raise TableError(_("The first row must hold the column names."))
    header = [name.strip().lower() for name in cells[0]]
    seen = [name for name in header if name]
    if len(seen) != len(set(seen)):
        raise TableError(_("A column name appears twice in the first row."))
    if len(cells) - 1 > MAX_ROWS:
        raise TableError(_("The file has too many rows (at most %(count)d).") % {"count": MAX_ROWS})
    rows: list[Row] = []
    for values in cells[1:]:
        if not any(value.strip() for value in values):
            rows.append({})
            continue
        row = {name: "" for name in header if name}
        for name, value in zip(header, values, strict=False):
            if name:
                row[name] = value.strip()
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            # Values beyond the named columns: most likely a comma inside an unquoted field.
            row[""] = " ".join(v for v in values[len(header) :] if v.strip())
        rows.append(row)
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the machine's code page when not told otherwise.
        return data.decode("cp1252", errors="replace")


def read_csv(data: bytes) -> list[Row]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel set to Indonesian writes ";" between columns (the comma is the decimal mark).
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(_("The CSV file is damaged and cannot be read.")) from exc
    return _rows_from_cells(cells)


def read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(_("The XLSX file is damaged and cannot be read.")) from exc
    if inflated > MAX_XLSX_INFLATED:
        raise TableError(_("The XLSX file is too big once opened. Save it as CSV instead."))
    try:
        # read_only streams the sheet; data_only takes a formula's last computed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # Besides BadZipFile, KeyError and ValueError, a damaged workbook raises lxml's
        # XMLSyntaxError (a SyntaxError) or zlib.error: each is a refusal of the file.
        raise TableError(_("The XLSX file is damaged and cannot be read.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size, and read-only mode trusts it: measure.
        sheet.reset_dimensions()
        cells: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            cells.append([_text(value) for value in values])
            if len(cells) > MAX_ROWS + 1:
                break
    except Exception as exc:
        # openpyxl meets a hostile or broken workbook with many kinds of error; each is a
        # refusal of the file, never a server error.
        raise TableError(_("The XLSX file is damaged and cannot be read.")) from exc
    finally:
        workbook.close()
    return _rows_from_cells(cells)


def read_table(*, filename: str, data: bytes) -> list[Row]:
    """The rows of an uploaded ``.csv`` or ``.xlsx`` file (header excluded)."""
    if not data:
        raise TableError(_("The file is empty."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        if not data.startswith(_ZIP_MAGIC):
            raise TableError(_("The file content does not match its name."))
        return read_xlsx(data)
    if extension == "csv":
        if data.startswith(_ZIP_MAGIC):
            raise TableError(_("The file content does not match its name."))
        return read_csv(data)
    raise TableError(_("Only CSV and XLSX files can be imported."))
