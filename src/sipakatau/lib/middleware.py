"""Middleware that belongs to no domain."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

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


def language_from_cookie(get_response: Handler) -> Handler:
    """Bahasa Indonesia unless the visitor chose another language on the site.

    The browser's Accept-Language is ignored on purpose: many phones in Parepare are set to
    English, while the people using them read Indonesian best. The choice made with the
    language switch (a cookie) is honoured.
    """
    from django.utils import translation

    available = {code for code, _name in settings.LANGUAGES}

    def middleware(request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    return middleware


def method_not_allowed(get_response: Handler) -> Handler:
    """A 405 answers like every other refusal: JSON in the API, a page elsewhere (the
    views' ``require_POST`` gives an empty body, which a phone shows as a blank screen)."""
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    from .api_errors import api_error

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code != 405 or response.get("Content-Type") == "application/json":
            return response
        answer: HttpResponse
        if request.path.startswith("/api/"):
            answer = api_error(
                405,
                "method_not_allowed",
                _("This address does not accept %(method)s.") % {"method": request.method},
            )
        else:
            answer = render(request, "errors/405.html", status=405)
        if "Allow" in response.headers:
            answer.headers["Allow"] = response.headers["Allow"]
        return answer

    return middleware


def _bad_text(value: object) -> bool:
    """A NUL byte or a lone surrogate anywhere in a JSON value: neither can be stored (a
    NUL ends a C string; a surrogate has no UTF-8 form, so encryption fails)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_bad_text(key) or _bad_text(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_bad_text(item) for item in value)
    return False


def api_text_guard(get_response: Handler) -> Handler:
    """The forms refuse text that cannot be stored; the API refuses it too, with a
    structured 422, before any view sees it; a page refuses it in its address (400)."""
    import json

    from django.utils.translation import gettext as _

    from .api_errors import api_error

    def bad_request_text(request: HttpRequest) -> bool:
        # The address (filters, searches) and, for a write, its JSON body: a form refuses
        # a NUL, so must the API.
        if _bad_text(dict(request.GET.lists())):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return False  # the API answers malformed JSON itself
            return _bad_text(body)
        # A multipart form's fields are left to the services (an upload's title): parsing
        # them here would consume the stream that the idempotency layer hashes.
        return False

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            if bad_request_text(request):
                return api_error(
                    422,
                    "invalid_text",
                    _("The text holds a character that cannot be stored (a NUL or a broken one)."),
                )
        elif _bad_text(dict(request.GET.lists())):
            # A page reads its address outside any form (``?tempat=`` on the public report
            # page): PostgreSQL refuses a NUL in a query, which was a 500. The 400 page;
            # the log names the kind of problem only, never the value.
            from django.core.exceptions import SuspiciousOperation

            raise SuspiciousOperation("A NUL or a broken character in the address")
        return get_response(request)

    return middleware
