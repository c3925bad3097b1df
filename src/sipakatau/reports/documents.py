"""The monthly report as PDF (WeasyPrint, like the SK Lurah) and XLSX (openpyxl), from the
figures the report holds: suppressed, no case and no person in them."""

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.lib.charts import bar_chart
from sipakatau.lib.pdf import html_to_pdf

from .models import MonthlyReport

# How a hidden figure is printed. Not "<5": a number hidden so that a small one cannot be
# worked out from the total may be large.
HIDDEN = "*"

# The tables of the monthly report, in the order the SK's recipients read them.
REPORT_TABLES = [
    "cases_by_form",
    "victims_by_sex",
    "victims_by_age",
    "victims_by_disability",
    "victims_by_relationship",
    "cases_by_place",
    "cases_by_channel",
    "referrals_by_status",
    "closures_by_reason",
    "public_reports_by_status",
    "public_reports_promoted",
    "social_needs_by_status",
    "proposals_by_outcome",
    "mapping_coverage",
]
CHARTED = {"cases_by_form", "victims_by_age", "victims_by_sex", "cases_by_channel"}


def shown(value: object, threshold: int) -> str:
    """A figure as printed: a hidden one is "*", never blank (blank reads as zero)."""
    return HIDDEN if value is None else str(value)


def report_context(report: MonthlyReport, figures: dict[str, Any]) -> dict[str, Any]:
    threshold = figures.get("threshold", 0)
    tables = [figures["tables"][key] for key in REPORT_TABLES if key in figures["tables"]]
    return {
        "report": report,
        "unit": report.organisation,
        "figures": figures,
        "threshold": threshold,
        "tables": tables,
        "charts": {
            key: bar_chart(figures["tables"][key]) for key in CHARTED if key in figures["tables"]
        },
        "grids": list(figures["grids"].values()),
        "durations": list(figures["durations"].values()),
        "printed_at": timezone.now(),
    }


def monthly_pdf(report: MonthlyReport, figures: dict[str, Any]) -> bytes:
    return html_to_pdf("reports/monthly_pdf.html", report_context(report, figures))


def monthly_xlsx(report: MonthlyReport, figures: dict[str, Any]) -> bytes:
    """One sheet of tables (one block per table, a hidden figure written "*") and a
    sheet of charts; the recipients can copy the figures into their own recaps."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    threshold = figures.get("threshold", 0)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")[:31]
    bold = Font(bold=True)
    sheet.append([_("Monthly report"), str(report.organisation)])
    sheet.append([_("Month"), f"{report.month:%Y-%m}"])
    sheet.append([_("Status"), report.get_status_display()])
    sheet.append(
        [
            _("Small numbers hidden"),
            _(
                "Numbers below %(n)d are hidden, and so are other numbers from which a hidden "
                "one could be worked out. A hidden number is shown as *."
            )
            % {"n": threshold},
        ]
    )
    sheet.append([_("Narrative"), report.narrative])
    sheet.append([])
    anchors: list[tuple[str, int, int]] = []
    for key in REPORT_TABLES:
        table = figures["tables"].get(key)
        if table is None:
            continue
        sheet.append([table["title"]])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        first = sheet.max_row + 1
        for row in table["rows"]:
            value = row["value"]
            sheet.append([row["label"], value if value is not None else HIDDEN])
        sheet.append(
            [
                _("Total"),
                shown(table["total"], threshold) if table["total"] is None else table["total"],
            ]
        )
        sheet.append([_("Left out (no consent for statistics)"), table["left_out"]])
        if key in CHARTED:
            anchors.append((table["title"], first, first + len(table["rows"]) - 1))
        sheet.append([])
    for grid in figures["grids"].values():
        sheet.append([grid["title"]])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(["", *[c["label"] for c in grid["columns"]], _("Total")])
        for row in grid["rows"]:
            sheet.append(
                [
                    row["label"],
                    *[shown(c, threshold) if c is None else c for c in row["cells"]],
                    shown(row["total"], threshold) if row["total"] is None else row["total"],
                ]
            )
        sheet.append(
            [
                _("Total"),
                *[
                    shown(c["total"], threshold) if c["total"] is None else c["total"]
                    for c in grid["columns"]
                ],
                shown(grid["total"], threshold) if grid["total"] is None else grid["total"],
            ]
        )
        sheet.append([])
    for duration in figures["durations"].values():
        sheet.append([duration["title"]])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(
            [
                _("Number"),
                shown(duration["count"], threshold)
                if duration["count"] is None
                else duration["count"],
            ]
        )
        sheet.append([_("Median (hours)"), duration["median_hours"]])
        sheet.append([_("Mean (hours)"), duration["mean_hours"]])
        sheet.append([])
    sheet.column_dimensions["A"].width = 48
    charts = workbook.create_sheet(_("Charts")[:31])
    for n, (title, first, last) in enumerate(anchors):
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.legend = None
        chart.add_data(Reference(sheet, min_col=2, min_row=first, max_row=last))
        chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
        charts.add_chart(chart, f"A{1 + n * 16}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
