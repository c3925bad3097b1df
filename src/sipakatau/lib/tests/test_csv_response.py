"""The CSV helper: a byte order mark first, and no cell that a spreadsheet would run."""

import csv
import io

from sipakatau.lib.csv_response import csv_response


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
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["name", "note"],
        ["'=1+1", "'+x"],
        ["'-x", "'@x"],
        ["Siti Aminah", "rumah 2, RT 03"],
        ["", "7"],
    ]
