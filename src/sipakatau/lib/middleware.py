"""Middleware that belongs to no domain."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponse]


def no_store(get_response: Handler) -> Handler:
    """Forbid every cache (browser history included) from keeping a page.

    A survivor may share a phone with the person who hurts her: nothing she saw here may
    come back from the browser cache. Static assets keep their own caching.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, private"
            response.headers.setdefault(
                "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
            )
        return response

    return middleware
