"""Views that belong to no domain: health check and error pages."""

import logging
import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .api_errors import api_error
from .unavailable import RETRY_AFTER_SECONDS, is_unavailable

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the operator: the app answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
