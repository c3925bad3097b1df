"""A worker that never prints, exports or screens stays small (issue 19): loading the URL
configuration and serving the everyday pages imports none of the heavy libraries. They are
imported where they are used (``lib/pdf.py``, ``lib/qr.py``, ``social/rules.py``...).

The check runs in a fresh interpreter, as a gunicorn worker starts: in this one the test
suite has imported everything long ago. Its figures in megabytes are the benchmark's
(``bench/worker_rss_bench.py``); this test holds the shape.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What a worker that shows pages must not carry: PDF (WeasyPrint, with Pango), Excel,
# Word, XLSForm, encrypted zip, QR codes, the screening rules' engine, the fuzzer.
HEAVY = (
    "weasyprint",
    "openpyxl",
    "docx",
    "pyxform",
    "pyzipper",
    "qrcode",
    "rule_engine",
    "hypothesis",
    "tqdm",  # progress bars of the commands
    "sipakatau.lib.backup",  # the health check needs only the file names (lib/backup_names.py)
)

WORKER = """
import json, sys
import django
django.setup()
HEAVY = {heavy!r}

def heavy():
    return sorted(name for name in HEAVY if name in sys.modules)

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver, resolve, reverse
get_wsgi_application()  # the middleware, as gunicorn loads it
get_resolver().url_patterns  # the URL configuration, as the first request loads it
found = {{"urlconf": heavy()}}

from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host name is allowed
call_command("migrate", verbosity=0)
from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
from sipakatau.referrals.tests.support import case_with_victim
from tests.factories import make_user, signed_in_client

areas_load_parepare()
unit = organisation_ensure(name="LBK-KK Bahagia", short_name="Bahagia",
                           type=OrganisationType.LBK_KK,
                           area=Area.objects.get(code="73.72.03.1003"))
user = make_user(unit, Role.CASEWORKER)
case, _victim = case_with_victim(Membership.objects.get(user=user, organisation=unit))
found["data"] = heavy()

statuses = {{}}
anonymous = Client()
for path in ("/", reverse("accounts:login")):
    statuses[path] = anonymous.get(path).status_code
staff = signed_in_client(user)
for path in (reverse("accounts:home"), reverse("cases:case_list"),
             reverse("cases:case_detail", args=[case.pk])):
    resolve(path)
    statuses[path] = staff.get(path).status_code
found["pages"] = heavy()
found["statuses"] = statuses
found["api_imported"] = "sipakatau.api.urls" in sys.modules
# The API is still there: imported by its first request.
found["api_status"] = staff.get(reverse("api:me")).status_code
print(json.dumps(found))
"""


def _worker(tmp_path: Path) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SIPAKATAU_", "DATABASE_URL"))
    }
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "sipakatau.settings",
            "SIPAKATAU_ENV": "test",
            "SIPAKATAU_VAR_DIR": str(tmp_path),
            # A database of its own, in memory: the question is what is imported, and
            # that is the same on PostgreSQL.
            "DATABASE_URL": "sqlite://:memory:",
        }
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", WORKER.format(heavy=HEAVY)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_worker_serving_the_everyday_pages_imports_no_heavy_library(tmp_path: Path) -> None:
    found = _worker(tmp_path)

    assert set(found["statuses"].values()) == {200}  # type: ignore[attr-defined]
    assert found["urlconf"] == []
    assert found["data"] == []  # else the setup, not a page, imported it: fix the setup
    assert found["pages"] == []
    # Nor the API's schemas (sipakatau/urls.py: DeferredResolver), until its first request.
    assert found["api_imported"] is False
    assert found["api_status"] == 200


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    """The check itself must not go blind: an import of one of them is reported."""
    code = f"import sys, qrcode; print(sorted(n for n in {HEAVY!r} if n in sys.modules))"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['qrcode']"
