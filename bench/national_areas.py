"""A national-scale area list for benchmarks: 38 provinces, 514 cities and regencies,
7,277 kecamatan and 83,762 villages, as Indonesia has (Kemendagri, 2024), with
Kemendagri-looking codes (``PP.CC.KK.1xxx`` for a kelurahan, ``PP.CC.KK.2xxx`` for a
desa) and many village names that repeat across the country, as real ones do.

The names and the shape are generated (the same every run, from a fixed seed); only the
province codes and names are real. Areas already stored (e.g. Kota Parepare, loaded
first) are kept and not generated again, so the totals come out a little lower.

    from national_areas import load_national_areas   # from a bench script
    counts = load_national_areas()

Run alone, it fills the database of DATABASE_URL (which must be migrated):

    PYTHONPATH=src .venv/bin/python bench/national_areas.py
"""

import random
import sys
import time
from collections.abc import Iterator

PROVINCES = [
    ("11", "Aceh"), ("12", "Sumatera Utara"), ("13", "Sumatera Barat"), ("14", "Riau"),
    ("15", "Jambi"), ("16", "Sumatera Selatan"), ("17", "Bengkulu"), ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"), ("21", "Kepulauan Riau"), ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"), ("33", "Jawa Tengah"), ("34", "DI Yogyakarta"), ("35", "Jawa Timur"),
    ("36", "Banten"), ("51", "Bali"), ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"), ("61", "Kalimantan Barat"), ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"), ("64", "Kalimantan Timur"), ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"), ("72", "Sulawesi Tengah"), ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"), ("75", "Gorontalo"), ("76", "Sulawesi Barat"),
    ("81", "Maluku"), ("82", "Maluku Utara"), ("91", "Papua"), ("92", "Papua Barat"),
    ("93", "Papua Selatan"), ("94", "Papua Tengah"), ("95", "Papua Pegunungan"),
    ("96", "Papua Barat Daya"),
]  # fmt: skip
CITIES = 514
KECAMATAN = 7_277
VILLAGES = 83_762
# Share of villages named from a common pool: the pool's names repeat across the country
# ("Sukamaju", "Kampung Baru"), the rest are (nearly always) one of a kind.
COMMON_SHARE = 0.4
COMMON_NAMES = 7_500
REAL_COMMON = ["Sukamaju", "Kampung Baru", "Sidomulyo", "Mekarsari", "Lumpue", "Tanjung Harapan"]
SYLLABLES = [
    c + v for c in "bdgjklmnprstw" for v in "aiuoe"
] + ["nga", "ngi", "nyo", "sa", "ra", "ta"]  # fmt: skip
WORDS = ["Baru", "Jaya", "Makmur", "Indah", "Harapan", "Sari", "Mulya", "Raya", "Timur", "Barat"]


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _i in range(rng.randint(2, 4))).capitalize()
    return f"{word} {rng.choice(WORDS)}" if rng.random() < 0.25 else word


def _shares(total: int, parts: int, rng: random.Random, spread: float) -> list[int]:
    """``total`` split into ``parts`` uneven whole shares, each at least 1: a few large
    (some kecamatan have over a hundred villages), most near the median."""
    weights = [rng.lognormvariate(0, spread) for _i in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def national_rows(seed: int = 2024) -> Iterator[tuple[str, str, str]]:
    """(code, level, name) from the provinces down, parents before their children."""
    rng = random.Random(seed)
    pool = REAL_COMMON + [_name(rng) for _i in range(COMMON_NAMES - len(REAL_COMMON))]
    city_counts = _shares(CITIES, len(PROVINCES), rng, 0.5)
    kecamatan_counts = iter(_shares(KECAMATAN, CITIES, rng, 0.5))
    village_counts = iter(_shares(VILLAGES, KECAMATAN, rng, 0.7))
    for (province, province_name), cities in zip(PROVINCES, city_counts, strict=True):
        yield province, "province", province_name
        towns = max(1, cities // 5)  # a fifth are cities (Kota, codes 71…), the rest regencies
        for c in range(cities):
            is_town = c >= cities - towns
            number = 71 + c - (cities - towns) if is_town else c + 1
            city = f"{province}.{number:02d}"
            yield city, "city", f"{'Kota' if is_town else 'Kabupaten'} {_name(rng)}"
            for k in range(1, next(kecamatan_counts) + 1):
                kecamatan = f"{city}.{k:02d}"
                yield kecamatan, "kecamatan", _name(rng)
                villages = next(village_counts)
                for v in range(villages):
                    # Kota: all kelurahan; a regency: a kelurahan or two, then desa.
                    kind = 1 if is_town or v < villages // 8 else 2
                    name = rng.choice(pool) if rng.random() < COMMON_SHARE else _name(rng)
                    yield f"{kecamatan}.{kind}{v + 1:03d}", "kelurahan", name


def load_national_areas(batch: int = 5_000) -> dict[str, int]:
    """Write the list with bulk_create, level by level; answers what was created."""
    from sipakatau.areas.models import Area

    rows = list(national_rows())
    stored = set(Area.objects.values_list("code", flat=True))
    # A city stored before (Parepare) keeps its own kecamatan and kelurahan.
    kept = tuple(code + "." for code in stored if code.count(".") == 1)
    created: dict[str, int] = {}
    for level in ("province", "city", "kecamatan", "kelurahan"):
        wanted = [
            (code, name)
            for code, row_level, name in rows
            if row_level == level and code not in stored and not code.startswith(kept)
        ]
        parents = dict(
            Area.objects.filter(
                code__in={code.rsplit(".", 1)[0] for code, _n in wanted}
            ).values_list("code", "pk")
        )
        areas = [
            Area(code=code, name=name, level=level, parent_id=parents.get(code.rsplit(".", 1)[0]))
            for code, name in wanted
        ]
        Area.objects.bulk_create(areas, batch_size=batch)
        created[level] = len(areas)
        stored |= {area.code for area in areas}
    return created


def main() -> int:
    import django

    django.setup()
    started = time.perf_counter()
    created = load_national_areas()
    seconds = time.perf_counter() - started
    print(", ".join(f"{n:,} {level}" for level, n in created.items()), f"in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
