"""CSV files that people open in a spreadsheet: every export and download goes through here,
so that the two rules below live in one place.

- The file starts with a byte order mark, so that Excel reads it as UTF-8 instead of the
  local code page and keeps accented letters in names intact.
- A cell that starts like a formula is quoted with a leading apostrophe. A spreadsheet runs
  such a cell, so a name typed as ``=HYPERLINK(...)`` would otherwise become a live link or
  command on the reader's machine (CSV injection, OWASP).
- Cells are separated by a semicolon. Excel takes the separator from the computer's
  regional settings, and with Indonesian settings (where the comma is the decimal mark)
  it is ``;``: a comma-separated file would open as one column per line.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = Iterable[object]


class ExcelSemicolon(csv.excel):
    """Excel's own CSV dialect with the list separator of Indonesian regional settings."""

    delimiter = ";"


def csv_cell(value: object) -> str:
    """The text of one cell: empty for None, quoted if it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    """The file line by line, the first one with the byte order mark."""
    writer = csv.writer(_Echo(), dialect=ExcelSemicolon)
    yield BOM + writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def _attach(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


def csv_response(*, filename: str, header: Row, rows: Iterable[Row]) -> HttpResponse:
    """A download built whole in memory: for files of a few thousand rows at most."""
    response = HttpResponse("".join(csv_lines(header, rows)), content_type=CONTENT_TYPE)
    _attach(response, filename)
    return response


def csv_streaming_response(
    *, filename: str, header: Row, rows: Iterable[Row]
) -> StreamingHttpResponse:
    """A download written as the rows are read: for files with no upper bound on their size."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CONTENT_TYPE)
    _attach(response, filename)
    return response
