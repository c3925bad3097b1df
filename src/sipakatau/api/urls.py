"""The JSON API at /api/v1/. Each app keeps its endpoints in its own api.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from sipakatau.accounts.api import auth_router, me_router
from sipakatau.accounts.api import router as accounts_router
from sipakatau.areas.api import router as areas_router
from sipakatau.cases.api import router as cases_router
from sipakatau.directory.api import router as directory_router
from sipakatau.jobs.api import router as files_router
from sipakatau.mapping.api import router as mapping_router
from sipakatau.mechanisms.api import router as mechanisms_router
from sipakatau.public.api import router as public_router
from sipakatau.public.inbox_api import router as public_inbox_router
from sipakatau.referrals.api import router as referrals_router
from sipakatau.reports.api import router as reports_router
from sipakatau.social.api import router as social_router

from .auth import BearerToken, BearerTokenUser, VerifiedSession, VerifiedSessionUser
from .openapi import CompleteNinjaAPI, SelfHostedSwagger
from .parser import BodyNotAnObject, ObjectBodyParser

api = CompleteNinjaAPI(
    title="Sipakatau API",
    version="1",
    # The one rule on every string that JSON Schema cannot say short of a pattern on each
    # (lib/middleware.py api_text_guard); the fuzzing is told not to send one.
    description="Mekanisme penanganan korban kekerasan dan perlindungan sosial. Teks apa "
    "pun (isi, alamat, filter) tidak boleh berisi karakter NUL atau surrogate tunggal: "
    "permintaan seperti itu dijawab 422 dengan kode `invalid_text`. Isi JSON selalu sebuah "
    "objek (`{...}`; bukan `0`, `[]` atau teks). Bilangan bulat di isi JSON adalah bilangan "
    "JSON (bukan `true`/`false` atau teks), tanggal ditulis `YYYY-MM-DD` dan waktu ditulis "
    "menurut RFC 3339 dengan zona waktunya, misalnya `2026-12-07T09:30:00+08:00` atau "
    "`2026-12-07T01:30:00Z` (bukan angka; waktu tanpa zona ditolak). Berkas yang diunggah "
    "tidak boleh kosong. Selain itu dijawab 422.",
    parser=ObjectBodyParser(),
    # A bearer token needs no CSRF token: a browser never adds it to a cross-site request.
    auth=[VerifiedSession(), BearerToken()],
    urls_namespace="api",
    docs_url="/docs",
    docs=SelfHostedSwagger(),
)
# Issuing a token needs no auth (the endpoint says auth=None); revoking one needs that
# very token.
api.add_router("/auth", auth_router, auth=BearerTokenUser())
api.add_router("/", me_router, auth=[VerifiedSessionUser(), BearerTokenUser()])
api.add_router("/accounts", accounts_router)
api.add_router("/areas", areas_router)
api.add_router("/cases", cases_router)
api.add_router("/directory", directory_router)
api.add_router("/files", files_router)
api.add_router("/mapping", mapping_router)
api.add_router("/mechanisms", mechanisms_router)
api.add_router("/referrals", referrals_router)
api.add_router("/public", public_router)
api.add_router("/public/inbox", public_inbox_router)
api.add_router("/reports", reports_router)
api.add_router("/social", social_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, str | None]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": None, "message": str(message)} for message in exc.messages]
    return api.create_response(request, {"detail": errors, "code": "invalid"}, status=422)


@api.exception_handler(NinjaValidationError)
def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Malformed requests (missing field, wrong type) answer in the same shape as a
    service's refusal, so a client handles one kind of 422."""
    errors = [
        {"field": str(error["loc"][-1]) if error.get("loc") else None, "message": error["msg"]}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors, "code": "invalid"}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (a body that is not JSON) in the API's shape: a body that
    cannot be read is a malformed request like any other, 422; so is JSON that is not an
    object (``parser.py``)."""
    if exc.status_code == 400:
        message = (
            _("The body must be a JSON object.")
            if isinstance(exc.__cause__, BodyNotAnObject)
            else _("The body is not valid JSON.")
        )
        errors = [{"field": None, "message": message}]
        return api.create_response(request, {"detail": errors, "code": "invalid"}, status=422)
    return api.create_response(
        request, {"detail": str(exc), "code": "error"}, status=exc.status_code
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def number_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number the database cannot hold, in a list of ids or a filter that a schema left
    unbounded: SQLite's driver refuses it (OverflowError), PostgreSQL answers
    numeric_value_out_of_range (22003). The client's mistake, so a 422 like any other;
    any other DataError stays a server error."""
    if isinstance(exc, DataError) and getattr(exc.__cause__, "sqlstate", None) != "22003":
        raise exc
    errors = [{"field": None, "message": _("A number is too large.")}]
    return api.create_response(request, {"detail": errors, "code": "invalid"}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Out of scope and absent answer alike, so a 404 says nothing about what exists.
    detail = _("Not found, or not shared with you.")
    return api.create_response(request, {"detail": detail, "code": "not_found"}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = _("You may not do this.")
    return api.create_response(request, {"detail": detail, "code": "forbidden"}, status=403)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = _("Sign in first, or send a valid token.")
    return api.create_response(request, {"detail": detail, "code": "unauthorized"}, status=401)


# The API's own routes, mounted at /api/v1/ under the namespace "api" by sipakatau/urls.py,
# which imports this module on the first request to the API (or the first reverse of an
# "api:" name), not when a worker starts.
urlpatterns, APP_NAME, NAMESPACE = api.urls
