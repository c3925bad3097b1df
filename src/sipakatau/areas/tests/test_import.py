"""Area code lists: Parepare ships with the app; any other region imports from CSV."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sipakatau.areas.models import Area, Level
from sipakatau.areas.queries import area_time_zone
from sipakatau.areas.services import AreaImportError, areas_import, areas_load_parepare


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The messages are matched in English here; their Indonesian is checked by the catalogue.
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_parepare_loads_with_its_kecamatan_kelurahan_and_pilot_rw_rt() -> None:
    areas_load_parepare()

    assert Area.objects.filter(level=Level.KECAMATAN, parent__code="73.72").count() == 4
    assert Area.objects.filter(level=Level.KELURAHAN, code__startswith="73.72.").count() == 22
    soreang = Area.objects.get(code="73.72.03.1003")
    assert soreang.name == "Watang Soreang"
    assert "Wattang Soreang" in soreang.aliases
    assert Area.objects.filter(level=Level.RW, parent=soreang).count() == 6
    assert Area.objects.filter(level=Level.RT, code__startswith="73.72.03.1003.").count() == 20
    assert Area.objects.filter(level=Level.RW, parent__code="73.72.01.1005").count() == 7
    assert Area.objects.filter(level=Level.RT, code__startswith="73.72.01.1005.").count() == 14


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    areas_load_parepare()
    count = Area.objects.count()

    result = areas_load_parepare()

    assert (result.created, result.updated) == (0, 0)
    assert Area.objects.count() == count


@pytest.mark.django_db
def test_the_time_zone_is_inherited_from_the_province() -> None:
    areas_load_parepare()

    assert area_time_zone(Area.objects.get(code="73.72.03.1003.001.001")) == "Asia/Makassar"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"code": "73.7", "level": "city", "name": "X", "parent_code": "73"},
            "not a valid area code",
        ),
        ({"code": "73.99", "level": "town", "name": "X", "parent_code": "73"}, "unknown level"),
        ({"code": "73.99", "level": "city", "name": "", "parent_code": "73"}, "name is empty"),
        (
            {"code": "74.99", "level": "city", "name": "X", "parent_code": "73"},
            "does not start with",
        ),
        (
            {"code": "73.99.01", "level": "kecamatan", "name": "X", "parent_code": "73.99"},
            "is unknown",
        ),
        (
            {"code": "73.99", "level": "kecamatan", "name": "X", "parent_code": "73"},
            "cannot sit under",
        ),
    ],
)
def test_a_bad_line_is_refused_with_its_line_number_and_nothing_changes(
    row: dict[str, str], message: str
) -> None:
    areas_import(
        rows=[{"code": "73", "level": "province", "name": "Sulawesi Selatan", "parent_code": ""}]
    )
    good = {"code": "73.98", "level": "city", "name": "Good", "parent_code": "73"}

    with pytest.raises(AreaImportError, match=message) as error:
        areas_import(rows=[good, row])

    assert "Line 3" in str(error.value)
    assert not Area.objects.filter(code="73.98").exists()


@pytest.mark.django_db
def test_the_command_imports_another_regions_list(tmp_path: Path) -> None:
    csv_file = tmp_path / "jateng.csv"
    csv_file.write_text(
        "code,level,name,parent_code,aliases,time_zone\n"
        "33,province,Jawa Tengah,,,Asia/Jakarta\n"
        "33.74,city,Kota Semarang,33,Semarang,\n",
        encoding="utf-8",
    )

    call_command("import_areas", str(csv_file))

    assert Area.objects.get(code="33.74").aliases == ["Semarang"]
    assert area_time_zone(Area.objects.get(code="33.74")) == "Asia/Jakarta"


@pytest.mark.django_db
def test_the_command_explains_a_bad_file(tmp_path: Path) -> None:
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(
        "code,level,name,parent_code\n33.74,city,Kota Semarang,33\n", encoding="utf-8"
    )

    with pytest.raises(CommandError, match="parent 33 is unknown"):
        call_command("import_areas", str(csv_file))
