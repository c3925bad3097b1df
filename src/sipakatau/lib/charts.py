"""Bar charts as SVG, drawn on the server: no script, no third-party asset, and the same
drawing in the page and in the PDF (statistics and the needs-mapping analysis). A hidden
(small) figure is drawn as an empty outline with its mark ("*" in statistics, "<5" in the
mapping), never as a bar whose length would tell it."""

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
ROW = 22
LABEL = 130
TOP = 20  # the chart's title


def bar_chart(
    table: dict[str, Any], *, hidden_mark: str = "*", title: str = "", value_room: int = 40
) -> SafeString:
    """Horizontal bars for ``table["rows"]``: each ``{"label", "value", "text"?}`` where a
    ``value`` of None is a hidden figure; ``value_room`` is the width kept for the printed
    value (a count with its percentage needs more)."""
    bar = WIDTH - LABEL - value_room
    rows = table["rows"]
    largest = max([row["value"] or 0 for row in rows] + [1])
    heading = str(title or table["title"])
    short_heading = heading if len(heading) <= 48 else heading[:47] + "…"
    height = TOP + ROW * len(rows) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(heading)}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="10">'
        f'<text x="0" y="13" font-weight="bold" fill="#1d2b27"><title>{escape(heading)}</title>'
        f"{escape(short_heading)}</text>"
    ]
    for i, row in enumerate(rows):
        y = TOP + 2 + i * ROW
        label = str(row["label"])
        short = label if len(label) <= 21 else label[:20] + "…"
        parts.append(
            f'<text x="0" y="{y + 14}" fill="#1d2b27"><title>{escape(label)}</title>'
            f"{escape(short)}</text>"
        )
        value = row["value"]
        if value is None:
            parts.append(
                f'<rect x="{LABEL}" y="{y + 3}" width="{bar // 8}" height="{ROW - 8}" '
                f'fill="none" stroke="#6b7773" stroke-dasharray="2 2"/>'
                f'<text x="{LABEL + bar // 8 + 4}" y="{y + 14}" fill="#6b7773">'
                f"{escape(hidden_mark)}</text>"
            )
            continue
        length = round(bar * value / largest)
        text = row.get("text", value)
        parts.append(
            f'<rect x="{LABEL}" y="{y + 3}" width="{length}" height="{ROW - 8}" fill="#0b5d4b"/>'
            f'<text x="{LABEL + length + 4}" y="{y + 14}" fill="#1d2b27">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
