from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from sipakatau.lib import views as lib_views
from sipakatau.lib.urls import DeferredResolver
from sipakatau.public import views as public_views

urlpatterns = [
    # The public portal's home; staff sign in at /akun/masuk/.
    path("", public_views.home, name="root"),
    path("healthz", lib_views.healthz, name="healthz"),
    path("metrics", lib_views.metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("sipakatau.accounts.urls")),
    path("", include("sipakatau.notifications.urls")),
    path("", include("sipakatau.audit.urls")),
    path("kasus/", include("sipakatau.cases.urls")),
    path("rujukan/", include("sipakatau.referrals.urls")),
    path("perlindungan-sosial/", include("sipakatau.social.urls")),
    path("layanan/", include("sipakatau.directory.urls")),
    path("", include("sipakatau.mechanisms.urls")),
    path("pemetaan/", include("sipakatau.mapping.urls")),
    path("", include("sipakatau.public.urls")),
    path("statistik/", include("sipakatau.reports.urls")),
    path("berkas/", include("sipakatau.jobs.urls")),
    # The JSON API (sipakatau/api/urls.py), by the module's name: Django imports it, with its
    # hundreds of schemas, when a request first goes to /api/v1/ or a page first names one
    # of its routes. A worker that only serves pages stays ~15 MB smaller (issue 19).
    DeferredResolver("api/v1/", "sipakatau.api.urls", app_name="ninja", namespace="api"),
]

if settings.BENCH_FLOOR:
    # bench/http_bench.py's floor: a minimal signed-in page, never mounted in production.
    urlpatterns.append(path("bench-floor/", lib_views.bench_floor, name="bench_floor"))

handler400 = "sipakatau.lib.views.bad_request"
handler403 = "sipakatau.lib.views.permission_denied"
handler404 = "sipakatau.lib.views.page_not_found"
handler500 = "sipakatau.lib.views.server_error"
