"""Views that belong to no domain: health check and error pages."""

import logging
import sys

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .api_errors import api_error
from .health import health
from .observability import metrics_allowed
from .unavailable import RETRY_AFTER_SECONDS, is_unavailable

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer, the monitor and the operator: 200 when every check passes,
    503 when one fails, JSON either way (lib.health). No sign-in, no personal data."""
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"detail": "Use GET."}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    checks = health()
    # ?only=database: a load balancer decides on what makes this server useless, not on
    # an old backup or a full disk elsewhere, which would take every server out at once.
    only = {name for name in request.GET.getlist("only") if name}
    if only:
        checks = [check for check in checks if check.name in only]
        if not checks:
            return JsonResponse({"detail": "No such check."}, status=400)
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            "checks": [check.as_data() for check in checks],
        },
        status=200 if healthy else 503,
    )


def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus metrics, for the addresses in SIPAKATAU_METRICS_ALLOWED only; a 404
    for everyone else, as if there were nothing here."""
    if not metrics_allowed(request):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmarks' floor (bench/http_bench.py): a signed-in staff request through the
    whole middleware stack and the staff check, doing nothing else. Mounted only when
    SIPAKATAU_BENCH_FLOOR is on (never in production)."""
    from .access import staff_view

    @staff_view()
    def floor(request: HttpRequest, membership: object) -> HttpResponse:
        return HttpResponse(b"ok", content_type="text/plain")

    return floor(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(400, "bad_request", _("The request could not be read."))
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(403, "forbidden", _("You may not do this."))
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(404, "not_found", _("Not found, or not shared with you."))
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Every exception nobody handled, whether raised in a view, in the API (ninja passes
    what it does not handle on) or in a middleware: a locked database or a full disk is
    a 503 the client may retry, anything else a 500; JSON in the API, a page elsewhere.

    Rendered without the request's context processors, and without context on purpose:
    they read the database, which may be the very thing that failed, and an error page
    must never echo data from the failed request."""
    exc = sys.exc_info()[1]
    if exc is not None and is_unavailable(exc):
        # The kind of failure only: a database's message may quote the values it held.
        logger.warning("Answered 503 for %s: %s", request.path, type(exc).__name__)
        response = _error_answer(
            request,
            503,
            "unavailable",
            _("The system is busy. Nothing was saved: try again in a few seconds."),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _error_answer(
        request, 500, "server_error", _("Something went wrong on our side. Try again later.")
    )


def _error_answer(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(status, code, detail)
    page = loader.get_template(f"errors/{status}.html")
    return HttpResponse(page.render({"LANGUAGE_CODE": get_language()}), status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_error(403, "forbidden", _("You may not do this."))
    return render(request, "errors/csrf.html", status=403)
