"""The CSV helper: a byte order mark first, semicolons between cells (Excel with Indonesian
regional settings), and no cell that a spreadsheet would run."""

import csv
import io

from sipakatau.lib.csv_response import csv_response, csv_streaming_response


def test_it_writes_a_bom_and_quotes_cells_that_start_like_a_formula() -> None:
    response = csv_response(
        filename="people.csv",
        header=["name", "note"],
        rows=[["=1+1", "+x"], ["-x", "@x"], ["Siti Aminah", "rumah 2, RT 03"], [None, 7]],
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [
        ["name", "note"],
        ["'=1+1", "'+x"],
        ["'-x", "'@x"],
        ["Siti Aminah", "rumah 2, RT 03"],
        ["", "7"],
    ]


def test_cells_are_separated_by_semicolons_and_survive_a_semicolon_or_a_quote() -> None:
    names = ["Siti; Aminah", 'Andi "Cakka" Rahman', "Baco, S.Pd.", "dua\nbaris"]
    response = csv_streaming_response(
        filename="nama.csv", header=["nama", "no"], rows=[[name, 1] for name in names]
    )

    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert text.startswith("\ufeffnama;no\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [["nama", "no"], *[[name, "1"] for name in names]]


def test_the_formula_guard_still_holds_after_a_semicolon() -> None:
    # A cell that starts like a formula after a semicolon is its own cell in Excel.
    response = csv_response(filename="a.csv", header=["a"], rows=[["=cmd|' /C calc'!A0"]])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["'=cmd|' /C calc'!A0"]
