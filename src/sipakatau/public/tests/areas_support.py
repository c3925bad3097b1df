"""Area lists for the routing and place-picker tests, written with bulk_create so that
thousands of villages cost a test a fraction of a second (the full national list is for
bench/public_page_weight_bench.py)."""

from collections.abc import Callable, Iterable

from sipakatau.areas.models import Area, Level
from tests.factories import load_areas

LEVELS = [Level.PROVINCE, Level.CITY, Level.KECAMATAN, Level.KELURAHAN]


def add_areas(rows: Iterable[tuple[str, str]]) -> None:
    """(code, name) rows down to the kelurahan; the level and the parent follow from the
    code. Codes already stored are left as they are."""
    load_areas()
    wanted = {code: name for code, name in rows}
    stored = set(Area.objects.filter(code__in=wanted).values_list("code", flat=True))
    by_depth: dict[int, list[str]] = {}
    for code in wanted:
        if code not in stored:
            by_depth.setdefault(code.count("."), []).append(code)
    for depth in sorted(by_depth):
        codes = by_depth[depth]
        parents = dict(
            Area.objects.filter(
                code__in={c.rsplit(".", 1)[0] for c in codes if "." in c}
            ).values_list("code", "pk")
        )
        Area.objects.bulk_create(
            [
                Area(
                    code=code,
                    name=wanted[code],
                    level=LEVELS[depth],
                    parent_id=parents.get(code.rsplit(".", 1)[0]) if depth else None,
                )
                for code in codes
            ],
            batch_size=2000,
        )


def add_region(
    code: str,
    name: str,
    *,
    cities: int = 1,
    kecamatan: int = 1,
    villages: int = 1,
    village_name: Callable[[int], str] = lambda n: f"Desa {n}",
) -> list[str]:
    """A province (or, for a code like ``73.71``, a city of a stored province) with its
    cities, kecamatan and villages; answers the villages' codes in order."""
    rows = [(code, name)]
    city_codes = [code] if "." in code else [f"{code}.{c:02d}" for c in range(1, cities + 1)]
    villages_made: list[str] = []
    for c, city in enumerate(city_codes, 1):
        if city != code:
            rows.append((city, f"Kabupaten {name} {c}"))
        for k in range(1, kecamatan + 1):
            kec = f"{city}.{k:02d}"
            rows.append((kec, f"Kuta {c}-{k}"))
            for v in range(1, villages + 1):
                village = f"{kec}.{2000 + v}"
                rows.append((village, village_name(len(villages_made) + 1)))
                villages_made.append(village)
    add_areas(rows)
    return villages_made
