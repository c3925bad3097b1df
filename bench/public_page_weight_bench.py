"""How heavy the public pages are on a cheap phone's first visit, with the national area
list loaded (target: every page under 14 KB transferred, HTML + CSS + JS, compressed —
what fits in the first round trips of a slow connection).

Run from the repository root (a scratch SQLite database is made and thrown away):

    PYTHONPATH=src .venv/bin/python bench/public_page_weight_bench.py

Kota Parepare's areas are loaded, then a national-scale list (bench/national_areas.py:
38 provinces, 514 cities, 7,277 kecamatan, 83,762 villages). Two installations are
measured: Parepare's (its two LBK-KK and its DP3A), then the same with provincial UPTD
PPA where the generated list has its longest lists (most cities in a province, most
kecamatan in a city, most villages in a kecamatan), so the picker needs every step.
Every page is requested once before it is measured (templates compiled, caches warm).
Each page is rendered through Django, the assets it links (stylesheets, scripts, icons)
are read from the static files, and every part is gzip-compressed at level 6 as a web
server would send it. Figures go to standard output; record them in docs/benchmarks.md.
"""

import gzip
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import django

BUDGET = 14 * 1024
PAREPARE = [
    "/",
    "/lapor/",
    "/lapor/?wilayah=73.72.03",
    "/lapor/?tempat=73.72.03.1003",
    "/lapor/mudah/",
    "/lapor/mudah/?wilayah=73.72.03",
    "/lapor/mudah/?tempat=73.72.03.1003",
    "/lapor/tempat-lain/",
    "/lacak/",
]
SEARCHES = ["lu", "sari", "watang"]


def main() -> int:
    directory = Path(tempfile.mkdtemp(prefix="sipakatau-weight-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SIPAKATAU_VAR_DIR"] = str(directory / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from national_areas import load_national_areas

    from sipakatau.accounts.models import OrganisationType
    from sipakatau.accounts.services.setup import organisation_ensure
    from sipakatau.areas.models import Area, Level
    from sipakatau.areas.services import areas_load_parepare

    setup_test_environment()
    call_command("migrate", verbosity=0)
    areas_load_parepare()
    started = time.perf_counter()
    created = load_national_areas()
    loaded = time.perf_counter() - started
    counts = {level: Area.objects.filter(level=level).count() for level in created}
    print(f"Public page weight, {date.today().isoformat()} (gzip level 6, first visit)")
    print(
        "areas: " + ", ".join(f"{n:,} {level}" for level, n in counts.items()),
        f"(generated in {loaded:.1f} s)",
    )
    for name, area in [
        ("LBK-KK Bahagia", "73.72.03.1003"),
        ("LBK-KK Ikhlas", "73.72.01.1005"),
        ("DP3A Kota Parepare", "73.72"),
    ]:
        kind = OrganisationType.DP3A if name.startswith("DP3A") else OrganisationType.LBK_KK
        organisation_ensure(name=name, short_name=name, type=kind, area=Area.objects.get(code=area))
    outside = Area.objects.filter(level=Level.KELURAHAN, code__startswith="11.").first()
    assert outside is not None

    client = Client()
    print("\nParepare (2 LBK-KK, DP3A Kota Parepare):")
    worst = _measure(client, [*PAREPARE, f"/lapor/?tempat={outside.code}"])
    _search(client)

    province, city, kecamatan = _longest_lists()
    provinces = sorted({code[:2] for code in (province, city, kecamatan)})
    for code in provinces:
        organisation_ensure(
            name=f"UPTD PPA {code}",
            short_name="UPTD PPA",
            type=OrganisationType.UPTD_PPA,
            area=Area.objects.get(code=code),
        )
    print(f"\nWith provincial UPTD PPA for {', '.join(provinces)} as well (the longest lists):")
    steps = ["/lapor/", f"/lapor/?wilayah={province}", f"/lapor/?wilayah={city}"]
    worst = max(worst, _measure(client, [*steps, f"/lapor/?wilayah={kecamatan}"]))
    _search(client)

    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"\nheaviest page {worst / 1024:.1f} KB: {verdict} the {BUDGET // 1024} KB budget")
    return 0 if worst <= BUDGET else 1


def _longest_lists() -> tuple[str, str, str]:
    """The generated province with the most cities, the city with the most kecamatan, and
    the kecamatan with the most villages: the longest lists a picker step can show."""
    from django.db.models import Count

    from sipakatau.areas.models import Area, Level

    def most_children(level: str) -> str:
        return str(
            Area.objects.filter(level=level)
            .exclude(code__startswith="73.72")
            .annotate(n=Count("children"))
            .order_by("-n", "code")
            .values_list("code", flat=True)[0]
        )

    return most_children(Level.PROVINCE), most_children(Level.CITY), most_children(Level.KECAMATAN)


def _measure(client: Any, paths: list[str]) -> int:
    from django.contrib.staticfiles import finders

    worst = 0
    for path in paths:
        client.get(path)
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        html = response.content
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
        parts = [("html", html)]
        for asset in assets:
            found = finders.find(asset.decode().removeprefix("/static/"))
            if found:
                parts.append((asset.decode(), Path(str(found)).read_bytes()))
        raw = sum(len(body) for _name, body in parts)
        sent = sum(len(gzip.compress(body, 6)) for _name, body in parts)
        html_sent = len(gzip.compress(html, 6))
        worst = max(worst, sent)
        names = ", ".join(name.rsplit("/", 1)[-1] for name, _body in parts)
        print(
            f"  {path:38} {response.status_code} {sent / 1024:5.1f} KB sent "
            f"(html {html_sent / 1024:4.1f}; {raw / 1024:5.1f} KB raw) {took:6.0f} ms: {names}"
        )
    return worst


def _search(client: Any) -> None:
    for text in SEARCHES:
        started = time.perf_counter()
        response = client.get("/api/v1/public/places", {"q": text})
        took = (time.perf_counter() - started) * 1000
        found = len(response.json()["places"])
        sent = len(gzip.compress(response.content, 6))
        print(f"  search {text!r:12} {found:2} places, {sent / 1024:4.1f} KB sent, {took:4.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
