"""The server-drawn bar chart: a hidden figure is an outline with its mark and no bar
whose length would tell it; bars are proportional; every text is escaped."""

import re

from sipakatau.lib.charts import bar_chart


def _bars(svg: str) -> list[int]:
    return [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"[^>]*fill="#0b5d4b"', svg)]


def test_bars_are_proportional_and_a_hidden_figure_has_no_bar() -> None:
    svg = bar_chart(
        {
            "title": "Umur",
            "rows": [
                {"label": "0-17", "value": 20},
                {"label": "18-59", "value": 10},
                {"label": "60+", "value": None},
            ],
        },
        hidden_mark="<5",
    )

    first, second = _bars(svg)
    assert first == 2 * second
    assert len(_bars(svg)) == 2  # the hidden row draws no filled bar
    assert "&lt;5" in svg and 'stroke-dasharray="2 2"' in svg


def test_labels_titles_and_values_are_escaped() -> None:
    svg = bar_chart(
        {"title": "<script>", "rows": [{"label": "<b>x</b>", "value": 3, "text": "3 <i>"}]}
    )

    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
