"""How heavy the public pages are on a cheap phone's first visit (target: the report page
under 60 KB transferred, HTML + CSS + JS, compressed).

Run from the repository root (a scratch SQLite database is made and thrown away):

    PYTHONPATH=src .venv/bin/python bench/public_page_weight_bench.py

Each page is rendered through Django, the assets it links (stylesheets, scripts, icons)
are read from the static files, and every part is gzip-compressed at level 6 as a web
server would send it. Figures go to standard output; record them in docs/benchmarks.md.
"""

import gzip
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

import django

BUDGET = 60 * 1024
PAGES = ["/", "/lapor/", "/lapor/mudah/", "/lacak/", "/cuaca/"]


def main() -> int:
    directory = Path(tempfile.mkdtemp(prefix="sipakatau-weight-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SIPAKATAU_VAR_DIR"] = str(directory / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()

    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from sipakatau.areas.services import areas_load_parepare

    setup_test_environment()
    call_command("migrate", verbosity=0)
    areas_load_parepare()
    client = Client()
    print(f"Public page weight, {date.today().isoformat()} (gzip level 6, first visit)")
    worst = 0
    for path in PAGES:
        html = client.get(path).content
        assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
        parts = [("html", html)]
        for asset in assets:
            found = finders.find(asset.decode().removeprefix("/static/"))
            if found:
                parts.append((asset.decode(), Path(str(found)).read_bytes()))
        raw = sum(len(body) for _name, body in parts)
        sent = sum(len(gzip.compress(body, 6)) for _name, body in parts)
        worst = max(worst, sent)
        names = ", ".join(name.rsplit("/", 1)[-1] for name, _body in parts)
        print(f"{path:14} {sent / 1024:6.1f} KB sent ({raw / 1024:6.1f} KB raw): {names}")
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"heaviest page {worst / 1024:.1f} KB: {verdict} the {BUDGET // 1024} KB budget")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
