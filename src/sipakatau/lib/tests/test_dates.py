from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from sipakatau.lib.dates import local_date, local_datetime

# 08.10 UTC on 7 December 2026.
MOMENT = datetime(2026, 12, 7, 8, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "7 Des 2026 15.10 WIB"),
        ("Asia/Pontianak", "7 Des 2026 15.10 WIB"),
        ("Asia/Makassar", "7 Des 2026 16.10 WITA"),
        ("Asia/Jayapura", "7 Des 2026 17.10 WIT"),
    ],
)
def test_it_writes_the_time_in_the_active_indonesian_zone(zone: str, expected: str) -> None:
    with translation.override("id"), timezone.override(zone):
        assert local_datetime(MOMENT) == expected


def test_it_names_a_zone_outside_indonesia_by_its_abbreviation() -> None:
    with translation.override("en"), timezone.override("Europe/Amsterdam"):
        assert local_datetime(MOMENT) == "7 Dec 2026 09:10 CET"


def test_the_local_day_follows_the_zone_across_midnight() -> None:
    # 16.30 UTC on 31 December is already 1 January in Makassar and Jayapura.
    late = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    with translation.override("id"):
        with timezone.override("Asia/Makassar"):
            assert local_datetime(late) == "1 Jan 2027 00.30 WITA"
            assert local_date(late) == "1 Jan 2027"
        with timezone.override("Asia/Jakarta"):
            assert local_date(late) == "31 Des 2026"


def test_months_are_indonesian_when_the_language_is() -> None:
    may = date(2026, 5, 3)
    with translation.override("id"):
        assert local_date(may) == "3 Mei 2026"
        assert local_date(date(2026, 8, 17)) == "17 Agu 2026"
    with translation.override("en"):
        assert local_date(may) == "3 May 2026"


def test_nothing_is_written_as_nothing() -> None:
    assert local_datetime(None) == ""
    assert local_date(None) == ""


def test_the_template_filters_use_the_helper() -> None:
    template = Template("{% load dates %}{{ moment|when }}|{{ moment|day }}|{{ missing|when }}")
    with translation.override("id"), timezone.override("Asia/Makassar"):
        text = template.render(Context({"moment": MOMENT, "missing": None}))
    assert text == "7 Des 2026 16.10 WITA|7 Des 2026|"
