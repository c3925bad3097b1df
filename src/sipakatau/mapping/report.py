"""The analysis as an XLSX workbook, one sheet per table, small cells suppressed."""

import io
import re

from .analysis import Table


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Tabel"
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:25]} {n}"
        n += 1
    taken.add(name.lower())
    return name


def report_xlsx(title: str, tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([title])
        sheet.append([table.title])
        sheet.append(table.header)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
            # A label typed as "=…" in someone's XLSForm stays text, never a formula.
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
